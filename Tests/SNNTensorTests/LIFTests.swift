import Foundation
import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct LIFTests {} }

/// A batch norm's input of `shape` (values spread over [−2.5, 3.8], so that LIF both fires and
/// stays silent after normalising) and its γ, β per channel.
private func batchNormLIFInput(_ shape: [Int]) -> (x: Tensor, gamma: Tensor, beta: Tensor) {
    let c = shape[1]
    return (
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 613) / 97 - 2.5 }),
        Tensor(shape: [c], scalars: (0..<c).map { 0.5 + Float($0) / 4 }),
        Tensor(shape: [c], scalars: (0..<c).map { Float($0) / 3 - 0.2 })
    )
}

/// Test-only LIF in Double where the spike seen by the loss is the ATan surrogate's smooth
/// primitive `S̃(H) = atan(π/2·α·(H − vth))/π + 1/2` (so dS̃/dH is exactly the surrogate), while
/// the reset still uses the hard spike. A hard step has zero derivative wherever it does not
/// flip, which is exactly the detached reset; so finite differences of `Σ r·S̃` must equal
/// `lifBackward` fed `dSpikes = r`.
private func smoothLIFLoss(_ x: [Double], steps: Int, _ p: LIFParameters, _ r: [Double])
    -> (loss: Double, closestToThreshold: Double)
{
    let m = x.count / steps
    let tau = Double(p.tau)
    let vth = Double(p.vThreshold)
    let alpha = Double(p.surrogateAlpha)
    var v = [Double](repeating: 0, count: m)
    var loss = 0.0
    var closest = Double.infinity
    for t in 0..<steps {
        for i in 0..<m {
            let h = v[i] + (x[t * m + i] - v[i]) / tau
            closest = min(closest, abs(h - vth))
            loss += r[t * m + i] * (atan(Double.pi / 2 * alpha * (h - vth)) / Double.pi + 0.5)
            v[i] = h >= vth ? 0 : h
        }
    }
    return (loss, closest)
}

extension SNNTensorTests.LIFTests {
    @Test func constantInputChargesTowardsInputWithoutFiring() {
        // tau = 4/3: H = 0.75, 0.9375, 0.984375, 0.99609375 (each step closes 3/4 of the gap).
        let x = Tensor(repeating: 1, shape: [4, 1])
        let (s, cache) = lifForward(input: x, timeSteps: 4)
        #expect(cache.parameters.tau == Float(4.0 / 3.0))
        expectClose(cache.membrane, [0.75, 0.9375, 0.984375, 0.99609375], atol: 1e-6, rtol: 1e-6, "H")
        #expect(s.scalars == [0, 0, 0, 0])
    }

    @Test func strongInputFiresEveryStepAndResets() {
        // tau = 4/3, X = 2: H = 1.5 each step (V resets to 0), so it fires every step.
        let (s, cache) = lifForward(input: Tensor(repeating: 2, shape: [3, 2]), timeSteps: 3)
        #expect(s.scalars == [Float](repeating: 1, count: 6))
        expectClose(cache.membrane, [Float](repeating: 1.5, count: 6), atol: 1e-6, rtol: 1e-6, "H")
        // tau = 2, X = 2: H = 1 exactly, and the threshold is inclusive.
        let (s2, _) = lifForward(
            input: Tensor(repeating: 2, shape: [3, 1]), timeSteps: 3,
            parameters: LIFParameters(tau: 2))
        #expect(s2.scalars == [1, 1, 1])
    }

