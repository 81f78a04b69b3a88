import SNNIR
import SNNSimulatorFixtures
import Testing

@testable import SNNSimulator

/// Accumulators and membranes are 32-bit only when a bound proves the values fit; otherwise the
/// 64-bit kernels run, with the same results as the dense reference.
@Suite struct WideIntegerTests {
    /// `graph` with every weight, bias and threshold multiplied by `factor` and `stateBits` bits.
    static func scaled(_ graph: Graph, by factor: Int32, stateBits: Int) -> Graph {
        var graph = graph
        func scale(_ w: inout SynapticWeights) {
            guard var q = w.quantized else { return }
            q.values = q.values.map { $0 &* factor }
            q.bias = q.bias.map { $0.map { $0 &* factor } }
            w.quantized = q
            w.fanout = w.fanout?.mapValues { $0 &* factor }
        }
        for i in graph.layers.indices {
            switch graph.layers[i].op {
            case .conv(var c):
                scale(&c.weights)
                graph.layers[i].op = .conv(c)
            case .linear(var l):
                scale(&l.weights)
                graph.layers[i].op = .linear(l)
            case .identity(var d):
                scale(&d.weights)
                graph.layers[i].op = .identity(d)
            case .lif(var g):
                g.quantized?.threshold &*= factor
                g.quantized?.stateBits = stateBits
                graph.layers[i].op = .lif(g)
            default: break
            }
        }
        return graph
    }

    @Test func wideAccumulatorsAndStatesMatchTheReference() throws {
        let base = SyntheticPresets.smallResNet(options: SyntheticOptions(density: 1, seed: 6))
        let graph = Self.scaled(base, by: 1 << 20, stateBits: 48)
        let simulator = try EventSimulator(graph)
        #expect(simulator.plan.populations.contains { !$0.narrowCurrent })
        #expect(simulator.plan.populations.allSatisfy { !$0.narrowState })
        let reference = try DenseReference(graph)
        var spikes = 0
        for (k, image) in SyntheticImages.make(count: 2, shape: [2, 10, 10], seed: 6).enumerated() {
            let (inference, mismatch) = try simulator.check(quantizedImage: image, against: reference, image: k)
            #expect(mismatch == nil, "\(mismatch.map(String.init(describing:)) ?? "")")
            spikes += inference.spikes.total
        }
        #expect(spikes > 0)
    }

    @Test func ordinaryNetworksUseNarrowIntegers() throws {
        let simulator = try EventSimulator(SyntheticPresets.smallVGG(options: SyntheticOptions(density: 1, seed: 6)))
        #expect(simulator.plan.populations.allSatisfy { $0.narrowCurrent })
        #expect(simulator.plan.populations.dropLast().allSatisfy { $0.narrowState })
    }
}
