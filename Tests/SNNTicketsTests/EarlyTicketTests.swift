import Foundation
import SNNData
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Early-bird windows and early-time probes on constructed inputs.
@Suite("Early-bird and early-time")
struct EarlyTicketTests {
    let layout = PrunableLayout(names: ["a.weight", "b.weight"], shapes: [[40], [60]])

    /// A mask of `layout` that prunes exactly `positions`.
    func mask(pruning positions: [Int]) -> WeightMask {
        var mask = WeightMask.dense(layout)
        for p in positions { mask.bits[p] = 0 }
        return mask
    }

    @Test func windowFiresExactlyWhenEveryDistanceDropsBelowTau() {
        var window = EarlyBirdWindow(size: 3, tau: 0.05)
        let m0 = mask(pruning: Array(0..<20))
        let m1 = mask(pruning: Array(10..<30))  // 20 differences from m0
        let m2 = mask(pruning: Array(11..<30) + [5])  // 2 from m1, 20 from m0
        let m3 = mask(pruning: Array(11..<30) + [6])  // 2 from m2, 2 from m1
        #expect(window.push(m0) == false)
        #expect(window.push(m1) == false)  // window not full yet
        #expect(window.push(m2) == false)  // full, but d(m2, m0) = 0.20
        #expect(window.distances == [0.20, 0.02])
        #expect(window.push(m3) == true)  // [m1, m2, m3]: 0.02, 0.02 < 0.05
        #expect(window.distances == [0.02, 0.02])
        #expect(window.masks == [m1, m2, m3])
    }

    @Test func windowUsesAStrictTestAndTheExtraDenominator() {
        // Exactly τ does not fire.
        var strict = EarlyBirdWindow(size: 2, tau: 0.02)
        strict.push(mask(pruning: [0, 1]))
        #expect(strict.push(mask(pruning: [0, 2])) == false)  // 2 of 100 = 0.02, not < 0.02
        // Counting 100 always-kept BN entries halves every distance.
        var pooled = EarlyBirdWindow(size: 2, tau: 0.02, extraPositions: 100)
        pooled.push(mask(pruning: [0, 1]))
        #expect(pooled.push(mask(pruning: [0, 2])) == true)  // 2 of 200 = 0.01
        #expect(pooled.distances == [0.01])
    }

    @Test func firstFiringCheckOfASequence() {
        // Masks 0…7 each move one pruned position (2 differences from the mask before); masks
        // 8…11 repeat mask 7. With a window of 4 the largest distance at check s ≥ 3 is
        // d(s, s−3): 0.06 up to s = 7, then 0.04 (s = 8), 0.02 (s = 9), 0 (s ≥ 10).
        var masks: [WeightMask] = []
        var pruned = Array(0..<30)
        for step in 0..<12 {
            if step < 8 { pruned[step] = 50 + step }
            masks.append(mask(pruning: pruned))
        }
        func firstFiring(tau: Double) -> Int? {
            var window = EarlyBirdWindow(size: 4, tau: tau)
            return masks.indices.first { window.push(masks[$0]) }
        }
        #expect(firstFiring(tau: 0.05) == 8)
        #expect(firstFiring(tau: 0.04) == 9)  // 0.04 is not below 0.04
        #expect(firstFiring(tau: 0.03) == 9)
        #expect(firstFiring(tau: 0.02) == 10)
        #expect(firstFiring(tau: 0.07) == 3)  // the first full window
    }

    @Test func klDivergenceDirections() {
        // P_T = (0.5, 0.5), P_t = (0.9, 0.1).
        let reference = [[0.0, 0.0]]
        let candidate = [[log(0.9), log(0.1)]]
        let code = EarlyTime.divergence(reference: reference, candidate: candidate, direction: .code)
        let paper = EarlyTime.divergence(reference: reference, candidate: candidate, direction: .paper)
        #expect(abs(code - (0.5 * log(0.5 / 0.9) + 0.5 * log(0.5 / 0.1))) < 1e-12)
        #expect(abs(paper - (0.9 * log(0.9 / 0.5) + 0.1 * log(0.1 / 0.5))) < 1e-12)
        #expect(EarlyTime.divergence(reference: reference, candidate: reference, direction: .code) == 0)
    }

