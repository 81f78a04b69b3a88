import Foundation
import SNNFormat
import SNNIR
import Testing

/// The `neurobench` objects of `snnc simulate --json` and `snnc inspect --json` on an exported
/// model, each value recomputed here from the rest of the reports and the file.
@Suite("CLI NeuroBench metrics")
struct NeuroBenchCLITests {
    /// Every (input, weight) pair of one step of a conv, by brute force over outputs and taps.
    static func denseTaps(_ conv: ConvLayer) -> Int {
        let (h, w) = (conv.inputShape[1], conv.inputShape[2])
        let g = conv.geometry
        var taps = 0
        for oy in 0..<g.outputHeight(h) {
            for ox in 0..<g.outputWidth(w) {
                for ky in 0..<g.kernelH {
                    for kx in 0..<g.kernelW {
                        let (y, x) = (oy * g.strideH - g.padH + ky, ox * g.strideW - g.padW + kx)
                        if y >= 0 && y < h && x >= 0 && x < w { taps += 1 }
                    }
                }
            }
        }
        return taps * conv.inChannels * conv.outChannels
    }

    @Test func simulateAndInspectReportNeuroBenchMetrics() throws {
        let d = try TemporaryDirectory()
        let model = try SimulateCLITests.exported(in: d)
        let graph = try DeploymentFile.read(model).graph
        let data = Repository.root + "/fixtures/fashion-mnist"
        let run = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "4", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let nb = try #require(report["neurobench"] as? [String: Any])
        let steps = Double(graph.timeSteps)

        // Activation sparsity: 1 − the reported rate, per LIF group and over all of them.
        let spikes = try #require(report["spikes"] as? [[String: Any]])
        let lifNames = graph.neuronGroups.map(\.name)
        let byLayer = try #require(nb["ActivationSparsityByLayer"] as? [String: Double])
        #expect(Set(byLayer.keys) == Set(lifNames))
        var fired = 0.0
        var outputs = 0.0
        for s in spikes {
            guard let name = s["name"] as? String, lifNames.contains(name) else { continue }
            let rate = try #require(s["rate"] as? Double)
            #expect(abs((byLayer[name] ?? -1) - (1 - rate)) < 1e-9, "\(name)")
            fired += try #require(s["events_per_image"] as? Double)
            outputs += Double(try #require(s["units"] as? Int)) * steps
        }
        #expect(abs(try #require(nb["ActivationSparsity"] as? Double) - (1 - fired / outputs)) < 1e-9)

        // Synaptic operations: the encoder's events at each step are the MACs, the rest ACs
        // (max-pooled VGG: every other layer reads spikes); dense by brute force.
        let ops = try #require(nb["SynapticOperations"] as? [String: Double])
        let events = try #require(report["synaptic_events"] as? [[String: Any]])
        let perImage = Dictionary(uniqueKeysWithValues: events.map { ($0["name"] as? String ?? "", $0["per_image"] as? Double ?? 0) })
        let encoder = try #require(graph.layers.first { if case .conv(let c) = $0.op { c.encoder } else { false } })
        #expect(try #require(ops["Effective_MACs"]) == steps * (perImage[encoder.name] ?? -1))
        let acs = perImage.filter { $0.key != encoder.name }.values.reduce(0, +)
        #expect(abs(try #require(ops["Effective_ACs"]) - acs) < 1e-6)
        let dense = graph.layers.reduce(0) { sum, layer in
            switch layer.op {
            case .conv(let conv): sum + Self.denseTaps(conv)
            case .linear(let linear): sum + linear.inFeatures * linear.outFeatures
            default: sum
            }
        }
        #expect(try #require(ops["Dense"]) == steps * Double(dense))
        // snnc's per-layer split: one entry per conv and linear layer, the encoder's as MACs, summing to the totals.
        let split = try #require(nb["SynapticOperationsByLayer"] as? [String: [String: Double]])
        #expect(Set(split.keys) == Set(perImage.keys))
        #expect(split[encoder.name]?["Effective_MACs"] == ops["Effective_MACs"])
        #expect(abs(split.values.compactMap { $0["Effective_ACs"] }.reduce(0, +) - acs) < 1e-6)
        #expect(split.values.compactMap { $0["Dense"] }.reduce(0, +) == ops["Dense"])

        // Membrane updates: at least every LIF neuron once (step 0), at most every one at every step.
        let neurons = Double(graph.neuronGroups.reduce(0) { $0 + $1.unitCount })
        let updates = try #require(nb["MembraneUpdates"] as? Double)
        #expect(updates >= neurons && updates <= neurons * steps)

        // Static metrics: the same in inspect; recomputed from inspect's rows and the file.
        let inspect = try CLI.run(["inspect", model, "--json"])
        let inspected = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let staticNB = try #require(inspected["neurobench"] as? [String: Double])
        for key in ["Footprint", "ParameterCount", "ConnectionSparsity"] {
            #expect(staticNB[key] != nil && staticNB[key] == nb[key] as? Double, "\(key)")
        }
        let rows = try #require(inspected["layers"] as? [[String: Any]]).filter { $0["kind"] as? String != "identity" }
        let weights = rows.reduce(0) { $0 + ($1["weights"] as? Int ?? 0) }
        let nonZero = rows.reduce(0) { $0 + ($1["nonzero_weights"] as? Int ?? 0) }
        #expect(abs((staticNB["ConnectionSparsity"] ?? -1) - Double(weights - nonZero) / Double(weights)) < 1e-12)
        let biases = graph.synapticLayers.reduce(0) { $0 + ($1.op.synapticWeights?.quantized?.bias?.count ?? 0) }
        let bytes = rows.reduce(0) { $0 + ($1["weights"] as? Int ?? 0) * (($1["weight_bits"] as? Int ?? 32) <= 8 ? 1 : 2) }
        #expect(staticNB["ParameterCount"] == Double(weights + biases))
        #expect(staticNB["Footprint"] == Double(bytes + 4 * biases))

        // The text blocks.
        let text = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "2"])
        #expect(text.stdout.contains("NeuroBench metrics per inference: SynapticOperations Effective_MACs"), "\(text.stdout)")
        #expect(text.stdout.contains("MembraneUpdates") && text.stdout.contains("ActivationSparsity"))
        #expect(try CLI.run(["inspect", model]).stdout.contains("NeuroBench: Footprint"))
    }
}
