import Foundation
import SNNFormat
import SNNIR
import SNNTickets
import Testing

/// `snnc prune --validation-subset N` and `snnc export --level best-fit --target T` on the small
/// model and a few fixture images: the level chosen, the export against `--level k`, the summary
/// of `inspect`, adding the validation set on resume, and every error path.
@Suite("snnc export --level best-fit")
struct BestFitCLITests {
    let cli = CLITests()

    /// The small model on 100 of the 2,000 fixture training images (so 1,900 are left to hold out).
    static let small = PruneFitCLITests.small

    func levels(_ summary: [String: Any]) throws -> [[String: Any]] {
        try #require(summary["levels"] as? [[String: Any]])
    }

    /// A deployment file's graph without its provenance (creation time and command line differ).
    func model(_ path: String) throws -> SNNIR.Graph {
        var graph = try DeploymentFile.read(path).graph
        graph.provenance = nil
        return graph
    }

    @Test func picksTheHighestValidationAmongFittingLevelsAndExportsIt() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/t.h5"
        let search = try cli.run(
            Self.small + [
                "--rounds", "3", "--target", "edge", "--budget", "memory=20KiB", "--validation-subset", "50", "--json", "-o", tickets,
            ])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stderr.contains("level 0 (dense): validation "), "\(search.stderr)")
        let stored = try levels(jsonObject(search.stdout))
        #expect(stored.count == 4 && stored.allSatisfy { $0["validationImages"] as? Int == 50 }, "\(stored)")
        // Level 0 does not fit the budget; give level 1 the best validation accuracy, so the choice
        // is neither the sparsest level nor the cheapest one (levels 2 and 3 are).
        var document = try TicketFile.readDocument(tickets)
        document.levels[0]?.info.validationAccuracy = 0.95
        document.levels[1]?.info.validationAccuracy = 0.6
        document.levels[2]?.info.validationAccuracy = 0.5
        document.levels[3]?.info.validationAccuracy = 0.5
        try TicketFile.write(document, to: tickets)

        let best = try cli.run(["export", tickets, "--level", "best-fit", "--target", "edge", "-o", dir + "/best.snn.h5"])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stderr.contains("best-fit: level 1 (round 1), sparsity 24.82%"), "\(best.stderr)")
        #expect(best.stderr.contains("validation 60.00% (50 images), test "), "\(best.stderr)")
        #expect(best.stderr.contains("edge: 6.87 µJ per inference, 8/64 cores"), "\(best.stderr)")
        #expect(best.stderr.contains("of the 3 levels that fit every target and budget (1, 2, 3)"), "\(best.stderr)")
        let level1 = try cli.run(["export", tickets, "--level", "1", "--target", "edge", "-o", dir + "/1.snn.h5"])
        #expect(level1.status == 0, "\(level1.stderr)")
        #expect(try model(dir + "/best.snn.h5") == model(dir + "/1.snn.h5"))
        #expect(try DeploymentFile.read(dir + "/best.snn.h5").graph.provenance?.sourceLevel == 1)
        #expect(try model(dir + "/best.snn.h5") != model(dir + "/t.snn.h5", exporting: tickets, level: "3"))

        // Tied on validation: lower energy wins (level 3 over 2).
        document.levels[1]?.info.validationAccuracy = 0.5
        try TicketFile.write(document, to: tickets)
        let tied = try cli.run(["export", tickets, "--level", "best-fit", "--target", "edge", "-o", dir + "/tied.snn.h5"])
        #expect(tied.stderr.contains("best-fit: level 3 (round 3)"), "\(tied.stderr)")
        #expect(tied.stderr.contains("tied on it with levels 1, 2, broken by lower energy on 'edge'"), "\(tied.stderr)")

        // inspect: the validation column, the mark, and bestFit in the JSON; evaluate reads the same level.
        let inspect = try cli.run(["inspect", tickets])
        #expect(inspect.status == 0 && inspect.stdout.contains(" validation "), "\(inspect.stdout)")
        let marked = inspect.stdout.split(separator: "\n").filter { $0.contains("← best-fit") }
        #expect(marked.count == 1 && marked.first?.hasPrefix("    3  round 3") == true, "\(inspect.stdout)")
        let summary = try jsonObject(cli.run(["inspect", tickets, "--json"]).stdout)
        #expect(summary["bestFit"] as? Int == 3)
        #expect((summary["bestFitByTarget"] as? [String: Int]) == ["edge": 3])
        #expect(try levels(summary)[1]["validationAccuracy"] as? Double == 0.5)
        let evaluate = try cli.run(["evaluate", tickets, "--level", "best-fit"])
        let direct = try cli.run(["evaluate", tickets, "--level", "3"])
        #expect(evaluate.status == 0 && evaluate.stdout == direct.stdout, "\(evaluate.stderr)")
    }

    /// Exports `level` of `tickets` to `path` and returns its model (as `model(_:)`).
    func model(_ path: String, exporting tickets: String, level: String) throws -> SNNIR.Graph {
        let result = try cli.run(["export", tickets, "--level", level, "--target", "edge", "-o", path])
        #expect(result.status == 0, "\(result.stderr)")
        return try model(path)
    }

    /// `--resume --validation-subset N` on a finished file without it: the numbers of a search
    /// started with it; another N afterwards is refused.
    @Test func resumeAddsTheValidationSetWithTheNumbersOfASearchStartedWithIt() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = Self.small + ["--rounds", "1", "--target", "edge", "--seed", "3", "--data-seed", "9"]
        let direct = try cli.run(common + ["--validation-subset", "40", "--json", "-o", dir + "/direct.h5"])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(try cli.run(common + ["-o", dir + "/plain.h5"]).status == 0)
        let added = try cli.run(["prune", "--resume", "--validation-subset", "40", "--json", "-o", dir + "/plain.h5"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("evaluating every level of '\(dir)/plain.h5' on 40 held-out training images"))
        let numbers = { (s: [String: Any]) throws -> [[Double?]] in
            try levels(s).map { [$0["validationAccuracy"] as? Double, ($0["validationImages"] as? Int).map(Double.init)] }
        }
        let a = try numbers(jsonObject(direct.stdout))
        #expect(a.count == 2 && a.allSatisfy { $0[0] != nil }, "\(a)")
        #expect(try numbers(jsonObject(added.stdout)) == a)
        let other = try cli.run(["prune", "--resume", "--validation-subset", "30", "-o", dir + "/plain.h5"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("already evaluates its levels on 40 held-out training images, not 30"), "\(other.stderr)")
        let same = try cli.run(["prune", "--resume", "--validation-subset", "40", "-o", dir + "/plain.h5"])
        #expect(same.status == 0 && same.stderr.contains("is complete; nothing to do"), "\(same.stderr)")
    }

    @Test func errorsNameWhatWhereWhyAndWriteNothing() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/never.snn.h5"
        func export(_ file: String, target: String = "edge") throws -> CLITests.Result {
            let result = try cli.run(["export", file, "--level", "best-fit", "--target", target, "-o", out])
            #expect(result.status != 0, "\(file): \(result.stdout)")
            #expect(result.stderr.contains("At:    \(file)"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
            return result
        }
        // No fits: searched without --target.
        let plain = dir + "/plain.h5"
        #expect(try cli.run(Self.small + ["--rounds", "1", "--validation-subset", "20", "-o", plain]).status == 0)
        let noFits = try export(plain)
        #expect(
            noFits.stderr.contains("Error: --level best-fit picks among levels that fit the search's targets, but the file stores no fit"))
        #expect(noFits.stderr.contains("Hint:  check every level with 'snnc prune --resume --target T -o \(plain)'"), "\(noFits.stderr)")
        // No validation accuracies.
        let unvalidated = dir + "/unvalidated.h5"
        #expect(try cli.run(Self.small + ["--rounds", "1", "--target", "edge", "-o", unvalidated]).status == 0)
        let noValidation = try export(unvalidated)
        #expect(noValidation.stderr.contains("chooses by validation accuracy, but levels 0, 1 have none"), "\(noValidation.stderr)")
        #expect(noValidation.stderr.contains("'snnc prune --resume --validation-subset N -o \(unvalidated)'"), "\(noValidation.stderr)")
        // A target the search did not check.
        let other = try export(unvalidated, target: "loihi2")
        #expect(other.stderr.contains("it checked 'edge', not 'loihi2'"), "\(other.stderr)")
        // No level fits.
        let tight = dir + "/tight.h5"
        let search = try cli.run(
            Self.small + ["--rounds", "1", "--target", "edge", "--budget", "memory=1KiB", "--validation-subset", "20", "-o", tight])
        #expect(search.status == 0, "\(search.stderr)")
        let noLevel = try export(tight)
        #expect(
            noLevel.stderr.contains(
                "Error: no level fits every target and budget of the search: level 0 (edge: budget memory = 1 KiB), "
                    + "level 1 (edge: budget memory = 1 KiB); the last one fails 'edge': "), "\(noLevel.stderr)")
        // A checkpoint.
        let checkpoint = dir + "/dense.h5"
        let train = try cli.run([
            "train", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", CLITests.fixtures, "--train-subset",
            "100", "--test-subset", "20", "--batch-size", "50", "--epochs", "1", "-o", checkpoint,
        ])
        #expect(train.status == 0, "\(train.stderr)")
        let notTickets = try export(checkpoint)
        #expect(notTickets.stderr.contains("Error: --level best-fit picks among a ticket file's levels; this is a checkpoint"))
        // --from that checkpoint: its training subset is the one held out from.
        let from = try cli.run([
            "prune", "--from", checkpoint, "--method", "imp", "--rounds", "1", "--target", "edge", "--validation-subset", "20",
            "--json", "-o", dir + "/from.h5",
        ])
        #expect(from.status == 0, "\(from.stderr)")
        #expect(try levels(jsonObject(from.stdout)).allSatisfy { $0["validationImages"] as? Int == 20 })
        // A bad --level value.
        let bad = try cli.run(["export", plain, "--level", "best", "-o", out])
        #expect(bad.status != 0 && bad.stderr.contains("The value 'best' is invalid for '--level <k|best-fit>'"), "\(bad.stderr)")
    }

    @Test func aValidationSetWithoutImagesLeftIsAnErrorBeforeTraining() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = Self.small.filter { $0 != "--train-subset" && $0 != "100" }
        let result = try cli.run(whole + ["--rounds", "1", "--validation-subset", "20", "-o", dir + "/w.h5"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "Error: the validation set must be images the search never trains on, but the training subset is "
                    + "the whole training split (2000 images)"), "\(result.stderr)")
        #expect(result.stderr.contains("At:    --validation-subset 20, fmnist in"), "\(result.stderr)")
        #expect(result.stderr.contains("Hint:  train on a subset (--train-subset smaller than the split"), "\(result.stderr)")
        let many = try cli.run(Self.small + ["--rounds", "1", "--validation-subset", "1950", "-o", dir + "/w.h5"])
        #expect(many.status == 1)
        #expect(many.stderr.contains("the validation set needs 1950 images outside the training subset"), "\(many.stderr)")
        let zero = try cli.run(Self.small + ["--rounds", "1", "--validation-subset", "0", "-o", dir + "/w.h5"])
        #expect(zero.status != 0 && zero.stderr.contains("--validation-subset must be at least 1"), "\(zero.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/w.h5"))
    }
}
