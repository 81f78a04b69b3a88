import Foundation
import SNNStore
import SNNTickets
import Testing

@testable import snnc

/// `snnc sweep`: the sweep file, its grid and names, its errors, the Slurm script, and `run`'s
/// skip/resume on a tiny real prune.
@Suite("snnc sweep")
struct SweepTests {
    static let grid = """
        [sweep]
        command = "prune"
        outputs = "tickets"
        name = "{method}-s{seed}"

        [options]
        model = "small"
        data-dir = "data"
        no-augment = true
        bn-statistics = false

        [axes]
        seed = [0, 1]

        [axes.method.imp]
        method = "imp"
        rounds = "4,8"

        [axes.method.snip]
        method = "snip"
        sparsity = "68.30"
        target = ["edge", "loihi2"]
        seed = [0]
        """

    func plan(_ text: String, path: String = "sweeps/grid.toml") throws -> SweepPlan {
        try SweepPlan(try SweepFile.parse(text, path: path))
    }

    @Test func gridExpandsWithStableNamesAndPaths() throws {
        let plan = try plan(Self.grid)
        #expect(plan.runs.map(\.name) == ["imp-s0", "snip-s0", "imp-s1"])  // snip is restricted to seed 0
        #expect(plan.runs.map(\.output) == ["tickets/imp-s0.h5", "tickets/snip-s0.h5", "tickets/imp-s1.h5"])
        #expect(plan.runs.map(\.log) == ["tickets/logs/imp-s0.log", "tickets/logs/snip-s0.log", "tickets/logs/imp-s1.log"])
        #expect(
            plan.runs[1].arguments == [
                "prune", "--model", "small", "--data-dir", "data", "--no-augment", "--seed", "0", "--method", "snip", "--sparsity", "68.30",
                "--target", "edge", "--target", "loihi2", "-o", "tickets/snip-s0.h5",
            ])
        #expect(plan.file.directory == "sweeps")
        #expect(plan.file.name == "grid")
        // Names and command lines depend on the values, not on where they are written.
        let reordered = Self.grid.replacingOccurrences(of: "seed = [0, 1]", with: "seed = [1, 0]")
        let other = try self.plan(reordered)
        #expect(other.runs.map(\.name) == ["imp-s1", "imp-s0", "snip-s0"])
        for run in plan.runs {
            #expect(try other.run(named: run.name).arguments == run.arguments)
        }
    }

    @Test func defaultNamesJoinTheLabels() throws {
        let plan = try plan(
            """
            [sweep]
            command = "train"
            [axes]
            width = [0.125, 0.25]
            [axes.neuron.if]
            neuron = "if"
            reset = "subtract"
            [axes.neuron.lif]
            neuron = "lif"
            """, path: "s.toml")
        #expect(plan.runs.map(\.name) == ["width0.125-if", "width0.125-lif", "width0.25-if", "width0.25-lif"])
        #expect(
            plan.runs[0].arguments == ["train", "--width", "0.125", "--neuron", "if", "--reset", "subtract", "-o", "runs/width0.125-if.h5"])
        #expect(plan.file.directory == ".")
    }

    @Test func exportAndSimulateTakeArgumentsWithPlaceholders() throws {
        let plan = try plan(
            """
            [sweep]
            command = "simulate"
            outputs = "sim"
            arguments = ["models/s{seed}-{target}.snn.h5"]
            placeholder-axes = ["seed"]
            [options]
            limit = 100
            [axes]
            seed = [3]
            target = ["edge", "speck"]
            """)
        #expect(plan.runs.map(\.name) == ["seed3-targetedge", "seed3-targetspeck"])
        #expect(plan.runs[1].arguments == ["simulate", "models/s3-speck.snn.h5", "--limit", "100", "--target", "speck", "--json"])
        #expect(plan.runs[1].output == "sim/seed3-targetspeck.json")
    }

    /// Each bad file: the reason, the place (file:line:column) and the hint.
    @Test(
        arguments: [
            ("[options]\nseed = 1\n", "no [sweep] table", "f.toml", "start the file with [sweep]"),
            (
                "[sweep]\ncommand = \"evaluate\"\n", "unknown command 'evaluate'", "f.toml:2:1",
                "a sweep runs one of: prune, train, export, simulate"
            ),
            ("[sweep]\ncommand = \"prune\"\nouput = \"x\"\n", "unknown key 'ouput' in [sweep]", "f.toml:3:1", "[sweep] takes command"),
            ("[sweep]\ncommand = 3\n", "command must be a string, not an integer (3)", "f.toml:2:1", "docs/SWEEP.md"),
            (
                "[sweep]\ncommand = \"prune\"\n[options]\noutput = \"t.h5\"\n", "'output' in [options] is set by the sweep itself",
                "f.toml:4:1", "every run writes its own file"
            ),
            (
                "[sweep]\ncommand = \"prune\"\n[options]\n\"--seed\" = 1\n", "'--seed' in [options] is not an option name", "f.toml:4:1",
                "write the long option without dashes"
            ),
            (
                "[sweep]\ncommand = \"prune\"\n[options]\nseed = 1\n[axes]\nseed = [0, 1]\n",
                "option 'seed' is set both in [options] and by axis 'seed'", "f.toml:6:1", "set each option in one place"
            ),
            (
                "[sweep]\ncommand = \"prune\"\n[axes]\nseed = [0, 1]\n[axes.method.snip]\nmethod = \"snip\"\nseed = [2]\n",
                "[axes.method.snip] restricts axis 'seed' to '2', which is not one of its values (0, 1)", "f.toml:7:1",
                "keeps only the listed values"
            ),
            ("[sweep]\ncommand = \"prune\"\n[axes]\nseed = []\n", "axis 'seed' has no values", "f.toml:4:1", "at least one value"),
            (
                "[sweep]\ncommand = \"export\"\nplaceholder-axes = [\"sed\"]\n[axes]\nseed = [0]\n",
                "placeholder-axes: \"sed\" is not a list axis", "f.toml:3:1", "name axes written as name = [...]"
            ),
            ("[sweep]\ncommand = \"prune\"\n[axes]\nseed = [0, 0]\n", "axis 'seed' lists '0' twice", "f.toml:4:1", "remove the repeated"),
            (
                "[sweep]\ncommand = \"prune\"\n[axes]\nfrom = [\"a/b.h5\"]\n",
                "axis 'from': 'a/b.h5' cannot be part of a run's name (file names take letters, digits and . _ + = -)", "f.toml:4:1",
                "use a named option set"
            ),
            (
                "[sweep]\ncommand = \"prune\"\nname = \"s{seed}\"\n[axes]\nseed = [0, 1]\nlr = [0.1, 0.2]\n",
                "[sweep] name leaves out axis 'lr', so runs would share names", "f.toml", "add {lr} to name"
            ),
            (
                "[sweep]\ncommand = \"prune\"\nname = \"{sed}\"\n[axes]\nseed = [0, 1]\n", "[sweep] name uses {sed}, which is not an axis",
                "f.toml", "the axes are: seed"
            ),
            (
                "[sweep]\ncommand = \"prune\"\noutputs = \"/scratch/out\"\n",
                "outputs must be a folder relative to the sweep file, not '/scratch/out'", "f.toml:3:1",
                "runs work in the sweep file's folder"
            ),
            (
                "[sweep]\ncommand = \"prune\"\n[axes]\nseed = [0, 1\n", "unterminated array: no closing ']'", "f.toml:4:8",
                "the sweep file is TOML"
            ),
            (
                "[sweep]\ncommand = \"prune\"\n[slurm]\ncpus-per-task = 0\n", "cpus-per-task must be a positive integer, not 0",
                "f.toml:4:1",
                "docs/SWEEP.md"
            ),
        ])
    func badFilesAreClearErrors(_ text: String, _ reason: String, _ location: String, _ hint: String) {
        do {
            _ = try plan(text, path: "f.toml")
            Issue.record("accepted: \(text)")
        } catch let error as SweepFileError {
            #expect(error.reason == reason)
            #expect(error.location == location)
            #expect(error.hint?.contains(hint) == true, "\(error.hint ?? "no hint")")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func oversubscribedThreadsAreNamedBeforeTheRunsStart() throws {
        let defaults = try plan(Self.grid)  // prune without --threads: 2 each
        #expect(defaults.runs.allSatisfy { SweepThreads.threads(of: $0) == 2 })
        let warning = try #require(SweepThreads.oversubscription(runs: defaults.runs, jobs: 2, cores: 2))
        #expect(warning.contains("4 threads on 2 cores"))
        #expect(warning.contains("'threads = 1'"))
        #expect(SweepThreads.oversubscription(runs: defaults.runs, jobs: 1, cores: 2) == nil)
        #expect(SweepThreads.oversubscription(runs: defaults.runs, jobs: 2, cores: 4) == nil)
        #expect(SweepThreads.oversubscription(runs: Array(defaults.runs.prefix(1)), jobs: 2, cores: 2) == nil)

        let oneThread = try plan(Self.grid.replacingOccurrences(of: "model = \"small\"", with: "model = \"small\"\nthreads = 1"))
        #expect(oneThread.runs.allSatisfy { SweepThreads.threads(of: $0) == 1 })
        #expect(SweepThreads.oversubscription(runs: oneThread.runs, jobs: 2, cores: 2) == nil)

        var run = defaults.runs[0]
        run.arguments += ["--threads=3"]
        #expect(SweepThreads.threads(of: run) == 3)
        run.arguments = ["export", "a.h5", "-o", "b.h5"]
        #expect(SweepThreads.threads(of: run) == 1)
    }

    @Test func statusOfARunInProgressCountsItsEpochsAndTheTimeLeft() {
        var ledger = CostLedger()
        ledger.add(CostEntry(phase: "train", run: "round3", timeSteps: 3, images: 1000, forwardMACs: 1, backwardMACs: 1, seconds: 40))
        ledger.add(CostEntry(phase: "train", run: "round3", timeSteps: 5, images: 500, forwardMACs: 1, backwardMACs: 1, seconds: 20))
        ledger.add(CostEntry(phase: "probe", run: "round3", timeSteps: 5, images: 9000, forwardMACs: 1, backwardMACs: 0, seconds: 99))
        ledger.add(CostEntry(phase: "train", run: "round2", timeSteps: 5, images: 9000, forwardMACs: 1, backwardMACs: 1, seconds: 99))
        let cursor = RunCursor(
            setup: RunSetup(id: "round3", level: 3, epochs: 20, trainEpochs: 19, learningRate: 0.1, streamBase: 0), ledger: ledger)
        // 1,500 of round3's training images at 500 per epoch: 3 epochs in 60 s, 16 left at 20 s each.
        // A file without the cursor's own epoch size falls back to the header's --train-subset.
        #expect(RunCursorText.describe(cursor, trainSubset: 500) == "in round3, 3 of 19 epochs done, ≈ 5m20s left in round3")
        #expect(RunCursorText.describe(cursor, trainSubset: nil) == "in round3")
        let fresh = RunCursor(setup: cursor.setup, ledger: CostLedger())
        #expect(RunCursorText.describe(fresh, trainSubset: 500) == "in round3, 0 of 19 epochs done")
        // The cursor's epoch size (the images the search really trains on) wins over the subset
        // asked for, which may be larger than the data set.
        let sized = RunCursor(setup: cursor.setup, ledger: ledger, imagesPerEpoch: 750)
        #expect(RunCursorText.describe(sized, trainSubset: 60000) == "in round3, 2 of 19 epochs done, ≈ 8m30s left in round3")
        #expect(RunCursorText.describe(sized, trainSubset: nil) == "in round3, 2 of 19 epochs done, ≈ 8m30s left in round3")
        // The search's own estimate of all its remaining work, recorded with the last epoch.
        let estimated = RunCursor(setup: cursor.setup, ledger: ledger, imagesPerEpoch: 750, searchSecondsLeft: 4200)
        #expect(
            RunCursorText.describe(estimated, trainSubset: nil)
                == "in round3, 2 of 19 epochs done, ≈ 8m30s left in round3, ≈ 1h10m of training left in the search at its last epoch")
        #expect(
            RunCursorText.describe(RunCursor(setup: cursor.setup, ledger: ledger, searchSecondsLeft: 4200), trainSubset: nil)
                == "in round3, ≈ 1h10m of training left in the search at its last epoch")
    }

    @Test func slurmScriptIsOneJobArray() throws {
        let plan = try plan(Self.grid)
        let script = SlurmScript(partition: "cpu", time: "2:00:00", cpusPerTask: 2, mem: "4G", maxParallel: 2)
        let text = script.text(for: plan, snnc: "/opt/snnc/bin/snnc", folder: "/scratch/my sweeps", sweepFile: "grid.toml")
        #expect(
            text == """
                #!/bin/bash
                # Written by 'snnc sweep slurm grid.toml': the sweep's 3 runs as one Slurm job array.
                # Task k runs run k below; each run resumes from its own file, so requeued tasks continue.
                #SBATCH --job-name=snnc-grid
                #SBATCH --array=0-2%2
                #SBATCH --partition=cpu
                #SBATCH --time=2:00:00
                #SBATCH --cpus-per-task=2
                #SBATCH --mem=4G
                #SBATCH --chdir=/scratch/my sweeps
                #SBATCH --output=tickets/logs/slurm-%A_%a.out
                #SBATCH --open-mode=append
                #SBATCH --requeue
                set -euo pipefail
                runs=(
                    imp-s0
                    snip-s0
                    imp-s1
                )
                run=${runs[$SLURM_ARRAY_TASK_ID]}
                echo "== task $SLURM_ARRAY_TASK_ID (job ${SLURM_ARRAY_JOB_ID}, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): $run"
                exec /opt/snnc/bin/snnc sweep run grid.toml --run "$run"

                """)
        #expect(SlurmScript.arraySpec([0, 1, 2, 5, 7, 8], maxParallel: nil) == "0-2,5,7-8")
        #expect(SlurmScript.arraySpec([3], maxParallel: 4) == "3%4")
        #expect(SlurmScript.quoted("/a b/it's") == "'/a b/it'\\''s'")
    }

    @Test func queueStatesComeFromSqueueAndSacct() {
        let jobs = ["15", "19"]
        #expect(
            SlurmTools.parseSqueue("15_[2-3] PENDING\n15_0 RUNNING\n19_1 PENDING\n", jobs: jobs) == [
                0: "RUNNING (job 15)", 1: "PENDING (job 19)",
            ])
        let sacct = "15_0|COMPLETED\n15_1|CANCELLED by 0\n15_2|TIMEOUT\n19_1|RUNNING\n12_3|FAILED\n"
        #expect(
            SlurmTools.parseSacct(sacct, jobs: jobs) == [
                0: "COMPLETED (job 15)", 1: "RUNNING (job 19)", 2: "TIMEOUT (job 15)",
            ])
    }

    @Test func partialRunsResumeWithTheOptionsResumeTakes() throws {
        let plan = try plan(Self.grid.replacingOccurrences(of: "model = \"small\"", with: "model = \"small\"\nthreads = 1"))
        let run = plan.runs[0]
        #expect(SweepRunner.arguments(for: run, state: .finished, command: .prune) == nil)
        #expect(SweepRunner.arguments(for: run, state: .notStarted, command: .prune) == run.arguments)
        #expect(
            SweepRunner.arguments(for: run, state: .partial("1 level stored"), command: .prune) == [
                "prune", "--resume", "-o", "tickets/imp-s0.h5", "--threads", "1", "--data-dir", "data",
            ])
        #expect(
            SweepRunner.arguments(for: run, state: .partial("epoch 1 of 2"), command: .train) == [
                "train", "--resume", "-o", "tickets/imp-s0.h5", "--threads", "1", "--data-dir", "data",
            ])
        #expect(SweepRunner.arguments(for: run, state: .failed("exit status 1"), command: .prune) == run.arguments)
    }

    /// experiments/repro/sweep.toml runs what scripts/reproduce-paper.sh ran: each run's command
    /// line is the one its recorded summary names (IMP with its extension to round 11 at once).
    @Test func reproductionSweepMirrorsTheRecordedCommands() throws {
        let repro = URL(fileURLWithPath: CLITests.fixtures).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("experiments/repro").path
        let plan = try SweepPlan(try SweepFile.load(repro + "/sweep.toml"))
        let recorded = try FileManager.default.contentsOfDirectory(atPath: repro + "/results").filter { $0.hasSuffix(".json") }
        #expect(Set(plan.runs.map { $0.name + ".json" }) == Set(recorded))
        for run in plan.runs {
            let data = try Data(contentsOf: URL(fileURLWithPath: repro + "/results/\(run.name).json"))
            let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let header = try #require(summary["header"] as? [String: Any])
            let command = try #require((header["command"] as? String)?.components(separatedBy: "; then:").first)
            var words = command.split(separator: " ").dropFirst().map(String.init).filter { $0 != "--json" }
            words = words.map { $0.replacingOccurrences(of: "experiments/repro/tickets/", with: "tickets/") }
            if run.name.hasPrefix("imp-") { words = words.map { $0 == "4,8" ? "4,8,11" : $0 } }
            #expect(Set(words) == Set(run.arguments), "\(run.name)")
            #expect(words.count == run.arguments.count, "\(run.name)")
            // The script's files count as this sweep's runs: same settings once extensions are applied.
            let full = try #require(header["command"] as? String)
            #expect(RecordedCommand.differences(recorded: full, run: run.arguments).isEmpty, "\(run.name): \(full)")
        }
    }

    // MARK: - On a tiny real prune

    static let tiny = """
        [sweep]
        command = "prune"
        outputs = "out"
        name = "{method}-s{seed}"

        [options]
        model = "small"
        width = 0.125
        time-steps = 2
        data-dir = "\(CLITests.fixtures)"
        train-subset = 50
        test-subset = 50
        batch-size = 25
        epochs-per-round = 2
        lr = 0.05
        threads = 1

        [axes]
        seed = [0, 1]

        [axes.method.imp]
        method = "imp"
        rounds = 1
        """

    let cli = CLITests()

    /// Runs the snnc binary in `directory`.
    func snnc(_ arguments: [String], in directory: String) throws -> CLITests.Result {
        try CLITests().run(arguments, in: directory)
    }

    func states(_ directory: String, file: String = "tiny.toml") throws -> [String: String] {
        let status = try snnc(["sweep", "status", file, "--json"], in: directory)
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    @Test func runSkipsFinishedRunsAndResumesPartialOnesToTheSameBits() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = root + "/a"
        let b = root + "/b"
        for dir in [a, b] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Self.tiny.write(toFile: dir + "/tiny.toml", atomically: true, encoding: .utf8)
        }
        #expect(try states(a) == ["imp-s0": "not-started", "imp-s1": "not-started"])

        // A: straight through, then again: both skipped, files untouched.
        let first = try snnc(["sweep", "run", "tiny.toml", "-j", "2"], in: a)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("imp-s0: finished\n") && first.stderr.contains("imp-s1: finished\n"), "\(first.stderr)")
        #expect(try states(a) == ["imp-s0": "finished", "imp-s1": "finished"])
        let hash = try SHA256.hexDigest(ofFile: a + "/out/imp-s0.h5")
        let again = try snnc(["sweep", "run", "tiny.toml"], in: a)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("imp-s0: finished before, skipped") && again.stderr.contains("imp-s1: finished before, skipped"))
        #expect(try SHA256.hexDigest(ofFile: a + "/out/imp-s0.h5") == hash)

        // B: imp-s1 killed after its first epoch (as a kill would leave it), then the sweep.
        let plan = try SweepPlan(try SweepFile.load(b + "/tiny.toml"))
        try FileManager.default.createDirectory(atPath: b + "/out", withIntermediateDirectories: true)
        let killed = try snnc(try plan.run(named: "imp-s1").arguments + ["--stop-after-epochs", "1"], in: b)
        #expect(killed.status == 0, "\(killed.stderr)")
        #expect(try states(b) == ["imp-s0": "not-started", "imp-s1": "partial"])
        let detail = try snnc(["sweep", "status", "tiny.toml"], in: b)
        let search = detail.stdout.contains(" of training left in the search at its last epoch")
        #expect(detail.stdout.contains("in round0, 1 of 2 epochs done, ≈ ") && search, "\(detail.stdout)")
        let resumed = try snnc(["sweep", "run", "tiny.toml", "-j", "2"], in: b)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("imp-s1: finished (resumed)"), "\(resumed.stderr)")
        let log = try String(contentsOfFile: b + "/out/logs/imp-s1.log", encoding: .utf8)
        #expect(log.contains("resuming 'out/imp-s1.h5'"), "\(log)")

        // The same results, level by level, weights included.
        for dir in [a, b] {
            let collect = try snnc(["sweep", "collect", "tiny.toml", "-o", "results.csv"], in: dir)
            #expect(collect.status == 0, "\(collect.stderr)")
        }
        let csvA = try String(contentsOfFile: a + "/results.csv", encoding: .utf8)
        #expect(csvA == (try String(contentsOfFile: b + "/results.csv", encoding: .utf8)))
        let lines = csvA.split(separator: "\n")
        #expect(lines.count == 5)  // header + 2 runs × 2 levels
        #expect(lines[0].hasPrefix("run,seed,method,level,label,"))
        #expect(lines[1].hasPrefix("imp-s0,0,imp,0,dense,2,"))
        #expect(lines[1].split(separator: ",").last?.count == 64)

        // The JSON collection goes into snnc report.
        let json = try snnc(["sweep", "collect", "tiny.toml", "-o", "results.json"], in: a)
        #expect(json.status == 0, "\(json.stderr)")
        let report = try snnc(["report", "results.json", "--json"], in: a)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("results.json#imp-s1"))

        // A simulate sweep over an export of a result: each run's JSON ends up whole in its file
        // (its stdout put in place by AtomicFile), and no temporary is left behind, not even one a
        // killed sweep left.
        #expect(try snnc(["export", "out/imp-s0.h5", "--level", "1", "-o", "m.snn.h5"], in: a).status == 0)
        try """
        [sweep]
        command = "simulate"
        outputs = "sim"
        arguments = ["m.snn.h5"]
        [options]
        data-dir = "\(CLITests.fixtures)"
        [axes]
        limit = [4, 8]
        """.write(toFile: a + "/sim.toml", atomically: true, encoding: .utf8)
        // A temporary a killed sweep left (process 2^22 + 1 is above Linux's pid limit: never alive).
        try FileManager.default.createDirectory(atPath: a + "/sim", withIntermediateDirectories: true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: a + "/sim/.limit4.json.tmp-4194305-7"))
        let simulated = try snnc(["sweep", "run", "sim.toml"], in: a)
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: a + "/sim").filter { $0.hasSuffix(".json") }.sorted()
        #expect(outputs == ["limit4.json", "limit8.json"], "\(outputs)")
        for (name, images) in [("limit4", 4), ("limit8", 8)] {
            let data = try Data(contentsOf: URL(fileURLWithPath: a + "/sim/\(name).json"))
            let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(record["images"] as? Int == images, "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: a + "/sim").allSatisfy { !$0.contains(".tmp-") })
    }

    @Test func recordedCommandsAreComparedOptionByOption() {
        let run = ["prune", "--model", "small", "--lr", "0.1", "--no-augment", "--rounds", "2", "--threads", "1", "-o", "out/a.h5"]
        let same = "/x/snnc prune --no-augment --model small --lr 0.1 --rounds 2 --threads 2 -o elsewhere/a.h5 --json"
        #expect(RecordedCommand.differences(recorded: same, run: run).isEmpty)
        let extended = "snnc prune --model small --lr 0.1 --no-augment --rounds 1 -o a.h5; then: snnc prune --resume --rounds 2 -o a.h5"
        #expect(RecordedCommand.differences(recorded: extended, run: run).isEmpty)
        let other = RecordedCommand.differences(recorded: "snnc prune --model small --lr 0.05 --rounds 2 -o a.h5", run: run)
        #expect(other.map(\.key) == ["--lr", "--no-augment"])
        #expect(
            RecordedCommand.describe(other)
                == "--lr 0.05 in the file, 0.1 in the sweep; --no-augment not given in the file, set in the sweep")
    }

    /// A file made with other settings is refused (named in status and run); an IMP file asked for
    /// more rounds is extended, to the same bits as a search started with them.
    @Test func changedSettingsAreRefusedAndMoreRoundsExtend() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = root + "/a"
        let b = root + "/b"
        for dir in [a, b] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let oneSeed = Self.tiny.replacingOccurrences(of: "seed = [0, 1]", with: "seed = [0]")
        try oneSeed.write(toFile: a + "/tiny.toml", atomically: true, encoding: .utf8)
        #expect(try snnc(["sweep", "run", "tiny.toml"], in: a).status == 0)

        let otherLR = oneSeed.replacingOccurrences(of: "lr = 0.05", with: "lr = 0.1")
        try otherLR.write(toFile: a + "/tiny.toml", atomically: true, encoding: .utf8)
        #expect(try states(a) == ["imp-s0": "differs"])
        let refused = try snnc(["sweep", "run", "tiny.toml"], in: a)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains(
                "imp-s0: not run: 'out/imp-s0.h5' was started with other settings: --lr 0.05 in the file, 0.1 in the sweep; "
                    + "remove the file"), "\(refused.stderr)")

        let twoRounds = oneSeed.replacingOccurrences(of: "rounds = 1", with: "rounds = 2")
        try twoRounds.write(toFile: a + "/tiny.toml", atomically: true, encoding: .utf8)
        #expect(try states(a) == ["imp-s0": "partial"])
        let extended = try snnc(["sweep", "run", "tiny.toml"], in: a)
        #expect(extended.status == 0, "\(extended.stderr)")
        #expect(extended.stderr.contains("imp-s0: finished (resumed)"), "\(extended.stderr)")
        #expect(try states(a) == ["imp-s0": "finished"])

        try twoRounds.write(toFile: b + "/tiny.toml", atomically: true, encoding: .utf8)
        #expect(try snnc(["sweep", "run", "tiny.toml"], in: b).status == 0)
        for dir in [a, b] { #expect(try snnc(["sweep", "collect", "tiny.toml", "-o", "r.csv"], in: dir).status == 0) }
        let csv = try String(contentsOfFile: a + "/r.csv", encoding: .utf8)
        #expect(csv == (try String(contentsOfFile: b + "/r.csv", encoding: .utf8)))
        #expect(csv.split(separator: "\n").count == 4)  // levels 0, 1, 2
    }

    @Test func aFailingRunIsNamedWithItsLog() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = Self.tiny.replacingOccurrences(of: "model = \"small\"", with: "model = \"tiny-net\"")
        try text.write(toFile: dir + "/tiny.toml", atomically: true, encoding: .utf8)
        let result = try snnc(["sweep", "run", "tiny.toml", "--run", "imp-s1"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("imp-s1: failed (exit status 64), log: out/logs/imp-s1.log"), "\(result.stderr)")
        #expect(result.stderr.contains("Error: 1 run did not finish: imp-s1\nAt:    ./out/logs/imp-s1.log\nHint:  read the logs"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/logs/imp-s0.log"))
        // Its state says it failed (its log's last line), not that it never started.
        let status = try snnc(["sweep", "status", "tiny.toml"], in: dir)
        #expect(status.stdout.contains("failed") && status.stdout.contains("exit status 64 at "), "\(status.stdout)")
        // The failure line starts a line of its own even after a log left mid-line.
        let log = dir + "/out/logs/imp-s1.log"
        let handle = try #require(FileHandle(forWritingAtPath: log))
        _ = try handle.seekToEnd()
        try handle.write(contentsOf: Data("a line cut short".utf8))
        try handle.close()
        #expect(try snnc(["sweep", "run", "tiny.toml", "--run", "imp-s1"], in: dir).status == 1)
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        let stateAfter = try states(dir)["imp-s1"]
        #expect(logText.contains("a line cut short\n== ") && stateAfter == "failed", "\(logText)")
        #expect(status.stdout.contains("log: out/logs/imp-s1.log"), "\(status.stdout)")
        #expect(try states(dir)["imp-s1"] == "failed" && (try states(dir)["imp-s0"]) == "not-started")
        // A run another sweep is running (its lock held) is left alone.
        try FileManager.default.createDirectory(atPath: dir + "/out/logs", withIntermediateDirectories: true)
        let held = open(dir + "/out/logs/imp-s0.lock", O_CREAT | O_RDWR, 0o644)
        #expect(held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0)
        let locked = try snnc(["sweep", "run", "tiny.toml", "--run", "imp-s0"], in: dir)
        close(held)
        #expect(locked.status == 1)
        #expect(
            locked.stderr.contains("imp-s0: not run: another 'snnc sweep run' is running it (it holds out/logs/imp-s0.lock)"),
            "\(locked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/logs/imp-s0.log"))
        let unknown = try snnc(["sweep", "run", "tiny.toml", "--run", "imp-s2"], in: dir)
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains("Error: no run named 'imp-s2'\nAt:    tiny.toml\nHint:  'snnc sweep plan tiny.toml' lists the runs"))
    }

    /// A SIGTERM to `sweep run` (as `scancel` or `kill` sends it) reaches its runs, and when the
    /// sweep exits with 128 + 15 they have ended: no run is left behind, orphaned, still writing
    /// its file (a batch system tracking the job by its process tree would lose it). The sweep
    /// starts with SIGTERM blocked (a run inheriting that mask used to finish all its rounds) and
    /// is signalled as soon as its run exists (a signal during a start used to miss the run). Not
    /// covered: the wait for a run that outlives SIGTERM (snnc's runs die at once).
    @Test func sigtermEndsTheRunsBeforeTheSweepExits() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One run long enough (60 rounds) to be running when the signal comes.
        let long = Self.tiny.replacingOccurrences(of: "seed = [0, 1]", with: "seed = [0]")
            .replacingOccurrences(of: "rounds = 1", with: "rounds = 60")
        try long.write(toFile: dir + "/long.toml", atomically: true, encoding: .utf8)
        let sweep = Process()
        sweep.executableURL = CLITests.binary
        sweep.arguments = ["sweep", "run", "long.toml"]
        sweep.currentDirectoryURL = URL(fileURLWithPath: dir)
        sweep.standardError = FileHandle.nullDevice
        // Started with SIGTERM blocked (a child inherits the mask of the thread that starts it).
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let started = Result { try HDF5File.startChildProcess(sweep) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        try started.get()
        var run: Int32?
        for _ in 0..<1200 where run == nil {  // up to a minute for the run's process to start
            run = Self.children(of: sweep.processIdentifier).first
            if run == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let runPID = try #require(run, "the sweep started no run")
        defer { if !SweepChildren.hasEnded(runPID) { kill(runPID, SIGKILL) } }
        kill(sweep.processIdentifier, SIGTERM)
        for _ in 0..<2400 where sweep.isRunning { Thread.sleep(forTimeInterval: 0.05) }  // up to two minutes
        if sweep.isRunning {
            kill(sweep.processIdentifier, SIGKILL)
            Issue.record("the sweep still ran two minutes after SIGTERM")
        }
        sweep.waitUntilExit()
        #expect(sweep.terminationReason == .exit && sweep.terminationStatus == 128 + SIGTERM)
        // The run had ended (gone, or a zombie left for init to reap) when the sweep exited.
        #expect(SweepChildren.hasEnded(runPID))
        // Stopped, not finished: resumable (partial), or killed before it stored anything.
        let state = try states(dir, file: "long.toml")["imp-s0"]
        #expect(["partial", "not-started"].contains(state), "imp-s0 is \(state ?? "missing")")
    }

    /// The processes whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry), let fields = SweepChildren.statFields(child) else { return nil }
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil  // the state, then the parent's pid
        }
    }
}
