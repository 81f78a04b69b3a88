import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct InitTests {} }

extension SNNTensorTests.InitTests {
    @Test func kaimingUniformBoundsAndSpread() {
        var rng = SeededRNG(seed: 1)
        let w = kaimingUniformWeight(shape: [64, 3, 3, 3], rng: &rng)  // fan_in = 27
        #expect(fanIn(ofWeightShape: [64, 3, 3, 3]) == 27)
        #expect(fanIn(ofWeightShape: [10, 512]) == 512)
        let bound = 1 / Float(27).squareRoot()
        #expect(w.shape == [64, 3, 3, 3])
        #expect(w.scalars.allSatisfy { $0 >= -bound && $0 < bound })
        // 1728 uniform draws: the extremes come close to the bound and the mean is near 0.
        #expect(w.scalars.max()! > 0.98 * bound && w.scalars.min()! < -0.98 * bound)
        let mean = w.scalars.reduce(0, +) / Float(w.count)
        #expect(abs(mean) < 0.05 * bound)
        let b = defaultBias(count: 64, fanIn: 27, rng: &rng)
        #expect(b.shape == [64])
        #expect(b.scalars.allSatisfy { $0 >= -bound && $0 < bound })
        let lin = kaimingUniformWeight(shape: [10, 400], rng: &rng)
        #expect(lin.scalars.allSatisfy { abs($0) <= 0.05 })
    }

    @Test func drawsAreRowMajorAndDeterministic() {
        var a = SeededRNG(seed: 42)
        var b = SeededRNG(seed: 42)
        var c = SeededRNG(seed: 43)
        let wa = kaimingUniformWeight(shape: [4, 2, 3, 3], rng: &a)
        let wb = kaimingUniformWeight(shape: [4, 2, 3, 3], rng: &b)
        #expect(wa == wb)
        #expect(a == b)
        #expect(wa != kaimingUniformWeight(shape: [4, 2, 3, 3], rng: &c))
        // Element k is the k-th draw.
        var manual = SeededRNG(seed: 42)
        let bound = 1 / Float(18).squareRoot()
        let firstThree = (0..<3).map { _ in manual.nextFloat(in: -bound, bound) }
        #expect(Array(wa.scalars.prefix(3)) == firstThree)
    }
}
