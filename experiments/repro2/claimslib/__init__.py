"""The code behind experiments/repro2/claims.py, one purpose per module.

claims.py (the command line) reads a results folder into `results.Results` and hands it to
`report.build`, which writes the markdown: the header, then the sections of `tables.Tables`,
`figures.Figures` and `rules.Rules`, each built on the same `measures.Measures` of the results.

  plan.py      the paper's levels, the IMP rounds, the seeds, and which README stage runs a run
  records.py   the records read from the files: `Level`, `Run`, `Dense`
  results.py   reading a results folder (JSON collections, per-run summaries, CSV fallbacks)
  stats.py     means, sample sds and standard errors (`Stat`, `Noise`)
  markdown.py  number formats and markdown tables
  measures.py  the results at the paper's four levels: accuracies, costs, gains, curves (shared by
               the tables and the rules), and `Section`, the base of every part of the report
  tables.py    the dense baseline, Table 1 and Table 2 analogues
  figures.py   the Fig. 3, 5, 7a, 8, 9 and 10 analogues
  rules.py     the Claims section: the rules and each claim's status
  report.py    the whole markdown file, in order

Python 3.11, standard library only.
"""
