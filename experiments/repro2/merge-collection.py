#!/usr/bin/env python3
"""Merges a fresh `snnc sweep collect` output into the committed collection of the same name, so
runs collected in earlier sessions stay in it after their ticket files are gone (run.sh deletes the
checkpoint of a run once it is collected; a new machine has only the runs still in progress).

  merge-collection.py NEW OLD      # OLD := OLD's runs, each replaced by NEW's when NEW has it, then NEW's others

CSV: rows grouped by the first column (the run name: a prune run has one row per level); the
headers must be equal. JSON: the `runs`
arrays keyed by `name`, the other keys from NEW, written in one layout (indent 1, sorted keys) so a
re-collection changes only what changed. OLD is replaced atomically; when it does not exist, NEW is
copied (a JSON one in that layout). Python 3, standard library only.
"""

import csv
import io
import json
import os
import sys


def groups(items: list, key) -> dict:
    """Items grouped by key, groups and items in their first order."""
    out: dict = {}
    for x in items:
        out.setdefault(key(x), []).append(x)
    return out


def merge(old: list, new: list, key) -> list:
    """OLD's groups in order, each replaced by NEW's group of the same key, then NEW's other groups."""
    fresh, before = groups(new, key), groups(old, key)
    names = list(before) + [k for k in fresh if k not in before]
    return [x for k in names for x in fresh.get(k, before.get(k, []))]


def merged_csv(new_text: str, old_text: str) -> str:
    new_rows = list(csv.reader(io.StringIO(new_text)))
    old_rows = list(csv.reader(io.StringIO(old_text)))
    if not new_rows:
        return old_text
    if old_rows and old_rows[0] != new_rows[0]:
        sys.exit(f"merge-collection: the CSV headers differ ({old_rows[0]} vs {new_rows[0]}): merge by hand")
    rows = merge(old_rows[1:], new_rows[1:], lambda r: r[0])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([new_rows[0]] + rows)
    return out.getvalue()


def json_text(value) -> str:
    """One layout for every write, the first included, so a re-collection changes only what changed."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def merged_json(new_text: str, old_text: str) -> str:
    new, old = json.loads(new_text), json.loads(old_text)
    new["runs"] = merge(old.get("runs", []), new.get("runs", []), lambda r: r["name"])
    return json_text(new)


def main(new_path: str, old_path: str):
    with open(new_path) as f:
        new_text = f.read()
    if os.path.exists(old_path):
        with open(old_path) as f:
            old_text = f.read()
        text = merged_json(new_text, old_text) if old_path.endswith(".json") else merged_csv(new_text, old_text)
    else:
        text = json_text(json.loads(new_text)) if old_path.endswith(".json") else new_text
    with open(old_path + ".merging", "w") as f:
        f.write(text)
    os.replace(old_path + ".merging", old_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: merge-collection.py NEW OLD")
    main(sys.argv[1], sys.argv[2])