    @Test func backwardEqualsHandUnrolledRecurrenceForThreeSteps() {
        // tau = 2, vth = 1, T = 3, M = 3 (one column per neuron), time-major [3, 3].
        //  neuron a: X = 1.5, 0.4, 1.8 → H = 0.75, 0.575, 1.1875   S = 0, 0, 1
        //  neuron b: X = 2.4, 1.0, 0.2 → H = 1.2, 0.5, 0.35        S = 1, 0, 0
        //  neuron c: X = 2.0, 2.0, 2.0 → H = 1, 1, 1               S = 1, 1, 1
        let p = LIFParameters(tau: 2)
        let x = Tensor(shape: [3, 3], scalars: [1.5, 2.4, 2.0, 0.4, 1.0, 2.0, 1.8, 0.2, 2.0])
        let (s, cache) = lifForward(input: x, timeSteps: 3, parameters: p)
        expectClose(cache.membrane, [0.75, 1.2, 1, 0.575, 0.5, 1, 1.1875, 0.35, 1], atol: 1e-6, rtol: 0, "H")
        #expect(s.scalars == [0, 1, 1, 0, 0, 1, 1, 0, 1])

        let dS: [Float] = [0.3, -0.7, 0.2, 1.1, 0.5, -0.4, -0.9, 0.8, 0.6]
        let dx = lifBackward(dSpikes: Tensor(shape: [3, 3], scalars: dS), cache: cache)

        func sg(_ h: Float) -> Float { 1 / (1 + (Float.pi * (h - 1)) * (Float.pi * (h - 1))) }
        let keep: Float = 1 - 1 / 2  // ∂H[t]/∂V[t−1]
        // neuron a: no reset before t = 2, so the gradient flows back through V.
        let aH2 = dS[6] * sg(1.1875)
        let aH1 = dS[3] * sg(0.575) + (1 - 0) * aH2 * keep
        let aH0 = dS[0] * sg(0.75) + (1 - 0) * aH1 * keep
        // neuron b: fired at t = 0, so nothing flows from V[0] into H[0].
        let bH2 = dS[7] * sg(0.35)
        let bH1 = dS[4] * sg(0.5) + (1 - 0) * bH2 * keep
        let bH0 = dS[1] * sg(1.2) + (1 - 1) * bH1 * keep
        // neuron c: fires every step; H = vth exactly, where the surrogate peaks at 1.
        let cH2 = dS[8] * 1
        let cH1 = dS[5] * 1 + (1 - 1) * cH2 * keep
        let cH0 = dS[2] * 1 + (1 - 1) * cH1 * keep
        let expected = [aH0, bH0, cH0, aH1, bH1, cH1, aH2, bH2, cH2].map { $0 / 2 }  // dX = dH / τ
        expectClose(dx.scalars, expected, atol: 1e-6, rtol: 1e-5, "dX")
    }

    @Test(
        "LIF backward matches finite differences of the smooth-surrogate reference",
        arguments: [LIFParameters(), LIFParameters(tau: 2), LIFParameters(tau: 1.6, vThreshold: 0.8, surrogateAlpha: 3)])
    func backwardMatchesSmoothReference(parameters p: LIFParameters) throws {
        let steps = 6
        let (x, r, dy) = smoothReferenceInputs([steps * 4, 10], seed: 7, low: -0.5, high: 2.5)
        let (s, cache) = lifForward(input: x, timeSteps: steps, parameters: p)
        #expect(s.scalars.contains(1) && s.scalars.contains(0), "want a mix of spikes and silence")
        let dx = lifBackward(dSpikes: dy, cache: cache)

        // The reference on the Float-rounded inputs, so both see the same X.
        let x64 = x.scalars.map(Double.init)
        let margin = smoothLIFLoss(x64, steps: steps, p, r).closestToThreshold
        try #require(margin > 1e-3, "some H within \(margin) of threshold: a step could flip a spike")
        // Double reference with h = 1e-6: truncation ~1e-12, rounding ~1e-10; the remaining
        // difference is the Float arithmetic of the kernel (~1e-6 relative).
        expectMatchesSmoothReference(dx.scalars, at: x64, atol: 2e-5, rtol: 1e-4, "LIF dX vs smooth reference") {
            smoothLIFLoss($0, steps: steps, p, r).loss
        }
    }

