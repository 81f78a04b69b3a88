import SNNIR
import Testing

@testable import SNNCompiler

@Suite("Quantisation")
struct QuantizeTests {
    /// fc1 folds (τ = 2) to [1, 3, 5, −3, 254, 0]/128: scale 1/64, so the exact quotients are
    /// 0.5, 1.5, 2.5, −1.5, 127, 0 and round half away from zero.
    let fc1: [Float] = [1.0 / 64, 3.0 / 64, 5.0 / 64, -3.0 / 64, 127.0 / 32, 0]

    func quantized(
        _ g: Graph, _ profile: ChipProfile = IRFixtures.profile(),
        options: QuantizeOptions = QuantizeOptions()
    ) throws -> Graph {
        try quantize(IRFixtures.folded(g), for: profile, options: options)
    }

    @Test func roundsHalfAwayFromZeroAtThePopulationScale() throws {
        let g = try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2, fc1Bias: [0.1, -2]))
        let q = try #require(IRFixtures.weights(g, "fc1")?.quantized)
        #expect(q.stateScale == 1.0 / 64)
        #expect(q.values == [1, 2, 3, -2, 127, 0])
        #expect(q.bias == [3, -64])  // 0.05·64 = 3.2 → 3; −1·64 = −64
        #expect(q.stats.clippedWeights == 0 && q.stats.clippedBias == 0 && q.stats.zeroedWeights == 0)
        #expect(abs(q.stats.maxWeightError - 0.5 / 64) < 1e-12)
        let n = try #require(IRFixtures.neurons(g, "lif1"))
        #expect(n.threshold == 64 && n.compare == .greaterOrEqual && n.reset == .toValue(0))
        #expect(n.decay == .multiply12(2048) && n.decayError == 0)
    }

    @Test func greaterThanTargetsGetTheThresholdMinusOne() throws {
        let g = try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), IRFixtures.profile(compare: .greater))
        let n = try #require(IRFixtures.neurons(g, "lif1"))
        #expect(n.threshold == 63 && n.compare == .greater)
        #expect(n.fires(64) && !n.fires(63))
    }

    @Test func shiftLeakNeedsAPowerOfTwoDecay() throws {
        let half = try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), IRFixtures.profile(leak: .shift))
        #expect(IRFixtures.neurons(half, "lif1")?.decay == .shift(1))
        let paper = try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2, tau: 4.0 / 3), IRFixtures.profile(leak: .shift))
        #expect(IRFixtures.neurons(paper, "lif1")?.decay == .shift(2))
        #expect(throws: CompileError.self) {
            try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2, tau: 3), IRFixtures.profile(leak: .shift))
        }
        #expect {
            try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2, tau: 3), IRFixtures.profile(leak: .shift))
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .leak && e.layer == "lif0" && e.limit == "[numerics] leak = \"shift\""
                && e.hint?.contains("multiply12") == true
        }
    }

    @Test func multiply12ApproximatesOtherDecaysAndReportsTheError() throws {
        let g = try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2, tau: 3))
        let n = try #require(IRFixtures.neurons(g, "lif1"))
        #expect(n.decay == .multiply12(1365))  // round(4096/3)
        #expect(abs(n.decayError - abs(2731.0 / 4096 - 2.0 / 3)) < 1e-12)
        #expect(IntegerDecay.multiply12(3072).apply(-7) == -1)  // toward zero
        #expect(IntegerDecay.shift(2).apply(-7) == -2)  // toward −∞
    }

    @Test func subtractLeakIsAnError() throws {
        #expect {
            try quantized(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), IRFixtures.profile(leak: .subtract))
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .leak && e.layer == "lif0" && e.limit == "[numerics] leak = \"subtract\""
        }
    }

    @Test func percentileScaleClipsAndCountsTheLargestWeights() throws {
        let weights: [Float] = (1...20).map { Float($0) / 10 }
        let g = try quantized(
            IRFixtures.linearNet(fc1: weights, inputs: 5, hidden: 4),
            options: QuantizeOptions(scaleRule: .percentile(50)))
        let q = try #require(IRFixtures.weights(g, "fc1")?.quantized)
        #expect(q.stats.clippedWeights == 9)  // magnitudes above the 50th percentile (rank 10 of 0…19)
        #expect(q.stats.keptWeights == 20)
        #expect(abs(q.stats.clippedFraction - 0.45) < 1e-12)
        #expect(q.values.filter { $0 == 127 }.count == 10)
    }

    @Test func maskedWeightsStayZeroAndAreNotCounted() throws {
        let mask = [true, false, true, true, true, false]
        let masked = fc1.enumerated().map { mask[$0.offset] ? $0.element : 0 }
        let g = try quantized(IRFixtures.linearNet(fc1: masked, inputs: 3, hidden: 2, mask: mask))
        let q = try #require(IRFixtures.weights(g, "fc1")?.quantized)
        #expect(q.values == [1, 0, 3, -2, 127, 0])
        #expect(q.stats.keptWeights == 4)
    }

    @Test func aLayerWhoseWeightsAllRoundToZeroIsAnError() throws {
        #expect {
            try quantized(IRFixtures.linearNet(fc1: [1e-6, -1e-6, 2e-6, 0, 0, 0], inputs: 3, hidden: 2))
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .quantization && e.layer == "fc1" && e.reason.contains("round to 0")
        }
        #expect {
            try quantized(IRFixtures.linearNet(fc1: [0, 0, 0, 0, 0, 0], inputs: 3, hidden: 2))
        } throws: { error in
            (error as? CompileError)?.layer == "fc1"
        }
    }

    @Test func quantizeNeedsTheFoldsFirst() throws {
        #expect(throws: CompileError.self) {
            try quantize(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), for: IRFixtures.profile())
        }
    }

    @Test func inputQuantisationRoundsAndClamps() {
        let q = InputQuantization(scale: 0.5, bits: 8)
        #expect(q.quantize(0.25) == 1 && q.quantize(-0.25) == -1 && q.quantize(0.74) == 1)
        #expect(q.quantize(1000) == 127 && q.quantize(-1000) == -127)
    }
}
