import Foundation
import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite("Soft reset and integrate-and-fire neurons") struct SoftResetTests {} }

/// One neuron model for the finite-difference reference: LIF (`tau` set) or IF, hard or soft reset.
private struct ReferenceNeuron {
    var tau: Double?
    var threshold: Double
    var alpha: Double
    var reset: SpikeReset
}

/// Test-only neurons in Double: the loss sees the ATan surrogate's smooth primitive
/// `atan(π/2·α·(H − vth))/π + 1/2` while the reset uses the hard spike, so finite differences of
/// `Σ r·S̃` equal the kernels' backward with a detached reset (see LIFTests).
private func smoothLoss(_ x: [Double], steps: Int, _ n: ReferenceNeuron, _ r: [Double]) -> (loss: Double, closest: Double) {
    let m = x.count / steps
    var v = [Double](repeating: 0, count: m)
    var loss = 0.0
    var closest = Double.infinity
    for t in 0..<steps {
        for i in 0..<m {
            let input = x[t * m + i]
            let h = n.tau.map { v[i] + (input - v[i]) / $0 } ?? v[i] + input
            closest = min(closest, abs(h - n.threshold))
            loss += r[t * m + i] * (atan(Double.pi / 2 * n.alpha * (h - n.threshold)) / Double.pi + 0.5)
            if h >= n.threshold {
                v[i] = n.reset == .subtractThreshold ? h - n.threshold : 0
            } else {
                v[i] = h
            }
        }
    }
    return (loss, closest)
}

extension SNNTensorTests.SoftResetTests {
    @Test func softResetCarriesTheChargeAboveThreshold() {
        // IF, θ = 1, X = 0.6: H = 0.6, 1.2 (fire, V = 0.2), 0.8, 1.4 (fire, V = 0.4), 1.0 (fire, V = 0).
        let x = Tensor(repeating: 0.6, shape: [5, 1])
        let (s, cache) = ifForward(input: x, timeSteps: 5, threshold: 1, reset: .subtractThreshold)
        #expect(s.scalars == [0, 1, 0, 1, 1])
        expectClose(cache.membrane, [0.6, 1.2, 0.8, 1.4, 1.0], atol: 1e-6, rtol: 0, "H")
        // The hard reset loses the 0.2 and fires once every two steps.
        let (hard, _) = ifForward(input: x, timeSteps: 5, threshold: 1)
        #expect(hard.scalars == [0, 1, 0, 1, 0])
        // LIF τ = 2, θ = 1, X = 3: H = 1.5 (V = 0.5), 1.75 (V = 0.75), 1.875 …: fires every step.
        let (ls, lcache) = lifForward(
            input: Tensor(repeating: 3, shape: [3, 1]), timeSteps: 3,
            parameters: LIFParameters(tau: 2, reset: .subtractThreshold))
        #expect(ls.scalars == [1, 1, 1])
        expectClose(lcache.membrane, [1.5, 1.75, 1.875], atol: 1e-6, rtol: 0, "LIF H")
    }

    @Test func vectorAndScalarTailsOfTheLIFKernelAgree() {
        // 37 neurons: two 16-wide vectors and a scalar tail of 5, each neuron a different input.
        let x = randomTensor([4 * 37], seed: 21, range: 3)
        let (s, cache) = lifForward(input: x, timeSteps: 4, parameters: LIFParameters(tau: 2, reset: .subtractThreshold))
        var v = [Float](repeating: 0, count: 37)
        for t in 0..<4 {
            for i in 0..<37 {
                let h = v[i] + (x.scalars[t * 37 + i] - v[i]) / 2
                #expect(cache.membrane[t * 37 + i] == h)
                #expect(s.scalars[t * 37 + i] == (h >= 1 ? 1 : 0))
                v[i] = h >= 1 ? h - 1 : h
            }
        }
    }

    @Test(
        "backward matches finite differences of the smooth reference",
        arguments: [
            ReferenceNeuron(tau: 4.0 / 3.0, threshold: 1, alpha: 2, reset: .subtractThreshold),
            ReferenceNeuron(tau: 2, threshold: 0.8, alpha: 3, reset: .subtractThreshold),
            ReferenceNeuron(tau: nil, threshold: 1, alpha: 2, reset: .subtractThreshold),
            ReferenceNeuron(tau: nil, threshold: 1, alpha: 2, reset: .toZero),
        ])
    fileprivate func backwardMatchesSmoothReference(neuron n: ReferenceNeuron) throws {
        let steps = 6
        let (x, r, dy) = smoothReferenceInputs([steps, 40], seed: 31, low: -0.6, high: 1.4)
        let spikes: Tensor
        let dx: Tensor
        if let tau = n.tau {
            let p = LIFParameters(tau: Float(tau), vThreshold: Float(n.threshold), surrogateAlpha: Float(n.alpha), reset: n.reset)
            let (s, cache) = lifForward(input: x, timeSteps: steps, parameters: p)
            (spikes, dx) = (s, lifBackward(dSpikes: dy, cache: cache))
        } else {
            let (s, cache) = ifForward(
                input: x, timeSteps: steps, threshold: Float(n.threshold), surrogateAlpha: Float(n.alpha), reset: n.reset)
            (spikes, dx) = (s, ifBackward(dSpikes: dy, cache: cache))
        }
        #expect(spikes.scalars.contains(1) && spikes.scalars.contains(0), "want a mix of spikes and silence")
        let x64 = x.scalars.map(Double.init)
        try #require(
            smoothLoss(x64, steps: steps, n, r).closest > 1e-4, "an H within 1e-4 of the threshold: a 1e-6 step could flip a spike")
        expectMatchesSmoothReference(dx.scalars, at: x64, atol: 2e-5, rtol: 1e-4, "dX vs smooth reference") {
            smoothLoss($0, steps: steps, n, r).loss
        }
    }
}
