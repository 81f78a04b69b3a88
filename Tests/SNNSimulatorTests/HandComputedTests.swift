import SNNIR
import SNNSimulatorFixtures
import Testing

@testable import SNNSimulator

/// Tiny networks whose spikes are worked out by hand.
@Suite struct HandComputedTests {
    func spikeSteps(_ inference: Inference, _ layer: String) -> [Int] {
        inference.trace?[layer]?.steps.enumerated().filter { $0.element.count > 0 }.map(\.offset) ?? []
    }

    /// `a` integrates a constant 3·10 = 30 with `>> 2`: h = 30, 30/4 + 30 = 37, 37/4 + 30 = 39
    /// (fires, reset), 30, 37, 39 (fires). `b` gets 30 at steps 2 and 5: fires on `>=` (30 ≥ 30)
    /// and never on `>` (30, then 7, 1, 0 + 30 = 30 again). The readout adds 1 + 5·spike.
    @Test func twoNeuronChainFiresOnGreaterOrEqual() throws {
        let graph = TinyNetworks.chain(compareB: .greaterOrEqual)
        let result = try EventSimulator(graph).run(quantizedImage: [3], trace: true)
        #expect(spikeSteps(result, "a") == [2, 5])
        #expect(spikeSteps(result, "b") == [2, 5])
        #expect(result.logitsPerStep == [[1], [1], [6], [1], [1], [6]])
        #expect(result.logits == [16])
        // Updates: `a` every step (constant current); `b` only when its input arrives (its
        // membrane is back at 0 after each spike); the readout every step (bias).
        #expect(result.work?.neuronUpdates["a"] == [1, 1, 1, 1, 1, 1])
        #expect(result.work?.neuronUpdates["b"] == [0, 0, 1, 0, 0, 1])
        #expect(result.work?.neuronUpdates["readout"] == [1, 1, 1, 1, 1, 1])
        #expect(result.work?.synapticEvents["enc"] == [1, 0, 0, 0, 0, 0])
        #expect(result.work?.synapticEvents["fc"] == [0, 0, 1, 0, 0, 1])
        #expect(try DenseReference(graph).run(quantizedImage: [3], trace: true).trace == result.trace)
    }

    @Test func twoNeuronChainNeverFiresOnGreater() throws {
        let graph = TinyNetworks.chain(compareB: .greater)
        let result = try EventSimulator(graph).run(quantizedImage: [3], trace: true)
        #expect(spikeSteps(result, "a") == [2, 5])
        #expect(spikeSteps(result, "b") == [])
        #expect(result.logits == [6])
        // `b` leaks 30 → 7 → 1 → 0 (+30 at step 5): updated at steps 2, 3, 4 and 5.
        #expect(result.work?.neuronUpdates["b"] == [0, 0, 1, 1, 1, 1])
    }

    /// 6-bit state saturates at 31: a current of 40 never reaches a threshold of 32, but fires
    /// a threshold of 31 at every step. With 7 bits (max 63) the threshold of 32 fires.
    @Test(arguments: [(Int32(32), 6, [Int]()), (31, 6, [0, 1, 2]), (32, 7, [0, 1, 2])])
    func saturation(threshold: Int32, bits: Int, expected: [Int]) throws {
        let graph = TinyNetworks.saturation(threshold: threshold, stateBits: bits)
        let event = try EventSimulator(graph).run(quantizedImage: [40], trace: true)
        #expect(spikeSteps(event, "a") == expected)
        #expect(spikeSteps(try DenseReference(graph).run(quantizedImage: [40], trace: true), "a") == expected)
    }

    /// Negative saturation: −100 clamps to −32 with 6 bits, and the membrane stays there
    /// (−32 >> 2 = −8, −8 − 100 → −32): the neuron never fires and is updated every step.
    @Test func negativeSaturationKeepsUpdating() throws {
        let graph = TinyNetworks.saturation(threshold: 5, stateBits: 6)
        let event = try EventSimulator(graph).run(quantizedImage: [-100], trace: true)
        #expect(spikeSteps(event, "a") == [])
        #expect(event.work?.neuronUpdates["a"] == [1, 1, 1])
    }

    /// An encoder current of 2^32 (beyond 32 bits) saturates a 16-bit membrane at 32767: the
    /// neuron fires at every step against a threshold of 32767 and never against 32768 (the
    /// general, overflow-checked update loop runs).
    @Test(arguments: [(Int32(32767), [0, 1, 2]), (Int32(32768), [Int]())] as [(Int32, [Int])])
    func hugeConstantCurrentSaturates(threshold: Int32, expected: [Int]) throws {
        var b = NetworkBuilder(input: [1, 1, 1], timeSteps: 3)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [1 << 30], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: threshold, stateBits: 16), name: "a")
        b.linear(a, outFeatures: 1, weights: [1], name: "readout")
        let graph = b.graph()
        let event = try EventSimulator(graph).run(quantizedImage: [4], trace: true)
        #expect(spikeSteps(event, "a") == expected)
        #expect(try DenseReference(graph).run(quantizedImage: [4], trace: true).trace == event.trace)
    }

    /// The leak rounds as SNNIR defines it: a shift toward −∞, multiply12 toward zero.
    @Test func leakRounding() throws {
        let shift = try NeuronRule(.fixture(threshold: 100, decay: .shift(2)), layer: "x")
        #expect(shift.decay(37) == 9)
        #expect(shift.decay(-5) == -2)
        let multiply = try NeuronRule(.fixture(threshold: 100, decay: .multiply12(3072)), layer: "x")
        #expect(multiply.decay(37) == 9)
        #expect(multiply.decay(-5) == -1)
        for v: Int64 in -70_000...70_000 where v % 7 == 0 {
            #expect(shift.decay(v) == IntegerDecay.shift(2).apply(v))
            #expect(multiply.decay(v) == IntegerDecay.multiply12(3072).apply(v))
        }
    }

    /// `>` with threshold t equals `>=` with threshold t + 1 on integers.
    @Test func comparisonsDifferOnlyAtTheThreshold() throws {
        let ge = try NeuronRule(.fixture(threshold: 30, compare: .greaterOrEqual), layer: "x")
        let gt = try NeuronRule(.fixture(threshold: 30, compare: .greater), layer: "x")
        #expect(ge.step(0, input: 30) == (0, true))
        #expect(gt.step(0, input: 30) == (30, false))
        #expect(gt.step(0, input: 31) == (0, true))
    }

    /// A threshold of 0 with `>=` fires at rest, so every neuron is updated every step, even
    /// without input; both simulators agree.
    @Test func firingAtRestUpdatesEveryNeuron() throws {
        let graph = TinyNetworks.saturation(threshold: 0, stateBits: 8)
        let event = try EventSimulator(graph).run(quantizedImage: [0], trace: true)
        #expect(spikeSteps(event, "a") == [0, 1, 2])
        #expect(event.work?.neuronUpdates["a"] == [1, 1, 1])
        #expect(try DenseReference(graph).run(quantizedImage: [0], trace: true).trace == event.trace)
    }
}
