import Foundation
import Testing

/// `snnc prune --structured` on the small model and a 4-core copy of `edge`, where only neuron
/// (channel) pruning can fit: the named error without it, a fitting ticket with it that exports,
/// simulates bit-exactly within the profile and goes through NIR and back; every option error.
@Suite("snnc prune --structured: channel pruning for a profile short of neurons")
struct StructuredPruneCLITests {
    let cli = CLITests()

    /// `edge` with 4 cores: the small model's neurons need 8 whatever its sparsity.
    func tinyProfile(in dir: String) throws -> String {
        try EdgeProfileCopy.write(name: "tiny", cores: 4, in: dir)
    }

    @Test func onlyChannelPruningFitsAndTheTicketExportsAndSimulatesWithinTheProfile() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tiny = try tinyProfile(in: dir)
        let plain = try cli.run(PruneFitCLITests.small + ["--until-fits", "--target", tiny, "-o", dir + "/plain.h5"])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("Error: level 0 does not fit 'tiny', and pruning weights cannot fix it"), "\(plain.stderr)")
        #expect(plain.stderr.contains("Hint:  unstructured pruning keeps every neuron; add --structured"), "\(plain.stderr)")

        let tickets = dir + "/s.h5"
        let result = try cli.run(
            PruneFitCLITests.small + ["--until-fits", "--structured", "--channel-rate", "0.5", "--target", tiny, "--json", "-o", tickets])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("round 1 removes 2 of 4 channels of 'conv1' (lowest filter L1 norm: "), "\(result.stderr)")
        let summary = try jsonObject(result.stdout)
        let levels = try #require(summary["levels"] as? [[String: Any]])
        let fits = try #require(summary["fits"] as? [String: Any])
        let last = levels.count - 1
        #expect(last >= 2)
        // The summary names the reduced layers and their kept channels (indices of the unpruned layer).
        #expect(levels[0]["keptChannels"] == nil)
        let kept = try #require(levels[1]["keptChannels"] as? [[String: Any]])
        #expect(kept.first?["layer"] as? String == "conv1" && (kept.first?["channels"] as? [Int])?.count == 2)
        let fit = try #require((fits[String(last)] as? [String: Any])?["targets"] as? [[String: Any]])
        #expect(fit.first?["fits"] as? Bool == true)
        #expect(fit.first?["cores"] as? Int == 4)
        for k in 0..<last {
            let earlier = (fits[String(k)] as? [String: Any])?["targets"] as? [[String: Any]]
            #expect(earlier?.first?["fits"] as? Bool == false, "level \(k)")
        }

        // The fitting level exports (the default level: the sparsest) and simulates within 4 cores.
        let model = dir + "/s.snn.h5"
        let export = try cli.run(["export", tickets, "--target", tiny, "-o", model])
        #expect(export.status == 0, "\(export.stderr)")
        let inspect = try cli.run(["inspect", model, "--json", "--budget", "cores=4"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let totals = try #require(try jsonObject(inspect.stdout)["totals"] as? [String: Any])
        #expect(totals["cores"] as? Int == fit.first?["cores"] as? Int)
        #expect(totals["memory_bytes"] as? Int == fit.first?["memoryBytes"] as? Int)
        let simulate = try cli.run(["simulate", model, "--limit", "20", "--check", "--data-dir", CLITests.fixtures])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("check: spike trains identical to the dense integer reference on 20 images"), "\(simulate.stdout)")
        let compare = try cli.run(["simulate", model, "--limit", "20", "--compare", tickets, "--data-dir", CLITests.fixtures])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(try cli.run(["inspect", tickets]).status == 0)

        // NIR out and back in: the imported model evaluates and deploys as the ticket does.
        let nir = dir + "/s.nir"
        #expect(try cli.run(["export", tickets, "--format", "nir", "-o", nir]).status == 0)
        let imported = dir + "/imported.h5"
        let importing = try cli.run(["import", nir, "--dt", "1", "--time-steps", "2", "--normalize", "0.2860,0.3530", "-o", imported])
        #expect(importing.status == 0, "\(importing.stderr)")
        let accuracy = { (file: String) throws -> String in
            let run = try self.cli.run(["evaluate", file, "--data-dir", CLITests.fixtures, "--test-subset", "50"])
            #expect(run.status == 0, "\(run.stderr)")
            return String(run.stdout.split(separator: ":").last?.prefix { $0 != ";" } ?? "")
        }
        #expect(try accuracy(tickets) == accuracy(imported))
        let reimported = dir + "/imported.snn.h5"
        #expect(try cli.run(["export", imported, "--target", tiny, "-o", reimported]).status == 0)
        let spikes = { (file: String) throws -> NSArray in
            let run = try self.cli.run(["simulate", file, "--limit", "20", "--json", "--data-dir", CLITests.fixtures])
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try jsonObject(run.stdout)["spikes"] as? NSArray)
        }
        let direct = try spikes(model)
        let roundTrip = try spikes(reimported)
        #expect(direct.count == 5 && direct.isEqual(roundTrip), "\(direct) vs \(roundTrip)")
    }

    @Test func optionErrors() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = ["-o", dir + "/x.h5"]
        let cases: [([String], String)] = [
            (["--until-fits", "--structured"] + out, "need at least one --target"),
            (
                ["--rounds", "1", "--structured"] + out,
                "--structured removes channels where a target is short of neurons; give at least one"
            ),
            (["--rounds", "1", "--target", "edge", "--channel-rate", "0.5"] + out, "--channel-rate goes with --structured"),
            (["--rounds", "1", "--target", "edge", "--structured", "--channel-rate", "1.5"] + out, "--channel-rate must be in (0, 1)"),
            (["--rounds", "1", "--target", "edge", "--structured", "--channel-rate", "0"] + out, "--channel-rate must be in (0, 1)"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(PruneFitCLITests.small + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5"), "\(arguments)")
        }
        let eb = try cli.run(PruneFitCLITests.small.dropLast() + ["eb", "--sparsity", "50", "--structured", "--target", "edge"] + out)
        #expect(eb.status == 64 && eb.stderr.contains("--structured works with --method imp or imp+et"), "\(eb.stderr)")
        let resnet = try cli.run(
            [
                "prune", "--model", "resnet19", "--width", "0.0625", "--data-dir", CLITests.fixtures, "--pad", "2", "--train-subset", "20",
                "--test-subset", "20", "--batch-size", "20", "--epochs-per-round", "1", "--method", "imp", "--until-fits", "--structured",
                "--target", "edge",
            ] + out)
        #expect(resnet.status == 1)
        #expect(
            resnet.stderr.contains("Error: --structured prunes the channels of vgg16 and small models, not resnet19"), "\(resnet.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5"))
        let resume = try cli.run(["prune", "--resume", "--structured", "--target", "edge"] + out)
        #expect(resume.stderr.contains("--resume continues with the settings stored in the ticket file"), "\(resume.stderr)")
    }
}
