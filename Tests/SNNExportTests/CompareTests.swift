import Foundation
import SNNCompare
import SNNData
import SNNFormat
import SNNIR
import SNNTickets
import Testing

@testable import SNNTrain

/// A trained and pruned ticket file on the fixtures, built once per test run with `snnc prune`:
/// `small` at width 1/4, T = 3, threshold 0.5 (it learns in two epochs: ~60% on the fixture
/// test images), IMP for one round (levels 0 and 1).
enum CompareFixture {
    static let data = Repository.root + "/fixtures/fashion-mnist"

    private static let built: Result<String, any Error> = Result {
        let directory = NSTemporaryDirectory() + "snnc-compare-fixture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/tickets.h5"
        let prune = try CLI.run([
            "prune", "--method", "imp", "--data-dir", data, "--model", "small", "--width", "0.25",
            "--time-steps", "3", "--threshold", "0.5", "--train-subset", "200", "--test-subset", "40",
            "--batch-size", "20", "--epochs-per-round", "2", "--rounds", "1", "--lr", "0.1",
            "--no-augment", "-o", path,
        ])
        guard prune.status == 0 else { throw ComparisonError(reason: "snnc prune failed: \(prune.stderr)") }
        return path
    }

    /// The ticket file's path.
    static func tickets() throws -> String { try built.get() }

    /// Exports the ticket file (level `level`, default: the file's) for `edge` (8-bit weights).
    static func export(in d: TemporaryDirectory, level: Int? = nil, name: String = "m") throws -> String {
        let output = d.path + "/\(name).snn.h5"
        let export = try CLI.run(["export", try tickets(), "--target", "edge", "-o", output] + (level.map { ["--level", "\($0)"] } ?? []))
        #expect(export.status == 0, "\(export.stderr)")
        return output
    }

    /// `snnc simulate … --compare tickets --json` on the first `limit` fixture images.
    static func compare(_ model: String, limit: Int = 48, extra: [String] = []) throws -> (CLI.Result, [String: Any]?) {
        let run = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "\(limit)", "--compare", try tickets(), "--json"] + extra)
        let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run, object?["comparison"] as? [String: Any])
    }

    static func layers(_ comparison: [String: Any]?) -> [[String: Any]] {
        ((comparison?["result"] as? [String: Any])?["layers"] as? [[String: Any]]) ?? []
    }

    static func result(_ comparison: [String: Any]?) -> [String: Any] { (comparison?["result"] as? [String: Any]) ?? [:] }
}

@Suite("snnc simulate --compare")
struct CompareCLITests {
    @Test func eightBitExportAgreesWithTheFloatModelOnTheSameImages() throws {
        let d = try TemporaryDirectory()
        let model = try CompareFixture.export(in: d)
        let (run, comparison) = try CompareFixture.compare(model)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(comparison?["level"] as? Int == 1)
        let result = CompareFixture.result(comparison)
        #expect(result["images"] as? Int == 48)
        let layers = CompareFixture.layers(comparison)
        #expect(layers.map { $0["name"] as? String } == ["lif1", "lif2", "lif_fc1"])
        for layer in layers {
            let name = layer["name"] as? String ?? "?"
            let floatRate = layer["float_rate"] as? Double ?? 0
            let intRate = layer["integer_rate"] as? Double ?? 0
            #expect(floatRate > 0.01, "\(name) does not fire in the float model")
            #expect(abs(floatRate - intRate) < 0.1 * floatRate, "\(name): rates \(floatRate) vs \(intRate)")
            #expect(layer["jaccard"] as? Double ?? 0 > 0.9, "\(name): \(layer)")
            #expect(layer["agreement"] as? Double ?? 0 > 0.98, "\(name): \(layer)")
            #expect((layer["flags"] as? [String])?.isEmpty == true)
        }
        #expect((result["flagged"] as? [String])?.isEmpty == true)
        #expect(result["prediction_agreement"] as? Double ?? 0 >= 0.9)
        // The integer side is the simulation the report shows.
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(result["integer_correct"] as? Int == object?["correct"] as? Int)
        // The float side saw the same images with the same normalisation: the trainer's own
        // evaluation of level 1 on the first 48 test images gets the same count right.
        var trainer = try Trainer(state: TicketFile.open(try CompareFixture.tickets()).loadLevel(1), normalization: .fashionMNIST)
        let images = try LabeledImages.load(.fmnist, directory: CompareFixture.data, split: .test).selecting(Array(0..<48))
        let evaluation = trainer.evaluate(on: images)
        #expect(result["float_correct"] as? Int == evaluation.correct)
        #expect(evaluation.correct > 15, "the fixture model should have learnt something")

        let text = try CLI.run([
            "simulate", model, "--data-dir", CompareFixture.data, "--limit", "16", "--compare", try CompareFixture.tickets(),
        ])
        #expect(text.status == 0, "\(text.stderr)")
        for fragment in ["float model", "level 1, SHA-256 matches", "same prediction on", "jaccard", "flags: none"] {
            #expect(text.stdout.contains(fragment), "missing '\(fragment)' in \(text.stdout)")
        }
    }

