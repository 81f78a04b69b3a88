import Foundation
import Testing

/// `snnc prune --target … --budget … [--until-fits]` on the small model and a few fixture
/// images: the stored fit against `snnc export` + `snnc inspect`, the stop at the first fit, and
/// every error path.
@Suite("snnc prune: chip fit of every level")
struct PruneFitCLITests {
    let cli = CLITests()

    /// The small model, 100 images, 1 epoch per round.
    static let small = [
        "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", CLITests.fixtures,
        "--train-subset", "100", "--test-subset", "50", "--batch-size", "50", "--epochs-per-round", "1", "--lr", "0.05",
        "--method", "imp",
    ]

    /// `fits[level].targets`, as dictionaries.
    func targets(_ summary: [String: Any], level: Int) throws -> [[String: Any]] {
        let fits = try #require(summary["fits"] as? [String: Any])
        let fit = try #require(fits[String(level)] as? [String: Any])
        return try #require(fit["targets"] as? [[String: Any]])
    }

    @Test func storedFitEqualsExportAndInspect() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/t.h5"
        let result = try cli.run(
            Self.small + ["--rounds", "1", "--target", "edge", "--target", "loihi2", "--budget", "memory=20KiB", "--json", "-o", tickets])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try jsonObject(result.stdout)
        for level in [0, 1] {
            for stored in try targets(summary, level: level) {
                let target = try #require(stored["target"] as? String)
                let model = dir + "/\(level)-\(target).snn.h5"
                let export = try cli.run(["export", tickets, "--level", String(level), "--target", target, "-o", model])
                #expect(export.status == 0, "\(export.stderr)")
                let inspect = try cli.run(["inspect", model, "--json", "--budget", "memory=20KiB"])
                let totals = try #require(try jsonObject(inspect.stdout)["totals"] as? [String: Any])
                #expect(stored["cores"] as? Int == totals["cores"] as? Int, "level \(level) \(target)")
                #expect(stored["memoryBytes"] as? Int == totals["memory_bytes"] as? Int, "level \(level) \(target)")
                #expect(stored["synapticOps"] as? Double == totals["synaptic_ops"] as? Double, "level \(level) \(target)")
                #expect(stored["energyPicojoules"] as? Double == totals["energy_pj"] as? Double, "level \(level) \(target)")
                #expect(stored["latencySeconds"] as? Double == totals["latency_seconds"] as? Double, "level \(level) \(target)")
                // inspect exits 3 exactly when the stored fit names the budget.
                #expect((stored["fits"] as? Bool) == (inspect.status == 0), "level \(level) \(target): \(inspect.stderr)")
            }
        }
        // `synops` is the `sops` budget.
        let synops = try cli.run(["inspect", dir + "/0-edge.snn.h5", "--budget", "synops=1k"])
        #expect(synops.status == 3 && synops.stderr.contains("budget exceeded: sops"), "\(synops.stderr)")
        // The budget bites on the dense edge model and not on round 1's ticket.
        #expect(try targets(summary, level: 0).first?["fits"] as? Bool == false)
        #expect(try targets(summary, level: 1).first?["fits"] as? Bool == true)
        let text = try cli.run(["prune", "--resume", "-o", tickets])
        #expect(text.stdout.contains("no: budget memory = 20 KiB"), "\(text.stdout)")
        #expect(text.stdout.contains("loihi2"))
        // inspect of a ticket file prints the same summary; a budget there is an error.
        let inspect = try cli.run(["inspect", tickets])
        #expect(inspect.status == 0 && inspect.stdout == text.stdout, "\(inspect.stderr)")
        let budget = try cli.run(["inspect", tickets, "--budget", "cores=3"])
        #expect(budget.status == 1 && budget.stderr.contains("Error: --budget checks a deployment file"), "\(budget.stderr)")
    }

    /// `--calibration-images 20`: the stored estimates equal those of `simulate --split train
    /// --limit 20 --calibration-out` on the exported level, then `export --calibration` + `inspect`.
    @Test func calibratedFitEqualsSimulateExportAndInspect() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/c.h5"
        let result = try cli.run(Self.small + ["--rounds", "1", "--target", "edge", "--calibration-images", "20", "--json", "-o", tickets])
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try #require(try targets(jsonObject(result.stdout), level: 1).first)
        #expect(stored["activity"] as? String == "calibrated on 20 images")
        let assumed = dir + "/a.snn.h5"
        #expect(try cli.run(["export", tickets, "--level", "1", "--target", "edge", "-o", assumed]).status == 0)
        let simulate = try cli.run([
            "simulate", assumed, "--split", "train", "--limit", "20", "--data-dir", CLITests.fixtures, "--calibration-out",
            dir + "/cal.json",
        ])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let calibrated = dir + "/c.snn.h5"
        let export = try cli.run([
            "export", tickets, "--level", "1", "--target", "edge", "--calibration", dir + "/cal.json", "-o", calibrated,
        ])
        #expect(export.status == 0, "\(export.stderr)")
        // The calibration names its source: another level of the file is refused, and no file is written.
        let otherLevel = try cli.run([
            "export", tickets, "--level", "0", "--target", "edge", "--calibration", dir + "/cal.json", "-o", dir + "/l0.snn.h5",
        ])
        #expect(otherLevel.status == 1, "\(otherLevel.stderr)")
        #expect(
            otherLevel.stderr.contains("the calibration was measured on a deployment of level 1 of '")
                && otherLevel.stderr.contains(
                    "not of level 0 of '\(tickets)'"),
            "\(otherLevel.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/l0.snn.h5"))
        // Another target's export of the same level takes it, with a note that its quantisation differs.
        let loihi = try cli.run([
            "export", tickets, "--level", "1", "--target", "loihi", "--calibration", dir + "/cal.json", "-o", dir + "/l.snn.h5",
        ])
        #expect(loihi.status == 0 && loihi.stderr.contains("measured on the 'edge' deployment"), "\(loihi.stderr)")
        // The same target with clipped weight scales: taken, with a note naming both scalings.
        let clipped = try cli.run([
            "export", tickets, "--level", "1", "--target", "edge", "--clip-percentile", "99.9", "--calibration", dir + "/cal.json",
            "-o", dir + "/p.snn.h5",
        ])
        #expect(
            clipped.status == 0 && clipped.stderr.contains("exported with max-abs weight scales, this export uses --clip-percentile 99.9"),
            "\(clipped.stderr)")
        #expect(!export.stderr.contains("weight scales"), "\(export.stderr)")
        // The search taken one round further rewrites the file; level 1 is taken with a note.
        #expect(try cli.run(["prune", "--resume", "--rounds", "2", "-o", tickets]).status == 0)
        let further = try cli.run([
            "export", tickets, "--level", "1", "--target", "edge", "--calibration", dir + "/cal.json", "-o", dir + "/again.snn.h5",
        ])
        #expect(further.status == 0 && further.stderr.contains("has changed since the calibration was measured on its level 1"))
        let totals = try #require(try jsonObject(cli.run(["inspect", calibrated, "--json"]).stdout)["totals"] as? [String: Any])
        #expect(stored["synapticOps"] as? Double == totals["synaptic_ops"] as? Double)
        #expect(stored["energyPicojoules"] as? Double == totals["energy_pj"] as? Double)
        #expect(stored["latencySeconds"] as? Double == totals["latency_seconds"] as? Double)
        #expect(stored["memoryBytes"] as? Int == totals["memory_bytes"] as? Int)
    }

    /// `--resume --target` on a file searched without targets checks every stored level, as a
    /// search with the targets from the start would have; other targets afterwards are refused.
    @Test func resumeAddsFitsToAFileWithout() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = dir + "/plain.h5"
        #expect(try cli.run(Self.small + ["--rounds", "1", "-o", plain]).status == 0)
        let added = try cli.run(["prune", "--resume", "--target", "edge", "--budget", "memory=20KiB", "--json", "-o", plain])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("checking every level of '\(plain)' for edge"))
        let checked = dir + "/checked.h5"
        let direct = try cli.run(Self.small + ["--rounds", "1", "--target", "edge", "--budget", "memory=20KiB", "--json", "-o", checked])
        for level in [0, 1] {
            let a = try targets(jsonObject(added.stdout), level: level)
            let b = try targets(jsonObject(direct.stdout), level: level)
            #expect(NSArray(array: a).isEqual(to: b), "level \(level)")
        }
        let other = try cli.run(["prune", "--resume", "--target", "loihi2", "-o", plain])
        #expect(other.status == 1)
        #expect(other.stderr.contains("Error: '\(plain)' already checks its levels for edge with budget memory=20KiB"), "\(other.stderr)")
        let same = try cli.run(["prune", "--resume", "--target", "edge", "--budget", "memory=20KiB", "-o", plain])
        #expect(same.status == 0 && same.stderr.contains("is complete; nothing to do"), "\(same.stderr)")
    }

    @Test func untilFitsStopsAtTheFirstFittingLevel() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/u.h5"
        let result = try cli.run(Self.small + ["--until-fits", "--target", "edge", "--budget", "memory=14KiB", "--json", "-o", tickets])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try jsonObject(result.stdout)
        let levels = try #require(summary["levels"] as? [[String: Any]])
        let fits = try levels.indices.map { try targets(summary, level: $0).first?["fits"] as? Bool }
        #expect(fits.last == true)
        #expect(fits.dropLast().allSatisfy { $0 == false }, "\(fits)")
        #expect(summary["complete"] as? Bool == true)
    }

    /// Killed after every epoch (`--stop-after-epochs 1`) and resumed: the same levels and fits.
    @Test func resumedUntilFitsSearchGivesTheSameFile() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = ["--until-fits", "--extra-rounds-after-fit", "1", "--target", "edge", "--budget", "memory=17KiB"]
        let straight = try cli.run(Self.small + options + ["--json", "-o", dir + "/a.h5"])
        #expect(straight.status == 0, "\(straight.stderr)")
        var killed = try cli.run(Self.small + options + ["--stop-after-epochs", "1", "-o", dir + "/b.h5"])
        var restarts = 0
        while !killed.stderr.contains("nothing to do") && restarts < 12 {
            #expect(killed.status == 0, "\(killed.stderr)")
            killed = try cli.run(["prune", "--resume", "--stop-after-epochs", "1", "--json", "-o", dir + "/b.h5"])
            restarts += 1
        }
        #expect(restarts >= 3)
        let a = try jsonObject(straight.stdout)
        let b = try jsonObject(killed.stdout)
        #expect(NSDictionary(dictionary: try #require(a["fits"] as? [String: Any])).isEqual(to: try #require(b["fits"] as? [String: Any])))
        let accuracy = { (s: [String: Any]) in (s["levels"] as? [[String: Any]])?.map { $0["testAccuracy"] as? Double } }
        #expect(accuracy(a) == accuracy(b))
        #expect((a["levels"] as? [Any])?.count == 3)  // round 1 fits, one extra round
    }

    @Test func aNeuronBoundTargetIsANamedErrorAndKeepsTheLevels() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // edge with 4 cores: the small model's neurons need 8 whatever its sparsity.
        let tiny = try EdgeProfileCopy.write(name: "tiny", cores: 4, in: dir)
        let result = try cli.run(Self.small + ["--until-fits", "--target", tiny, "-o", dir + "/n.h5"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "Error: level 0 does not fit 'tiny', and pruning weights cannot fix it: layer 'lif1': the neurons alone need 8 cores"),
            "\(result.stderr)")
        #expect(result.stderr.contains("At:    \(dir)/n.h5"))
        #expect(result.stderr.contains("Hint:  unstructured pruning keeps every neuron"))
        let kept = try cli.run(["prune", "--resume", "--json", "-o", dir + "/n.h5"])
        #expect(kept.status == 1)  // resuming meets the same error
        #expect(kept.stderr.contains("the neurons alone need 8 cores"))

        // Xylo: one core of 1000 neurons; Speck: the compiler's own hint for a leak it cannot run.
        let xylo = try cli.run(Self.small + ["--until-fits", "--target", "xylo", "-o", dir + "/x.h5"])
        #expect(xylo.status == 1)
        #expect(xylo.stderr.contains("the network has 4730 neurons, the target's one core holds 1000"), "\(xylo.stderr)")
        let speck = try cli.run(Self.small + ["--until-fits", "--target", "speck", "-o", dir + "/s.h5"])
        #expect(speck.status == 1)
        #expect(speck.stderr.contains("[numerics] leak = \"subtract\""), "\(speck.stderr)")
        #expect(!speck.stderr.contains("Hint:  unstructured pruning keeps every neuron"), "\(speck.stderr)")

        let budget = try cli.run(Self.small + ["--until-fits", "--target", "edge", "--budget", "cores=2", "-o", dir + "/c.h5"])
        #expect(budget.status == 1)
        #expect(budget.stderr.contains("cores 9 exceeds the budget; the neurons alone need 8 cores"), "\(budget.stderr)")

        let rounds = try cli.run(
            Self.small + ["--until-fits", "--max-rounds", "1", "--target", "edge", "--budget", "memory=1KiB", "-o", dir + "/m.h5"])
        #expect(rounds.status == 1)
        #expect(rounds.stderr.contains("Error: no level up to round 1 (--max-rounds) fits; the last one fails 'edge': memory"))
        #expect(rounds.stderr.contains("Hint:  raise --max-rounds, loosen the budget or choose a larger target"))
    }

    @Test func optionErrors() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = ["-o", dir + "/x.h5"]
        let cases: [([String], String)] = [
            (["--until-fits"] + out, "--budget, --calibration-images and --until-fits need at least one --target"),
            (["--rounds", "1", "--budget", "cores=4"] + out, "--budget, --calibration-images and --until-fits need at least one --target"),
            (["--until-fits", "--rounds", "2", "--target", "edge"] + out, "--until-fits chooses the rounds"),
            (["--rounds", "1", "--target", "edge", "--max-rounds", "3"] + out, "--max-rounds go with --until-fits"),
            (["--until-fits", "--target", "edge", "--extra-rounds-after-fit=-1"] + out, "at least 0"),
            (["--target", "edge"] + out, "give --rounds or --sparsity"),
            (["--rounds", "1", "--target", "nowhere"] + out, "nowhere"),
            (["--rounds", "1", "--target", "edge", "--budget", "bananas=3"] + out, "unknown budget 'bananas=3'"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(Self.small + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5"), "\(arguments)")
        }
        let eb = try cli.run(Self.small.dropLast() + ["eb", "--until-fits", "--target", "edge"] + out)
        #expect(eb.stderr.contains("--until-fits works with --method imp or imp+et"), "\(eb.stderr)")
        let resume = try cli.run(["prune", "--resume", "--until-fits", "--target", "edge"] + out)
        #expect(resume.stderr.contains("--resume continues with the settings stored in the ticket file"), "\(resume.stderr)")
    }
}