    @Test func forwardAndBackwardAreDeterministic() {
        let x = randomTensor([8, 3, 4, 4], seed: 9, range: 2)
        let a = lifForward(input: x, timeSteps: 4)
        let b = lifForward(input: x, timeSteps: 4)
        #expect(a.spikes == b.spikes && a.cache == b.cache)
        let dy = randomTensor(x.shape, seed: 10)
        #expect(lifBackward(dSpikes: dy, cache: a.cache) == lifBackward(dSpikes: dy, cache: b.cache))
    }

    @Test(
        "LIF forward and backward equal a per-neuron Float loop bit for bit across blocks",
        arguments: [SpikeReset.toZero, .subtractThreshold])
    func blockedKernelsEqualPerNeuronLoop(reset: SpikeReset) {
        // M = 2·3·37·31 = 6,882 neurons per step: six full blocks of `lifBlock`, a partial one,
        // and a tail that is not a multiple of 16.
        let steps = 5
        let p = LIFParameters(tau: 4.0 / 3.0, vThreshold: 1, surrogateAlpha: 2, reset: reset)
        let x = randomTensor([steps * 2, 3, 37, 31], seed: 11, range: 2.5)
        let dy = randomTensor(x.shape, seed: 12)
        let m = x.count / steps
        #expect(m > 6 * lifBlock && m % 16 != 0)
        // With the machine's BLAS threads (parts > 1 on a multi-core machine, each starting
        // mid-block): the thread count is process-global, and other suites run in parallel with
        // this one, so the test does not change it.
        let (s1, cache1) = lifForward(input: x, timeSteps: steps, parameters: p)
        let results = [(s1, cache1, lifBackward(dSpikes: dy, cache: cache1))]
        let subtract = reset == .subtractThreshold
        let (k, peak) = (Float.pi / 2 * p.surrogateAlpha, p.surrogateAlpha / 2)
        var h = [Float](repeating: 0, count: x.count)
        var spikes = h
        var dxs = h
        for i in 0..<m {
            var v: Float = 0
            for t in 0..<steps {
                let hv = v + (x.scalars[t * m + i] - v) / p.tau
                h[t * m + i] = hv
                spikes[t * m + i] = hv >= p.vThreshold ? 1 : 0
                v = hv >= p.vThreshold ? (subtract ? hv - p.vThreshold : 0) : hv
            }
            var g: Float = 0
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let hv = h[t * m + i]
                let u = k * (hv - p.vThreshold)
                let fromReset = hv >= p.vThreshold && !subtract ? 0 : g
                let dh = dy.scalars[t * m + i] * (peak / (1 + u * u)) + fromReset
                dxs[t * m + i] = dh / p.tau
                g = dh - dh / p.tau
            }
        }
        for (s, cache, dx) in results {
            #expect(cache.membrane == h)
            #expect(s.scalars == spikes)
            #expect(cache.spikeCount == spikes.filter { $0 != 0 }.count)
            #expect(dx.scalars == dxs)
        }
        #expect(spikes.contains(1) && spikes.contains(0))
    }

    @Test(
        "LIF normalising as it reads equals batch norm then LIF, bit for bit",
        // [N, C] rows of one value; the last shape is large enough for several parts on a
        // multi-core machine, with 15 rows per step so that parts start mid-row.
        arguments: [[2 * 3, 5], [2 * 3, 5, 2, 2], [2 * 3, 3, 7, 7], [2 * 3, 4, 4, 4], [3 * 3, 5, 32, 33]])
    func lifNormalisingAsItReadsEqualsTheTwoPasses(shape: [Int]) {
        let steps = 3
        let c = shape[1]
        let (x, gamma, beta) = batchNormLIFInput(shape)
        for groups in [1, steps] {
            for reset in [SpikeReset.toZero, .subtractThreshold] {
                let p = LIFParameters(tau: 4.0 / 3.0, vThreshold: 1, reset: reset)
                var (meanA, varA) = (Tensor.zeros([c]), Tensor(repeating: 1, shape: [c]))
                var (meanB, varB) = (meanA, varA)
                let (y, cacheA) = batchNormForwardTraining(
                    input: x, gamma: gamma, beta: beta, runningMean: &meanA, runningVar: &varA, groups: groups)
                let two = lifForward(input: y, timeSteps: steps, parameters: p)
                let (map, cacheB) = batchNormStatisticsTraining(
                    input: x, gamma: gamma, beta: beta, runningMean: &meanB, runningVar: &varB, groups: groups)
                let one = lifForward(input: x, timeSteps: steps, parameters: p, normalizedBy: map)
                #expect(one.spikes == two.spikes && one.cache == two.cache, "groups \(groups) \(reset)")
                // Counted as written, vector lanes and scalar tails alike (rows of 1 to 1,056 values).
                #expect(one.cache.spikeCount == nonzeroCount(one.spikes))
                #expect(cacheA == cacheB && meanA == meanB && varA == varB)
                #expect(two.spikes.scalars.contains(1) && two.spikes.scalars.contains(0))
            }
        }
    }
}

