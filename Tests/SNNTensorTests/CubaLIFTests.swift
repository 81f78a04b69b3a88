import Foundation
import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct CubaLIFTests {} }

/// Test-only current-based LIF in Double where the spike count seen by the loss is the smooth
/// staircase `ñ(H) = Σ_{k=1…N} (atan(π/2·α·(H − kθ))/π + 1/2)` (so dñ/dH is exactly the summed
/// surrogate), while the reset uses the hard count (it is detached). Finite differences of
/// `Σ r[t]·ñ(H[t − delay])` must then equal `cubaLIFBackward` fed `dSpikes = r`.
private func smoothCubaLoss(_ x: [Double], steps: Int, _ p: CubaLIFParameters, _ r: [Double])
    -> (loss: Double, closestToALevel: Double)
{
    let m = x.count / steps
    let ds = 1 - 1 / Double(p.tauSyn)
    let dm = 1 - 1 / Double(p.tauMem)
    let vth = Double(p.vThreshold)
    let alpha = Double(p.surrogateAlpha)
    var current = [Double](repeating: 0, count: m)
    var v = [Double](repeating: 0, count: m)
    var loss = 0.0
    var closest = Double.infinity
    for t in 0..<steps {
        for i in 0..<m {
            current[i] = ds * (current[i] + x[t * m + i])
            let h = dm * v[i] + current[i]
            var smooth = 0.0
            for level in 1...p.maxSpikes {
                let distance = h - Double(level) * vth
                closest = min(closest, abs(distance))
                smooth += atan(Double.pi / 2 * alpha * distance) / Double.pi + 0.5
            }
            if t + p.delay < steps { loss += r[(t + p.delay) * m + i] * smooth }
            let n = h >= vth ? min(Double(p.maxSpikes), (h / vth).rounded(.down)) : 0
            v[i] = h - n * vth
        }
    }
    return (loss, closest)
}

extension SNNTensorTests.CubaLIFTests {
    /// One neuron, τs = 2, τm = 4, θ = 1, up to 3 spikes, delay 1, input 3, 0, 0, 2:
    /// the currents, membranes and counts are worked out step by step below.
    @Test func forwardFollowsTheRule() {
        let p = CubaLIFParameters(tauSyn: 2, tauMem: 4, vThreshold: 1, maxSpikes: 3, delay: 1)
        let (s, cache) = cubaLIFForward(input: Tensor(shape: [4, 1], scalars: [3, 0, 0, 8]), timeSteps: 4, parameters: p)
        // t0: I = 1.5, H = 1.5 → n = 1, V = 0.5
        // t1: I = 0.75, H = 0.375 + 0.75 = 1.125 → n = 1, V = 0.125
        // t2: I = 0.375, H = 0.09375 + 0.375 = 0.46875 → n = 0
        // t3: I = 0.5·(0.375 + 8) = 4.1875, H = 0.3515625 + 4.1875 = 4.5390625 → n = 3 (capped)
        #expect(cache.membrane == [1.5, 1.125, 0.46875, 4.5390625])
        #expect(s.scalars == [0, 1, 1, 0], "counts arrive one step later; step 3's three spikes fall off the end")
        let (undelayed, _) = cubaLIFForward(
            input: Tensor(shape: [4, 1], scalars: [3, 0, 0, 8]), timeSteps: 4,
            parameters: CubaLIFParameters(tauSyn: 2, tauMem: 4, vThreshold: 1, maxSpikes: 3, delay: 0))
        #expect(undelayed.scalars == [1, 1, 0, 3])
    }

    @Test(
        "CUBA-LIF backward matches finite differences of the smooth-surrogate reference",
        arguments: [
            CubaLIFParameters(tauSyn: 4, tauMem: 8), CubaLIFParameters(tauSyn: 2, tauMem: 2, vThreshold: 0.5, maxSpikes: 3, delay: 0),
            CubaLIFParameters(tauSyn: 8, tauMem: 4, vThreshold: 0.8, maxSpikes: 1, delay: 1, surrogateAlpha: 3),
        ])
    func backwardMatchesSmoothReference(parameters p: CubaLIFParameters) throws {
        let steps = 6
        let (x, r, dy) = smoothReferenceInputs([steps * 3, 10], seed: 11, low: -1, high: 4)
        let (s, cache) = cubaLIFForward(input: x, timeSteps: steps, parameters: p)
        #expect(s.scalars.contains(0) && s.scalars.contains { $0 >= 1 }, "want a mix of spikes and silence")
        let dx = cubaLIFBackward(dSpikes: dy, cache: cache)

        let x64 = x.scalars.map(Double.init)
        let margin = smoothCubaLoss(x64, steps: steps, p, r).closestToALevel
        try #require(margin > 1e-4, "some H within \(margin) of a spike level: a step could change a count")
        expectMatchesSmoothReference(dx.scalars, at: x64, atol: 5e-5, rtol: 2e-4, "CUBA-LIF dX vs smooth reference") {
            smoothCubaLoss($0, steps: steps, p, r).loss
        }
    }

    @Test func forwardAndBackwardAreDeterministic() {
        let x = randomTensor([8, 3, 4, 4], seed: 13, range: 3)
        let p = CubaLIFParameters(tauSyn: 4, tauMem: 8, vThreshold: 0.5)
        let a = cubaLIFForward(input: x, timeSteps: 4, parameters: p)
        let b = cubaLIFForward(input: x, timeSteps: 4, parameters: p)
        #expect(a.spikes == b.spikes && a.cache == b.cache)
        let dy = randomTensor(x.shape, seed: 14)
        #expect(cubaLIFBackward(dSpikes: dy, cache: a.cache) == cubaLIFBackward(dSpikes: dy, cache: b.cache))
    }
}
