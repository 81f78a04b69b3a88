import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// The event simulator and the dense reference produce identical spike trains, step by step and
/// layer by layer, on random VGG- and ResNet-style networks at several densities and seeds; and
/// they count the same membrane changes (`Inference.membraneChanges`).
@Suite struct EquivalenceTests {
    static let densities = [1.0, 0.3, 0.05]
    static let seeds: [UInt64] = [1, 2, 3]

    static func cases() -> [(Double, UInt64)] { densities.flatMap { d in seeds.map { (d, $0) } } }

    func expectIdentical(_ graph: Graph, images: Int, seed: UInt64) throws {
        let simulator = try EventSimulator(graph)
        let reference = try DenseReference(graph)
        var spikes = 0
        for (k, image) in SyntheticImages.make(count: images, shape: graph.layers[0].shape, seed: seed).enumerated() {
            let (inference, mismatch) = try simulator.check(quantizedImage: image, against: reference, image: k)
            #expect(mismatch == nil, "\(graph.name): \(mismatch.map(String.init(describing:)) ?? "")")
            spikes += inference.spikes.total
            if k == 0 {
                // NeuroBench's membrane changes: the update loops count what the reference counts.
                let expected = try reference.run(quantizedImage: image)
                #expect(inference.membraneChanges == expected.membraneChanges, "\(graph.name)")
                #expect((inference.membraneChanges?.total ?? 0) > 0)
            }
        }
        #expect(spikes > 0, "\(graph.name) never spiked: the comparison would be vacuous")
    }

    @Test(arguments: cases())
    func vggStyle(density: Double, seed: UInt64) throws {
        let graph = SyntheticPresets.smallVGG(options: SyntheticOptions(density: density, seed: seed))
        try expectIdentical(graph, images: 3, seed: seed)
    }

    @Test(arguments: cases())
    func resnetStyle(density: Double, seed: UInt64) throws {
        let graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: density, seed: seed))
        try expectIdentical(graph, images: 3, seed: seed)
    }

    /// Without biases most neurons rest, so only the positions events reach are visited (the
    /// dirty-position path; with biases every position is pinned).
    @Test(arguments: [(1.0, UInt64(4)), (0.3, 5), (0.05, 6)] as [(Double, UInt64)])
    func withoutBiases(density: Double, seed: UInt64) throws {
        let options = SyntheticOptions(density: density, seed: seed, bias: false)
        try expectIdentical(SyntheticPresets.smallVGG(options: options), images: 2, seed: seed)
        try expectIdentical(SyntheticPresets.smallResNet(options: options), images: 2, seed: seed)
    }

    @Test(arguments: [ThresholdCompare.greater, .greaterOrEqual])
    func multiplyLeakAndBothComparisons(compare: ThresholdCompare) throws {
        let options = SyntheticOptions(density: 0.3, seed: 7, compare: compare, decay: .multiply12(1024), stateBits: 24)
        try expectIdentical(SyntheticPresets.smallResNet(options: options), images: 2, seed: 7)
        try expectIdentical(SyntheticPresets.smallVGG(options: options), images: 2, seed: 7)
    }

    @Test func narrowStateSaturates() throws {
        // 10-bit state: encoder currents far beyond ±511 saturate; both simulators must agree.
        let options = SyntheticOptions(density: 1, seed: 11, stateBits: 10)
        try expectIdentical(SyntheticPresets.smallVGG(options: options), images: 2, seed: 11)
    }

    @Test func vgg16AtWidthOneSixteenth() throws {
        let options = SyntheticOptions(density: 0.1, seed: 5)
        try expectIdentical(SyntheticPresets.vgg16(width: 0.0625, input: [1, 32, 32], options: options), images: 1, seed: 5)
    }

    /// Soft reset (subtract the threshold) with each leak, integrate-and-fire (no leak) included,
    /// both comparisons, with and without biases.
    @Test(arguments: [IntegerDecay.none, .shift(2), .multiply12(1024)], [ThresholdCompare.greaterOrEqual, .greater])
    func subtractiveReset(decay: IntegerDecay, compare: ThresholdCompare) throws {
        for bias in [true, false] {
            let options = SyntheticOptions(density: 0.3, seed: 8, compare: compare, decay: decay, bias: bias, reset: .subtract)
            try expectIdentical(SyntheticPresets.smallVGG(options: options), images: 2, seed: 8)
            try expectIdentical(SyntheticPresets.smallResNet(options: options), images: 2, seed: 8)
        }
    }

    /// A 10-bit state with integrate-and-fire neurons: membranes saturate and stay high under a
    /// soft reset; both simulators must agree.
    @Test func integrateAndFireSaturates() throws {
        let options = SyntheticOptions(density: 1, seed: 12, decay: .none, stateBits: 10, reset: .subtract)
        try expectIdentical(SyntheticPresets.smallVGG(options: options), images: 2, seed: 12)
    }
}
