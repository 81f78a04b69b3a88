import Foundation
import SNNFormat
import Testing

/// An imported NIR model through the rest of the command line: export, simulate --compare,
/// evaluate, and the option checks of `evaluate`.
@Suite("Imported model on the command line")
struct ImportedModelCLITests {
    /// A NIR graph for 28×28 Fashion-MNIST: conv 3×3 (1→4, pad 1) → LIF → SumPool2d 2 + IF
    /// (max-pool) → flatten → affine 784→10, with fixed pseudo-random weights.
    static func document() -> NIRDocument {
        func full(_ v: Float, _ shape: [Int]) -> NIRField { .floats(Array(repeating: v, count: shape.reduce(1, *)), shape: shape) }
        func values(_ n: Int, seed: Int, scale: Float) -> [Float] {
            (0..<n).map { Float(((($0 + seed) &* 2_654_435_761) >> 7) % 1000) / 1000 * 2 * scale - scale }
        }
        let lifShape = [4, 28, 28]
        let poolShape = [4, 14, 14]
        return NIRDocument(
            nodes: [
                NIRNode(name: "in", type: "Input", fields: [("shape", .ints([1, 28, 28], shape: [3]))]),
                NIRNode(
                    name: "conv", type: "Conv2d",
                    fields: [
                        ("weight", .floats(values(36, seed: 1, scale: 1.2), shape: [4, 1, 3, 3])),
                        ("bias", .floats([0.2, 0.1, 0.3, 0.0], shape: [4])),
                        ("stride", .ints([1, 1], shape: [2])), ("padding", .ints([1, 1], shape: [2])),
                        ("dilation", .ints([1, 1], shape: [2])), ("groups", .int(1)), ("input_shape", .ints([28, 28], shape: [2])),
                    ]),
                NIRNode(
                    name: "lif", type: "LIF",
                    fields: [
                        ("tau", full(2, lifShape)), ("r", full(1, lifShape)), ("v_leak", full(0, lifShape)),
                        ("v_threshold", full(0.5, lifShape)), ("v_reset", full(0, lifShape)),
                    ]),
                NIRNode(
                    name: "pool", type: "SumPool2d",
                    fields: [
                        ("kernel_size", .ints([2, 2], shape: [2])),
                        ("stride", .ints([2, 2], shape: [2])), ("padding", .ints([0, 0], shape: [2])),
                    ]),
                NIRNode(
                    name: "fire", type: "IF",
                    fields: [("r", full(1, poolShape)), ("v_threshold", full(1, poolShape)), ("v_reset", full(0, poolShape))]),
                NIRNode(
                    name: "flat", type: "Flatten",
                    fields: [
                        ("start_dim", .int(0)), ("end_dim", .int(-1)),
                        ("input_type", .ints(poolShape.map(Int64.init), shape: [3])),
                    ]),
                NIRNode(
                    name: "fc", type: "Affine",
                    fields: [
                        ("weight", .floats(values(7840, seed: 3, scale: 0.1), shape: [10, 784])),
                        ("bias", .floats(Array(repeating: 0, count: 10), shape: [10])),
                    ]),
                NIRNode(name: "out", type: "Output", fields: [("shape", .ints([10], shape: [1]))]),
            ], edges: [("in", "conv"), ("conv", "lif"), ("lif", "pool"), ("pool", "fire"), ("fire", "flat"), ("flat", "fc"), ("fc", "out")])
    }

    @Test func anImportedModelExportsAndComparesWithItsIntegerSimulation() throws {
        let d = try TemporaryDirectory()
        let nir = d.path + "/m.nir"
        let model = d.path + "/m.h5"
        let deployed = d.path + "/m.snn.h5"
        try Self.document().write(to: nir)
        let data = Repository.root + "/fixtures/fashion-mnist"
        let imported = try CLI.run(["import", nir, "--data-dir", data, "-o", model])
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try CLI.run(["export", model, "--target", "edge", "-o", deployed])
        #expect(export.status == 0, "\(export.stderr)")
        let compare = try CLI.run(["simulate", deployed, "--data-dir", data, "--limit", "8", "--compare", model, "--json"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        let comparison = try #require(object["comparison"] as? [String: Any], "\(compare.stdout)")
        let layers = try #require((comparison["result"] as? [String: Any])?["layers"] as? [[String: Any]], "\(comparison)")
        #expect(layers.map { $0["name"] as? String } == ["lif"])
    }

    @Test func evaluateRejectsBadOptionsBeforeRunning() throws {
        let d = try TemporaryDirectory()
        for arguments in [["--threads", "0"], ["--test-subset", "0"], ["--inputs", d.path + "/x.h5"]] {
            let run = try CLI.run(["evaluate", d.path + "/missing.h5"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Fatal error"))
        }
    }
}
