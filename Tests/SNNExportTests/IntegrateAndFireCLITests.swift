import Foundation
import SNNFormat
import SNNIR
import Testing

/// A model trained by `snnc train --neuron if --reset subtract` on the fixtures, once per run:
/// `small` at width 1/4, T = 3, threshold 0.5, 2 epochs on 200 images.
enum IntegrateAndFireFixture {
    static let data = Repository.root + "/fixtures/fashion-mnist"

    private static let built: Result<String, any Error> = Result {
        let directory = NSTemporaryDirectory() + "snnc-if-fixture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/if.h5"
        let train = try CLI.run([
            "train", "--model", "small", "--width", "0.25", "--neuron", "if", "--reset", "subtract",
            "--time-steps", "3", "--threshold", "0.5", "--data-dir", data, "--train-subset", "200",
            "--test-subset", "40", "--batch-size", "20", "--epochs", "2", "--lr", "0.1", "--no-augment", "-o", path,
        ])
        guard train.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": train.stderr]) }
        return path
    }

    static func checkpoint() throws -> String { try built.get() }
}

@Suite("Integrate-and-fire neurons with subtractive reset, trained and deployed")
struct IntegrateAndFireCLITests {
    @Test func deploysToSpeckAndSimulatesBitExactly() throws {
        let d = try TemporaryDirectory()
        let model = try IntegrateAndFireFixture.checkpoint()
        let output = d.path + "/if.speck.snn.h5"
        let export = try CLI.run(["export", model, "--target", "speck", "-o", output])
        #expect(export.status == 0, "\(export.stderr)")
        let graph = try DeploymentFile.read(output).graph
        let groups = graph.layers.compactMap { layer -> LIFGroup? in
            if case .lif(let lif) = layer.op { lif } else { nil }
        }
        #expect(groups.count == 3)
        for group in groups {
            #expect(group.tau == nil && group.resetMode == .subtract)
            let q = try #require(group.quantized)
            #expect(q.decay == .none)
            #expect(q.reset == .subtract(q.threshold), "≥ target: the amount subtracted is the threshold")
        }
        let simulate = try CLI.run(["simulate", output, "--data-dir", IntegrateAndFireFixture.data, "--limit", "40", "--check"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("check: spike trains identical to the dense integer reference on 40 images"), "\(simulate.stdout)")
        let inspect = try CLI.run(["inspect", output])
        #expect(inspect.stdout.contains("neurons: IF, subtractive reset"), "\(inspect.stdout)")
    }

    @Test func theIntegerModelFollowsTheFloatModel() throws {
        let d = try TemporaryDirectory()
        let model = try IntegrateAndFireFixture.checkpoint()
        let output = d.path + "/if.edge.snn.h5"
        #expect(try CLI.run(["export", model, "--target", "edge", "-o", output]).status == 0)
        let run = try CLI.run([
            "simulate", output, "--data-dir", IntegrateAndFireFixture.data, "--limit", "40", "--compare", model, "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let result = ((object?["comparison"] as? [String: Any])?["result"] as? [String: Any]) ?? [:]
        #expect(result["prediction_agreement"] as? Double ?? 0 >= 0.9, "\(result)")
        let layers = (result["layers"] as? [[String: Any]]) ?? []
        #expect(layers.count == 3)
        for layer in layers {
            let floatRate = layer["float_rate"] as? Double ?? 0
            #expect(floatRate > 0.01, "\(layer)")
            #expect(layer["agreement"] as? Double ?? 0 > 0.97, "\(layer)")
        }
    }

    @Test func aTargetThatOnlyResetsToZeroRefusesIt() throws {
        let d = try TemporaryDirectory()
        let output = d.path + "/if.loihi.snn.h5"
        let export = try CLI.run(["export", try IntegrateAndFireFixture.checkpoint(), "--target", "loihi", "-o", output])
        #expect(export.status == 1)
        #expect(export.stderr.contains("[numerics] reset = \"zero\"") && export.stderr.contains("Hint: "), "\(export.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func theNIRRoundTripKeepsTheSoftReset() throws {
        let d = try TemporaryDirectory()
        let model = try IntegrateAndFireFixture.checkpoint()
        let nir = d.path + "/if.nir"
        #expect(try CLI.run(["export", model, "--format", "nir", "-o", nir]).status == 0)
        let document = try NIRDocument.read(nir)
        let fire = document.nodes.filter { $0.type == "IF" }.map(\.name)
        #expect(Set(fire) == ["lif1", "lif2", "lif_fc1"], "\(document.nodes.map(\.type))")
        #expect(document.subtractiveResetNodes == Set(fire))
        let imported = d.path + "/imported.h5"
        let run = try CLI.run(["import", nir, "--normalize", "0.2860,0.3530", "--time-steps", "3", "-o", imported])
        #expect(run.status == 0, "\(run.stderr)")
        let data = ["--data-dir", IntegrateAndFireFixture.data, "--test-subset", "100", "--json"]
        let before = try CLI.run(["evaluate", model] + data)
        let after = try CLI.run(["evaluate", imported] + data)
        #expect(before.status == 0 && after.status == 0, "\(before.stderr) \(after.stderr)")
        func correct(_ r: CLI.Result) -> Int? {
            ((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any])?["correct"] as? Int
        }
        #expect(correct(before) != nil && correct(before) == correct(after), "\(before.stdout) \(after.stdout)")
        // The imported model deploys to Speck with the same neurons.
        let deployed = d.path + "/imported.speck.snn.h5"
        let export = try CLI.run(["export", imported, "--target", "speck", "-o", deployed])
        #expect(export.status == 0, "\(export.stderr)")
    }
}
