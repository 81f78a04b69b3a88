import ArgumentParser
import Foundation
import SNNReport
import SNNStore

extension SNNC {
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a grid of snnc commands from a sweep file, here or as a Slurm job array.",
            discussion: """
                A sweep file (TOML, docs/SWEEP.md) names one command (prune, train, export, \
                simulate), the options of every run, and axes whose values multiply. Every run \
                has a stable name made of its axis values and writes its own file under the \
                sweep's outputs folder; its state (finished, partial, not started, failed) is read \
                from that file (and its log when there is no file), so running a sweep again skips \
                finished runs, resumes killed ones and starts failed ones again.

                Examples:
                  snnc sweep plan experiments/repro/sweep.toml
                  snnc sweep run experiments/repro/sweep.toml -j 2
                  snnc sweep slurm experiments/repro/sweep.toml --partition cpu \\
                      --time 2:00:00 --cpus-per-task 2 --mem 4G --submit
                  snnc sweep status experiments/repro/sweep.toml
                  snnc sweep collect experiments/repro/sweep.toml -o results.csv
                  snnc sweep collect experiments/repro/sweep.toml -o results.json
                  snnc report results.json -o report.html
                """,
            subcommands: [Plan.self, Run.self, Slurm.self, Status.self, Collect.self])
    }
}

/// The path of the running snnc binary (runs and Slurm tasks start the same one).
func currentExecutable() -> String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
}

