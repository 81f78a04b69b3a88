import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import Testing

/// `snnc inspect` on a deployment file for Xylo's single core: every layer's neurons are named
/// hidden or output, with the ids they take.
@Suite("Xylo inspect")
struct XyloInspectTests {
    /// `input [16] → fc0 (16 → 64) → lif0 → fc1 (64 → 32) → lif1 → fc2 (32 → 8)`, weights small and
    /// non-zero, compiled for Xylo with the LIF leak snnc trains today (Xylo's shift leak is another
    /// task); the file keeps `target = "xylo"`.
    static func graph() -> Graph {
        var layers = [Layer(name: "input", inputs: [], shape: [16], op: .input)]
        for (i, (n, m)) in [(16, 64), (64, 32), (32, 8)].enumerated() {
            let weights = SynapticWeights(
                weight: DenseTensor(shape: [m, n], values: (0..<(m * n)).map { Float($0 % 7 - 3) / 8 }), bias: nil)
            layers.append(
                Layer(
                    name: "fc\(i)", inputs: [layers[layers.count - 1].name], shape: [m],
                    op: .linear(LinearLayer(inFeatures: n, outFeatures: m, weights: weights))))
            if i < 2 {
                layers.append(
                    Layer(name: "lif\(i)", inputs: ["fc\(i)"], shape: [m], op: .lif(LIFGroup(tau: 2, threshold: 1, resetMode: .subtract))))
            }
        }
        return Graph(name: "xylo-mlp", timeSteps: 2, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    @Test func inspectShowsHiddenAndOutputNeurons() throws {
        let d = try TemporaryDirectory()
        var xylo = try ChipProfile.named("xylo")
        xylo.numerics.leak = .multiply12
        let output = d.path + "/xylo.snn.h5"
        try DeploymentFile.write(try compile(Self.graph(), for: xylo), to: output, producer: "test")
        let table = try CLI.run(["inspect", output])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(
            table.stdout.contains("core assignment (single core): fc0 → hidden 0-63, fc1 → hidden 64-95, fc2 → output 0-7"),
            "\(table.stdout)")
        let json = try CLI.run(["inspect", output, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let layers = try #require(object?["layers"] as? [[String: Any]])
        #expect(layers.map { $0["core_neurons"] as? String } == ["hidden 0-63", "hidden 64-95", "output 0-7"])
        #expect((object?["totals"] as? [String: Any])?["cores"] as? Int == 1)
    }
}