    @Test func probePicksTheExpectedTimeStepOnConstructedCurves() {
        // Two classes, one image, T = 5. Prefix means z_t = (a_t, 0) with a = 2, 0.8, 0.3, 0 for
        // t = 2, 3, 4, 5; per-step logits are back-solved from the prefix means.
        let prefix: [Double] = [4, 2, 0.8, 0.3, 0]  // z_1 … z_5 (first class)
        var scalars: [Float] = []
        for t in 1...5 {
            let step = Double(t) * prefix[t - 1] - Double(t - 1) * (t > 1 ? prefix[t - 2] : 0)
            scalars += [Float(step), 0]
        }
        let logits = Tensor(shape: [5, 2], scalars: scalars)
        let reference = EarlyTime.prefixMeanLogits(logits, steps: 5, batch: 1)
        #expect(abs(reference[0][0]) < 1e-6)
        let kl = [2, 3, 4].map {
            EarlyTime.divergence(reference: reference, candidate: EarlyTime.prefixMeanLogits(logits, steps: $0, batch: 1), direction: .code)
        }
        #expect(kl[0] > kl[1] && kl[1] > kl[2])
        let chosen = EarlyTime.choose(candidates: [2, 3, 4], divergences: kl, lambda: 0.6, normalization: .maximum, fallback: 5)
        #expect(chosen.chosen == 3)  // n_3 ≈ 0.18
        #expect(chosen.normalized[0] == 1)
        #expect(EarlyTime.choose(candidates: [2, 3, 4], divergences: kl, lambda: 0.1, normalization: .maximum, fallback: 5).chosen == 4)
        #expect(EarlyTime.choose(candidates: [2, 3, 4], divergences: kl, lambda: 0.01, normalization: .maximum, fallback: 5).chosen == 5)
    }

    @Test func normalisationByMaximumOrByTheFirstCandidate() {
        // A non-monotone curve: the code (÷ max) and the paper (÷ D(P_2‖P_T)) disagree.
        let kl = [0.5, 1.0, 0.55]
        let code = EarlyTime.choose(candidates: [2, 3, 4], divergences: kl, lambda: 0.6, normalization: .maximum, fallback: 5)
        let paper = EarlyTime.choose(candidates: [2, 3, 4], divergences: kl, lambda: 0.6, normalization: .first, fallback: 5)
        #expect(code.normalized == [0.5, 1.0, 0.55] && code.chosen == 2)
        #expect(paper.normalized == [1.0, 2.0, 1.1] && paper.chosen == 5)
        // Monotone curves: both pick the same.
        let monotone = [1.0, 0.5, 0.2]
        #expect(
            EarlyTime.choose(candidates: [2, 3, 4], divergences: monotone, lambda: 0.6, normalization: .maximum, fallback: 5).chosen == 3)
        #expect(
            EarlyTime.choose(candidates: [2, 3, 4], divergences: monotone, lambda: 0.6, normalization: .first, fallback: 5).chosen == 3)
    }

    @Test func probeOnANetworkReportsEveryPass() throws {
        let training = Fixture.training()
        let data = try Fixture.data(training)
        let spec = Fixture.spec(timeSteps: 5)
        var parameters = try Fixture.parameters(timeSteps: 5)
        let batch = BatchIterator(data: data.train, batchSize: 30, epoch: 0, seed: 1, normalization: data.normalization).batch(at: 0)
        var config = EarlyTimeConfig()
        config.probeInTrainingMode = false
        let before = parameters
        let (probe, passes) = try EarlyTime.probe(parameters: &parameters, spec: spec, batch: batch, config: config, afterEpochs: 2)
        #expect(passes == [5, 2, 3, 4])
        #expect(parameters == before)  // eval mode leaves running statistics alone
        #expect(probe.divergences.count == 3 && probe.divergences.allSatisfy { $0 >= 0 })
        #expect(probe.images == 30 && probe.afterEpochs == 2)
        config.probeInTrainingMode = true
        _ = try EarlyTime.probe(parameters: &parameters, spec: spec, batch: batch, config: config, afterEpochs: 2)
        #expect(parameters.buffers != before.buffers)  // the code's train-mode probe updates them
        #expect(parameters.parameters == before.parameters)
    }
}
