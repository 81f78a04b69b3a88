import Foundation
import Testing

@testable import snnc

/// experiments/repro2's sweep files describe the planned reproduction: the runs, the settings
/// every run shares, and the stage commands of its README name runs that exist.
@Suite("repro2 sweep files")
struct Repro2SweepTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments/repro2").path

    func plan(_ name: String) throws -> SweepPlan {
        try SweepPlan(try SweepFile.load(Self.folder + "/" + name))
    }

    /// The value after `option` in a run's arguments (nil when absent).
    func value(_ option: String, in run: SweepRun) -> String? {
        guard let i = run.arguments.firstIndex(of: option), i + 1 < run.arguments.count else { return nil }
        return run.arguments[i + 1]
    }

    /// Every run shares the data, model and training settings of the plan.
    func expectSharedSettings(_ run: SweepRun, epochs: String) {
        let shared = [
            "--model": "vgg16", "--width": "0.125", "--dataset": "fmnist", "--train-subset": "20000", "--data-seed": "1",
            "--batch-size": "128", "--lr": "0.3", "--init-scheme": "paper", "--bn-statistics": "pooled", epochs: "20",
        ]
        for (option, expected) in shared { #expect(value(option, in: run) == expected, "\(run.name) \(option)") }
        #expect(!run.arguments.contains("--test-subset") && !run.arguments.contains("--no-augment"), "\(run.name)")
    }

    @Test func denseBaselinesTrainThreeSeedsLikeRoundZero() throws {
        let plan = try plan("dense.toml")
        #expect(plan.runs.map(\.name) == ["dense-s0", "dense-s1", "dense-s2"])
        for run in plan.runs {
            #expect(run.arguments.first == "train")
            expectSharedSettings(run, epochs: "--epochs")
            _ = try SNNC.Train.parse(Array(run.arguments.dropFirst()))
        }
    }

    @Test func searchesRunTheIssuesGrid() throws {
        let plan = try plan("sweep.toml")
        // Grad R's α = 1e-4 fell below the 68–98% bracket at seed 0 and stays there (README.md).
        let threeSeeds = ["imp", "imp+et", "eb", "eb+et", "deepr"] + ["2e-4", "5e-4", "1e-3", "2e-3", "5e-3"].map { "gradr-a" + $0 }
        let oneSeed = ["snip", "random", "transfer", "eb-c1", "imp+et-t3", "gradr-a1e-4"]
        let expected = Set(threeSeeds.flatMap { m in (0...2).map { "\(m)-s\($0)" } } + oneSeed.map { "\($0)-s0" })
        #expect(Set(plan.runs.map(\.name)) == expected && plan.runs.count == expected.count)
        for run in plan.runs {
            expectSharedSettings(run, epochs: "--epochs-per-round")
            let method = value("--method", in: run)
            switch method {
            case "imp", "imp+et", "transfer": #expect(value("--rounds", in: run) == "4,8,11,14", "\(run.name)")
            case "gradr": #expect(value("--sparsity", in: run) == "90" && value("--gradr-alpha", in: run) != nil)
            default: #expect(value("--sparsity", in: run) == "68.30,89.91,95.69,98.13", "\(run.name)")
            }
            // IMP+ET rewinds to a state after the probe (trained at T_early), as the released code does.
            #expect(run.arguments.contains("--rewind-after-probe") == (method == "imp+et"), "\(run.name)")
            // Only the T_early = 3 run changes λ (0.65 picks t = 3 from seed 0's probe).
            #expect((value("--et-lambda", in: run) == "0.65") == run.name.hasPrefix("imp+et-t3"), "\(run.name)")
            _ = try SNNC.Prune.parse(Array(run.arguments.dropFirst()))
        }
    }

    @Test func figureThreeCoversEveryPreAtMostPost() throws {
        let plan = try plan("fig3.toml")
        let pairs = plan.runs.compactMap { run -> [Int]? in
            guard let pre = value("--search-timesteps", in: run).flatMap(Int.init),
                let post = value("--time-steps", in: run).flatMap(Int.init)
            else { return nil }
            #expect(run.name == "oneshot-pre\(pre)-post\(post)")
            #expect(value("--method", in: run) == "oneshot" && value("--seed", in: run) == "0")
            expectSharedSettings(run, epochs: "--epochs-per-round")
            return [pre, post]
        }
        let triangle = (1...5).flatMap { post in (1...post).map { [$0, post] } }
        #expect(Set(pairs) == Set(triangle) && pairs.count == 15)
        for run in plan.runs { _ = try SNNC.Prune.parse(Array(run.arguments.dropFirst())) }
    }

    @Test func everyRunTheReadmeStartsExists() throws {
        let readme = try String(contentsOfFile: Self.folder + "/README.md", encoding: .utf8)
        let words = readme.split(whereSeparator: { $0 == " " || $0 == "`" || $0 == "\n" }).map(String.init)
        let named = zip(words, words.dropFirst()).filter { $0.0 == "--run" }.map(\.1)
        let known = Set(try ["sweep.toml", "fig3.toml", "dense.toml"].flatMap { try plan($0).runs.map(\.name) })
        #expect(named.count > 20)
        for name in named { #expect(known.contains(name), "README names '\(name)'") }
    }

    /// Runs git in the repro2 folder: its exit status and standard output.
    static func git(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether the repository's full history is here (git present, not a shallow clone).
    static var hasHistory: Bool { (try? git(["rev-parse", "--is-shallow-repository"]))?.output == "false" }

    /// The searches resume on a new machine with the binary of the commit on environment.txt's
    /// first line (pinned-snnc.sh builds it in a worktree), so that commit must be in the history
    /// of the commit under test — a pin to a commit of an unmerged branch would leave a new
    /// machine unable to resume. Skipped (and shown as skipped) without git or in a shallow clone.
    @Test(.enabled(if: hasHistory, "needs git and the full history"))
    func thePinnedCommitIsInTheHistory() throws {
        let environment = try String(contentsOfFile: Self.folder + "/environment.txt", encoding: .utf8)
        let pin = environment.split(separator: "\n").first.map(String.init) ?? ""
        // As pinned-snnc.sh takes it: 40 lower-case hex digits.
        #expect(pin.count == 40 && pin.allSatisfy { "0123456789abcdef".contains($0) }, "environment.txt's first line: '\(pin)'")
        #expect(try Self.git(["merge-base", "--is-ancestor", pin, "HEAD"]).status == 0, "pinned commit \(pin) is not in HEAD's history")
    }

    /// Every run of the three sweep files has a stage 1…13 by claimslib/plan.py's `stage_of`, the
    /// mapping run.sh (LAST) and claims.md ("not yet run (stage N)") both use; seed 0 of the
    /// headline searches where the README's stage table puts them.
    @Test func everyRunHasAStage() throws {
        let names = try ["sweep.toml", "fig3.toml", "dense.toml"].flatMap { try plan($0).runs.map(\.name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", "-c", "import sys; from claimslib.plan import stage_of; [print(r, stage_of(r)) for r in sys.argv[1:]]"]
            + names
        process.currentDirectoryURL = URL(fileURLWithPath: Self.folder)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var stages: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { stages[String(fields[0])] = Int(fields[1]) }
        }
        #expect(stages.count == names.count)
        for name in names { #expect(stages[name].map { (1...13).contains($0) } == true, "\(name): \(stages[name] as Any)") }
        let expected = ["dense-s0": 1, "imp-s0": 2, "imp+et-s0": 3, "eb-s0": 4, "snip-s0": 5, "deepr-s0": 6, "imp-s1": 8]
        for (name, stage) in expected { #expect(stages[name] == stage, "\(name)") }
    }

    /// run.sh's steps (`"file|jobs|run …"`, parts run side by side joined by `;`) start every run
    /// of the three sweep files once, from the file that defines it (each run's stage comes from
    /// claimslib/plan.py, which run.sh checks for every run before it starts anything).
    @Test func runScriptStartsEveryRunOnce() throws {
        let script = try String(contentsOfFile: Self.folder + "/run.sh", encoding: .utf8)
        var started: [String] = []
        for line in script.split(separator: "\n") {
            let step = line.trimmingCharacters(in: .whitespaces)
            guard step.count > 2, step.hasPrefix("\""), step.hasSuffix("\""), step.contains(".toml|") else { continue }
            for part in step.dropFirst().dropLast().split(separator: ";") {
                let fields = part.split(separator: "|")
                try #require(fields.count == 3, "\(part)")
                #expect(Int(fields[1]).map { (1...2).contains($0) } == true, "\(part)")
                let file = String(fields[0])
                let names = Set(try plan(file).runs.map(\.name))
                for item in fields[2].split(separator: " ") {
                    let run = String(item)
                    #expect(names.contains(run), "run.sh starts '\(run)' from \(file), which has no such run")
                    started.append(run)
                }
            }
        }
        let all = try ["sweep.toml", "fig3.toml", "dense.toml"].flatMap { try plan($0).runs.map(\.name) }
        #expect(started.sorted() == all.sorted())
    }
}
