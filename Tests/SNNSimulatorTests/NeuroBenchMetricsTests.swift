import SNNIR
import SNNSimulatorFixtures
import Testing

@testable import SNNSimulator

/// NeuroBench's metrics on a network small enough to count by hand (docs/METRICS.md).
@Suite struct NeuroBenchMetricsTests {
    /// Pixels (3, 0) → encoder 1×1 (weights 10, 5; 2 channels) → LIF `a` [2, 1, 2] (threshold 39,
    /// `>> 2`) → flatten → linear `fc` 4 → 2 (b0 ← 30·a(0,0,0), b1 ← 7·a(0,0,1)) → LIF `b`
    /// (threshold 40) → readout 2 → 1 (weights 5, 5, bias 1). T = 6.
    ///
    /// `a(0,0,0)` gets 30: 30, 37, 39 (fires, 0), 30, 37, 39 (fires, 0): spikes at steps 2 and 5,
    /// its membrane changes at every step. `a(1,0,0)` gets 15: 15, 18, 19, 19, 19, 19 (updated at
    /// every step, changed only at steps 1 and 2). The two neurons of pixel 2 get nothing and
    /// stay at 0. `b0` gets 30 at steps 2 and 5: 0, 0, 30, 7, 1, 30 (it decays without input at
    /// steps 3 and 4; never fires). `b1` reads a silent neuron and stays at 0.
    static func network() -> Graph {
        var b = NetworkBuilder(input: [1, 1, 2], timeSteps: 6)
        let enc = b.conv("input", outChannels: 2, kernel: 1, weights: [10, 5], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: 39), name: "a")
        let flat = b.flatten(a, name: "flat")
        let fc = b.linear(flat, outFeatures: 2, weights: [30, 0, 0, 0, 0, 7, 0, 0], name: "fc")
        let lifB = b.lif(fc, neurons: .fixture(threshold: 40), name: "b")
        b.linear(lifB, outFeatures: 1, weights: [5, 5], bias: [1], name: "readout")
        return b.graph(name: "neurobench")
    }

    @Test func membraneChangesAreCountedByBothSimulators() throws {
        let graph = Self.network()
        let event = try EventSimulator(graph).run(quantizedImage: [3, 0], trace: true)
        #expect(event.trace?["a"]?.steps.map(\.count) == [0, 0, 1, 0, 0, 1])
        #expect(event.membraneChanges?["a"] == [2, 2, 2, 1, 1, 1])
        #expect(event.membraneChanges?["b"] == [0, 0, 1, 1, 1, 1])
        // snnc's own count: every neuron with input, constant current or membrane.
        #expect(event.work?.neuronUpdates["a"] == [2, 2, 2, 2, 2, 2])
        #expect(event.work?.neuronUpdates["b"] == [0, 0, 1, 1, 1, 1])
        let dense = try DenseReference(graph).run(quantizedImage: [3, 0], trace: true)
        #expect(dense.membraneChanges == event.membraneChanges)
    }

    @Test func workloadMetricsByHand() throws {
        let graph = Self.network()
        let result = try EventSimulator(graph).run(quantizedImages: [[3, 0], [3, 0]])
        let w = NeuroBenchWorkload(graph: graph, result: result)
        // Encoder: 1 non-zero pixel × 2 non-zero weights, at each of the 6 steps; fc: a(0,0,0)'s
        // 2 spikes × 1 non-zero weight; the readout: no spike of `b`.
        #expect(w.layers.map(\.kind) == [.mac, .ac, .ac])
        #expect(w.effectiveMACs == 12)
        #expect(w.effectiveACs == 2)
        // Dense per step: encoder 2 channels × 2 pixels, fc 4 × 2, readout 2 × 1 = 14; × 6 steps.
        #expect(w.layers.map(\.dense) == [24, 48, 12])
        #expect(w.dense == 84)
        // Spikes: 2 of a's 4 × 6 outputs, none of b's 2 × 6.
        #expect(w.activationSparsityByLayer == ["a": 22.0 / 24, "b": 1])
        #expect(abs(w.activationSparsity - 34.0 / 36) < 1e-12)
        // Step 0: all 6 LIF neurons; then a(0,0,0) 5, a(1,0,0) 2, b0 4 (steps 2–5).
        #expect(w.membraneUpdates == 17)
        #expect(Double(result.work.neuronUpdates.total) / 2 == 16 + 6)  // snnc's, readout (bias) included
    }

    @Test func staticMetricsByHand() {
        let s = NeuroBenchStatic(graph: Self.network())
        // Weights 2 + 8 + 2 = 12 at 8 bits (1 byte), 6 of them zero; one int32 bias.
        #expect(s.parameterCount == 13)
        #expect(s.footprint == 16)
        #expect(s.connectionSparsity == 0.5)
    }

    @Test func sumPooledInputIsCountedAsMACs() {
        var b = NetworkBuilder(input: [1, 2, 2], timeSteps: 2)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [1], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: 1), name: "a")
        let sum = b.pool(a, kind: .sum, kernel: 2, name: "sum")
        let maxPool = b.pool(a, kind: .max, kernel: 2, name: "max")
        let graph = b.graph()
        let fromSum = Layer(name: "x", inputs: [sum], shape: [1], op: .flatten)
        let fromMax = Layer(name: "y", inputs: [maxPool], shape: [1], op: .flatten)
        #expect(!NeuroBenchWorkload.readsSpikes(fromSum, in: graph))
        #expect(NeuroBenchWorkload.readsSpikes(fromMax, in: graph))
    }

    /// A 3×3 conv with padding 1 on 4×4: rows reached per kernel row 3, 4, 3 (the padded border
    /// excluded), 10 × 10 = 100 taps per channel pair.
    @Test func denseOperationsLeaveOutThePadding() {
        var b = NetworkBuilder(input: [2, 4, 4], timeSteps: 1)
        b.conv("input", outChannels: 3, kernel: 3, pad: 1, weights: [Int32](repeating: 1, count: 54), name: "c")
        let layer = b.graph().layers[1]
        #expect(NeuroBenchWorkload.denseOperations(layer) == 3 * 2 * 100)
    }
}