extension SNNC.Sweep {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a sweep's runs: name, state, output file and command line.",
            discussion: """
                Examples:
                  snnc sweep plan sweep.toml
                  snnc sweep plan sweep.toml --json
                """)

        @Argument(help: "The sweep file (TOML).") var file: String
        @Flag(help: "Print the runs as JSON on stdout.") var json = false

        func run() throws {
            try reportingDiagnostics {
                let plan = try SweepPlan(try SweepFile.load(file))
                if json {
                    try printJSON(
                        plan.runs.map { run in
                            PlanJSON(
                                index: run.index, name: run.name,
                                axes: Dictionary(uniqueKeysWithValues: run.values.map { ($0.axis, $0.label) }), output: run.output,
                                log: run.log, command: ["snnc"] + run.arguments,
                                state: SweepRunState.of(run, command: plan.file.command, in: plan.file.directory).word)
                        })
                    return
                }
                var table = TextTable([
                    .init("#"), .init("run", .left), .init("state", .left), .init("output", .left),
                    .init("command", .left),
                ])
                for run in plan.runs {
                    let state = SweepRunState.of(run, command: plan.file.command, in: plan.file.directory)
                    table.append([String(run.index), run.name, state.word, run.output, "snnc " + run.arguments.joined(separator: " ")])
                }
                print(table.rendered().joined(separator: "\n"))
                print("\(Units.counted(plan.runs.count, "run")); they work in '\(plan.file.directory)'")
            }
        }

        struct PlanJSON: Encodable {
            var index: Int
            var name: String
            var axes: [String: String]
            var output: String
            var log: String
            var command: [String]
            var state: String
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a sweep on this machine, N runs at a time; skip finished runs, resume partial ones.",
            discussion: """
                Every run is a normal snnc command started in the sweep file's folder (its \
                output and log under the sweep's outputs folder); a partial ticket file or \
                checkpoint is continued with --resume, a finished one is skipped. One progress \
                line covers the grid. Exit status 1 when a run fails (its log is named). Each \
                run uses its own threads (--threads, 2 unless the sweep file's [options] set \
                'threads'); a warning says when -j runs at once ask for more threads than the \
                machine has cores.

                Examples:
                  snnc sweep run sweep.toml -j 2
                  snnc sweep run sweep.toml --run imp-s0 --run eb-s0
                """)

        @Argument(help: "The sweep file (TOML).") var file: String
        @Option(name: [.customShort("j"), .long], help: "Runs at the same time.") var jobs = 1
        @Option(name: .customLong("run"), help: "Run only this run (repeatable; names as 'snnc sweep plan' lists them).")
        var only: [String] = []

        func validate() throws {
            if jobs < 1 { throw ValidationError("-j must be at least 1") }
        }

        func run() throws {
            try reportingDiagnostics {
                let plan = try SweepPlan(try SweepFile.load(file))
                let selected = only.isEmpty ? nil : try only.map { try plan.run(named: $0) }
                let total = selected?.count ?? plan.runs.count
                if let warning = SweepThreads.oversubscription(
                    runs: selected ?? plan.runs, jobs: jobs, cores: ProcessInfo.processInfo.activeProcessorCount)
                {
                    printError("warning: " + warning)
                }
                let runner = SweepRunner(plan: plan, executable: currentExecutable(), jobs: jobs)
                SweepChildren.shared.forwardSignals()
                let progress = ProgressLine()
                let start = ProcessInfo.processInfo.systemUptime
                runner.onOutcome = { run, outcome in
                    switch outcome {
                    case .skipped: progress.finish("\(run.name): finished before, skipped")
                    case .finished(let resumed): progress.finish("\(run.name): finished\(resumed ? " (resumed)" : "")")
                    case .failed(let how): progress.finish("\(run.name): failed (\(how)), log: \(run.log)")
                    case .refused(let why): progress.finish("\(run.name): not run: \(why)")
                    }
                }
                runner.onProgress = { finished, running, waiting, failed in
                    let elapsed = formatDuration(ProcessInfo.processInfo.systemUptime - start)
                    progress.update(
                        "sweep \(plan.file.name) \(progressBar(Double(finished + failed) / Double(max(total, 1)))) "
                            + "\(finished)/\(total) finished, \(running.count) running (\(running.joined(separator: ", "))), "
                            + "\(waiting) waiting, \(failed) failed, \(elapsed)")
                }
                let outcomes = try runner.run(selected)
                let failed = outcomes.filter {
                    switch $0.1 {
                    case .failed, .refused: true
                    default: false
                    }
                }
                progress.finish(
                    "sweep \(plan.file.name): \(outcomes.count - failed.count)/\(outcomes.count) finished, \(failed.count) failed, "
                        + formatDuration(ProcessInfo.processInfo.systemUptime - start))
                if !failed.isEmpty {
                    throw Diagnostic(
                        message: "\(Units.counted(failed.count, "run")) did not finish: "
                            + failed.map(\.0.name).joined(separator: ", "),
                        location: (plan.file.directory as NSString).appendingPathComponent(failed[0].0.log),
                        hint: "read the logs; fix the cause and run the sweep again (finished runs are skipped)")
                }
            }
        }
    }

    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a Slurm batch script running the sweep as one job array; submit it with --submit.",
            discussion: """
                Task k of the array runs the plan's run k ('snnc sweep run FILE --run NAME'), \
                which resumes its own file, so a requeued task (node failure, preemption, \
                'scontrol requeue') continues where it stopped. --submit passes only the runs \
                that are not finished to sbatch (--array), so submitting again after a \
                cancelled or failed task finishes the grid. Options override the file's \
                [slurm] table.

                Examples:
                  snnc sweep slurm sweep.toml -o sweep.sbatch
                  snnc sweep slurm sweep.toml --partition cpu --time 1:00:00 \\
                      --cpus-per-task 2 --mem 4G --max-parallel 8 --submit
                """)

        @Argument(help: "The sweep file (TOML).") var file: String
        @Option(help: "Slurm partition (sbatch --partition).") var partition: String?
        @Option(help: "Time limit of each task (sbatch --time, e.g. 2:00:00).") var time: String?
        @Option(help: "CPUs per task (sbatch --cpus-per-task); match the runs' --threads.") var cpusPerTask: Int?
        @Option(help: "Memory per task (sbatch --mem, e.g. 4G).") var mem: String?
        @Option(help: "Tasks running at once (the array's %M).") var maxParallel: Int?
        @Option(name: .shortAndLong, help: "The script to write (default: <outputs>/<sweep>.sbatch).") var output: String?
        @Flag(help: "Submit the script with sbatch (only the runs not finished).") var submit = false

        func validate() throws {
            if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
            if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
        }

        func run() throws {
            try reportingDiagnostics {
                let sweep = try SweepFile.load(file)
                let plan = try SweepPlan(sweep)
                let script = SlurmScript(
                    partition: partition ?? sweep.slurm.partition, time: time ?? sweep.slurm.time,
                    cpusPerTask: cpusPerTask ?? sweep.slurm.cpusPerTask, mem: mem ?? sweep.slurm.mem,
                    maxParallel: maxParallel ?? sweep.slurm.maxParallel)
                let folder = URL(fileURLWithPath: sweep.directory).standardizedFileURL.path
                let text = script.text(
                    for: plan, snnc: currentExecutable(), folder: folder, sweepFile: (sweep.path as NSString).lastPathComponent)
                let outputs = (sweep.directory as NSString).appendingPathComponent(sweep.outputs)
                try FileManager.default.createDirectory(
                    atPath: (outputs as NSString).appendingPathComponent("logs"), withIntermediateDirectories: true)
                let path = output ?? (outputs as NSString).appendingPathComponent(sweep.name + ".sbatch")
                do {
                    try AtomicFile.write(Data(text.utf8), to: path)
                } catch let error as FileWriteError {
                    throw Diagnostic(message: "cannot write the batch script: \(error.reason)", location: path, hint: error.hint)
                }
                printError("wrote \(path): \(plan.runs.count) runs as one job array")
                guard submit else { return }
                var pending: [SweepRun] = []
                for run in plan.runs {
                    switch SweepRunState.of(run, command: sweep.command, in: sweep.directory) {
                    case .finished: continue
                    case .notStarted, .failed, .partial: pending.append(run)
                    case .differs(let why), .unreadable(let why): printError("not submitted: \(run.name): '\(run.output)' \(why)")
                    }
                }
                guard !pending.isEmpty else {
                    printError("every run is finished; nothing to submit")
                    return
                }
                let array = SlurmScript.arraySpec(pending.map(\.index), maxParallel: script.maxParallel)
                let job = try SlurmTools.sbatch(["--parsable", "--array=\(array)", path])
                let jobs = (outputs as NSString).appendingPathComponent("slurm-jobs.txt")
                try SlurmTools.appendJob(job, array: array, to: jobs)
                print(job)
                printError(
                    "submitted job \(job): array \(array) (\(pending.count) of \(plan.runs.count) runs); 'snnc sweep status \(file)'")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each run's state, from its output file and, when Slurm is present, the queue.",
            discussion: """
                The state comes from the run's file (finished, partial with what is stored, \
                not started; failed, with the exit status and the log, when its last attempt \
                failed before writing one). With jobs submitted by 'snnc sweep slurm --submit' and squeue on \
                the PATH, each run's task state is shown too (PENDING, RUNNING, …).

                Examples:
                  snnc sweep status sweep.toml
                  snnc sweep status sweep.toml --json
                """)

        @Argument(help: "The sweep file (TOML).") var file: String
        @Flag(help: "Print the states as JSON on stdout.") var json = false

        func run() throws {
            try reportingDiagnostics {
                let sweep = try SweepFile.load(file)
                let plan = try SweepPlan(sweep)
                let outputs = (sweep.directory as NSString).appendingPathComponent(sweep.outputs)
                let queue = SlurmTools.queueStates(jobsFile: (outputs as NSString).appendingPathComponent("slurm-jobs.txt"))
                let rows = plan.runs.map { run -> StatusJSON in
                    let state = SweepRunState.of(run, command: sweep.command, in: sweep.directory)
                    return StatusJSON(name: run.name, state: state.word, detail: state.detail, output: run.output, slurm: queue[run.index])
                }
                if json {
                    try printJSON(rows)
                    return
                }
                var table = TextTable([
                    .init("run", .left), .init("state", .left), .init("slurm", .left),
                    .init("detail", .left),
                ])
                for row in rows { table.append([row.name, row.state, row.slurm ?? "", row.detail]) }
                print(table.rendered().joined(separator: "\n"))
                let finished = rows.filter { $0.state == "finished" }.count
                print("\(finished)/\(rows.count) finished")
            }
        }

        struct StatusJSON: Encodable {
            var name: String
            var state: String
            var detail: String
            var output: String
            var slurm: String?
        }
    }

    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the finished runs' results into one CSV or JSON file.",
            discussion: """
                CSV: one row per run and level (prune) or per run (train; export and simulate: \
                the file), the run's axis values as columns, deterministic numbers only (no \
                wall times) and each level's weights SHA-256, so two executions of a sweep \
                compare byte for byte. JSON: each run's 'snnc prune --json' summary; \
                'snnc report results.json' plots them. Unfinished runs are left out (named on \
                stderr).

                Examples:
                  snnc sweep collect sweep.toml -o results.csv
                  snnc sweep collect sweep.toml -o results.json
                  snnc report results.json -o report.html
                """)

        @Argument(help: "The sweep file (TOML).") var file: String
        @Option(name: .shortAndLong, help: "The merged file: .csv or .json.") var output: String

        func validate() throws {
            guard output.hasSuffix(".csv") || output.hasSuffix(".json") else {
                throw ValidationError("-o must end in .csv or .json")
            }
        }

        func run() throws {
            try reportingDiagnostics {
                let plan = try SweepPlan(try SweepFile.load(file))
                let collection = try SweepCollection(plan)
                let data = output.hasSuffix(".csv") ? Data(collection.csv().utf8) : try collection.json()
                do {
                    try AtomicFile.write(data, to: output)
                } catch let error as FileWriteError {
                    throw Diagnostic(message: "cannot write the merged results: \(error.reason)", location: output, hint: error.hint)
                }
                if !collection.unfinished.isEmpty {
                    printError("left out (not finished): " + collection.unfinished.map(\.name).joined(separator: ", "))
                }
                printError("wrote \(output): \(collection.entries.count) of \(plan.runs.count) runs")
            }
        }
    }
}

/// Encodes `value` as sorted, indented JSON on stdout.
private func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