    /// Rewrites `model` with one synaptic layer's integer bias set to `bias` (state units):
    /// the most negative bias silences the LIF group it drives, the largest saturates it.
    func breaking(_ model: String, layer: String, bias: Int32, in d: TemporaryDirectory) throws -> String {
        var graph = try DeploymentFile.read(model).graph
        let index = try #require(graph.index(of: layer))
        switch graph.layers[index].op {
        case .conv(var conv):
            conv.weights.quantized?.bias = Array(repeating: bias, count: conv.outChannels)
            graph.layers[index].op = .conv(conv)
        case .linear(var linear):
            linear.weights.quantized?.bias = Array(repeating: bias, count: linear.outFeatures)
            graph.layers[index].op = .linear(linear)
        default:
            Issue.record("\(layer) is not a conv or linear layer")
        }
        let path = d.path + "/broken-\(layer).snn.h5"
        try DeploymentFile.write(graph, to: path, producer: "test")
        return path
    }

    @Test func aSilencedLayerIsFlaggedOnThatLayer() throws {
        let d = try TemporaryDirectory()
        let broken = try breaking(try CompareFixture.export(in: d), layer: "conv2", bias: -32768, in: d)
        let (plain, comparison) = try CompareFixture.compare(broken, limit: 16)
        #expect(plain.status == 0, "flags alone do not fail without --fail-on-flags: \(plain.stderr)")
        #expect(plain.stderr.contains("flagged after quantisation: lif2 silent"), "\(plain.stderr)")
        let layers = CompareFixture.layers(comparison)
        #expect(layers.first { $0["name"] as? String == "lif1" }?["flags"] as? [String] == [])
        #expect(layers.first { $0["name"] as? String == "lif2" }?["flags"] as? [String] == ["silent"])
        #expect(layers.first { $0["name"] as? String == "lif2" }?["integer_rate"] as? Double == 0)
        #expect((CompareFixture.result(comparison)["flagged"] as? [String])?.first == "lif2")

        let (failing, _) = try CompareFixture.compare(broken, limit: 16, extra: ["--fail-on-flags"])
        #expect(failing.status == 3)
        #expect(!failing.stdout.isEmpty, "the report is printed before the exit status")
    }

    @Test func aSaturatedLayerIsFlaggedOnThatLayer() throws {
        let d = try TemporaryDirectory()
        let broken = try breaking(try CompareFixture.export(in: d), layer: "conv1", bias: 32767, in: d)
        let (run, comparison) = try CompareFixture.compare(broken, limit: 16, extra: ["--fail-on-flags"])
        #expect(run.status == 3, "\(run.stderr)")
        let lif1 = CompareFixture.layers(comparison).first { $0["name"] as? String == "lif1" }
        #expect(lif1?["flags"] as? [String] == ["saturated"])
        #expect(lif1?["integer_rate"] as? Double ?? 0 > 0.9)
        #expect((CompareFixture.result(comparison)["flagged"] as? [String])?.first == "lif1")
    }

    @Test func theExportedLevelIsTheOneCompared() throws {
        let d = try TemporaryDirectory()
        let model = try CompareFixture.export(in: d, level: 0, name: "dense")
        #expect(try DeploymentFile.read(model).graph.provenance?.sourceLevel == 0)
        let (run, comparison) = try CompareFixture.compare(model, limit: 8)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(comparison?["level"] as? Int == 0)
        #expect((CompareFixture.result(comparison)["flagged"] as? [String])?.isEmpty == true)
        // Comparing level 1's weights with level 0's export would show disagreement; the level
        // comes from the file, so it cannot happen by mistake.
        for layer in CompareFixture.layers(comparison) { #expect(layer["jaccard"] as? Double ?? 0 > 0.9) }
        // A file whose provenance lacks source_level (written by the library without it): the
        // recorded command line's --level is used.
        var graph = try DeploymentFile.read(model).graph
        graph.provenance?.sourceLevel = nil
        let old = d.path + "/old.snn.h5"
        try DeploymentFile.write(graph, to: old, producer: "test")
        #expect(try DeploymentFile.read(old).graph.provenance?.sourceLevel == nil)
        let (again, oldComparison) = try CompareFixture.compare(old, limit: 4)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(oldComparison?["level"] as? Int == 0)
    }

    @Test func anotherFileThanTheExportsSourceIsAnError() throws {
        let d = try TemporaryDirectory()
        let model = try CompareFixture.export(in: d)
        // Same content but one byte more: a different hash.
        let other = d.path + "/other.h5"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: try CompareFixture.tickets()))
        bytes.append(0)
        try bytes.write(to: URL(fileURLWithPath: other))
        let run = try CLI.run(["simulate", model, "--data-dir", CompareFixture.data, "--limit", "4", "--compare", other])
        #expect(run.status == 1)
        for fragment in ["Error: this is not the file", "SHA-256", "At:    \(other)", "Hint:  pass the file the export read"] {
            #expect(run.stderr.contains(fragment), "missing '\(fragment)' in \(run.stderr)")
        }
        #expect(run.stdout.isEmpty)
        // A deployment without provenance cannot be checked.
        var graph = try DeploymentFile.read(model).graph
        graph.provenance = nil
        let anonymous = d.path + "/anonymous.snn.h5"
        try DeploymentFile.write(graph, to: anonymous, producer: "test")
        let none = try CLI.run([
            "simulate", anonymous, "--data-dir", CompareFixture.data, "--limit", "4", "--compare", try CompareFixture.tickets(),
        ])
        #expect(none.status == 1 && none.stderr.contains("records no provenance"), "\(none.stderr)")
        // --fail-on-flags means nothing without --compare.
        #expect(try CLI.run(["simulate", model, "--fail-on-flags"]).status == 64)
    }
}