extension SNNTensorTests.LIFTests {
    @Test(
        "LIF backward taking batch norm's row sums equals LIF then batch norm backward, bit for bit",
        // Rows of 1, 4, 16, 49 (not dividing the block of 1,024, so rows straddle blocks) and
        // 1,056 values (more than a block); [9, 80, 7, 7] runs 11 blocks per part and, like
        // [9, 5, 32, 33], is large enough (≥ 32,768 values) for several parts on a multi-core machine.
        arguments: [[2 * 3, 5], [2 * 3, 5, 2, 2], [3 * 3, 3, 7, 7], [3 * 3, 80, 7, 7], [2 * 3, 4, 4, 4], [3 * 3, 5, 32, 33]])
    func rowSumsTakenInLIFBackwardEqualTheBatchNormPass(shape: [Int]) {
        let steps = 3
        let c = shape[1]
        let (x, gamma, beta) = batchNormLIFInput(shape)
        let dSpikes = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 104_729) % 211) / 53 - 2 })
        for groups in [1, steps] {
            for reset in [SpikeReset.toZero, .subtractThreshold] {
                let p = LIFParameters(tau: 4.0 / 3.0, vThreshold: 1, reset: reset)
                var (mean, variance) = (Tensor.zeros([c]), Tensor(repeating: 1, shape: [c]))
                let (map, bn) = batchNormStatisticsTraining(
                    input: x, gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, groups: groups)
                let (_, cache) = lifForward(input: x, timeSteps: steps, parameters: p, normalizedBy: map)
                let plain = lifBackward(dSpikes: dSpikes, cache: cache)
                let fused = lifBackward(dSpikes: dSpikes, cache: cache, batchNormInput: x, batchNormCache: bn)
                #expect(fused.dInput == plain, "groups \(groups) \(reset)")
                #expect(fused.rowSums.dy.count == shape[0] * c)
                var (dGammaA, dBetaA) = (Tensor.zeros([c]), Tensor.zeros([c]))
                var (dGammaB, dBetaB) = (dGammaA, dBetaA)
                let dxA = batchNormBackward(
                    dOutput: plain, input: x, gamma: gamma, cache: bn, dGamma: &dGammaA, dBeta: &dBetaA)
                let dxB = batchNormBackward(
                    dOutput: fused.dInput, input: x, gamma: gamma, cache: bn, rowSums: fused.rowSums,
                    dGamma: &dGammaB, dBeta: &dBetaB)
                #expect(dxA == dxB && dGammaA == dGammaB && dBetaA == dBetaB, "groups \(groups) \(reset)")
                #expect(dBetaA.scalars.contains { $0 != 0 } && dGammaA.scalars.contains { $0 != 0 })
            }
        }
    }
}
