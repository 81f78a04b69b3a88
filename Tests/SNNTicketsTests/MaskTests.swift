import Foundation
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Magnitude pruning: exact kept counts per round, ties, scopes, sparsity labels.
@Suite("Masks and criteria")
struct MaskTests {
    /// The tiny model with weights drawn from only 8 magnitudes, so ties are everywhere.
    func tiedParameters() throws -> ParameterSet {
        var parameters = try Fixture.parameters()
        var rng = SeededRNG(seed: 11)
        for i in parameters.parameters.indices where parameters.parameters[i].isPrunable {
            for j in parameters.parameters[i].value.scalars.indices {
                let magnitude = Float(rng.nextInt(below: 8)) * 0.125
                parameters.parameters[i].value.scalars[j] = rng.nextInt(below: 2) == 0 ? magnitude : -magnitude
            }
        }
        return parameters
    }

    @Test func lowestOrdersTiesByPosition() {
        let scores: [Float] = [3, 1, 2, 1, 0, 1]
        #expect(Pruning.lowest(scores, among: Array(0..<6), count: 2, ties: .exact) == [4, 1])
        #expect(Pruning.lowest(scores, among: Array(0..<6), count: 3, ties: .exact) == [4, 1, 3])
        // The code's rule: threshold = 3rd smallest = 1, prune scores < 1: only position 4.
        #expect(Pruning.lowest(scores, among: Array(0..<6), count: 2, ties: .keepTies) == [4])
        // No tie at the threshold: both rules prune the same.
        #expect(Pruning.lowest(scores, among: Array(0..<6), count: 5, ties: .keepTies) == [4, 1, 3, 5, 2])
        #expect(Pruning.lowest(scores, among: [0, 2, 5], count: 1, ties: .exact) == [5])
        #expect(Pruning.lowest(scores, among: Array(0..<6), count: 0, ties: .exact).isEmpty)
        // -0 and +0 are the same magnitude.
        #expect(Pruning.lowest([0, -0.0, 0].map { abs($0) }, among: [0, 1, 2], count: 2, ties: .exact) == [0, 1])
    }

    @Test func globalRoundsKeepExactlyTheExpectedCountWithTies() throws {
        var parameters = try tiedParameters()
        let layout = PrunableLayout(parameters)
        var mask = WeightMask.dense(layout)
        let magnitudes = Pruning.magnitudes(parameters)
        for round in 1...6 {
            let previous = mask
            mask = Pruning.magnitudeRound(parameters, current: mask, rate: 0.25, scope: .global, ties: .exact)
            #expect(mask.keptCount == Pruning.keptAfterRounds(layout.total, rounds: round, rate: 0.25))
            #expect(previous.keptCount - mask.keptCount == previous.keptCount / 4)
            // Pruned weights stay pruned; the newly pruned are the smallest survivors, and among
            // equal magnitudes at the threshold the earlier positions go first.
            let newlyPruned = layout.total.indicesWhere { previous.bits[$0] == 1 && mask.bits[$0] == 0 }
            let kept = layout.total.indicesWhere { mask.bits[$0] == 1 }
            #expect(layout.total.indicesWhere { previous.bits[$0] == 0 && mask.bits[$0] == 1 }.isEmpty)
            let threshold = newlyPruned.map { magnitudes[$0] }.max()!
            #expect(kept.allSatisfy { magnitudes[$0] >= threshold })
            let lastTiedPruned = newlyPruned.filter { magnitudes[$0] == threshold }.max()!
            #expect(kept.filter { magnitudes[$0] == threshold }.allSatisfy { $0 > lastTiedPruned })
            mask.apply(to: &parameters)
            #expect(parameters.keptCount == mask.keptCount)
        }
    }

    @Test func keepTiesFollowsTheCodesStrictThreshold() throws {
        let parameters = try tiedParameters()
        let layout = PrunableLayout(parameters)
        let magnitudes = Pruning.magnitudes(parameters)
        let mask = Pruning.magnitudeRound(parameters, current: .dense(layout), rate: 0.25, scope: .global, ties: .keepTies)
        let threshold = magnitudes.sorted()[layout.total / 4]
        for i in 0..<layout.total { #expect((mask.bits[i] == 0) == (magnitudes[i] < threshold)) }
        // With 8 magnitudes the threshold is tied, so the code prunes fewer than ⌊N/4⌋.
        #expect(layout.total - mask.keptCount < layout.total / 4)
    }

    @Test func layerwiseRoundsKeepTheExpectedCountInEveryLayer() throws {
        let parameters = try tiedParameters()
        let layout = PrunableLayout(parameters)
        var mask = WeightMask.dense(layout)
        for round in 1...4 {
            mask = Pruning.magnitudeRound(parameters, current: mask, rate: 0.25, scope: .layerwise, ties: .exact)
            for (l, density) in mask.layerDensities.enumerated() {
                #expect(density.kept == Pruning.keptAfterRounds(layout.count(of: l), rounds: round, rate: 0.25), "\(density.name)")
            }
            #expect(mask.keptCount == Pruning.keptCount(.rounds(round), layout: layout, scope: .layerwise, rate: 0.25))
        }
    }

    /// reference-code-notes §4: rounds 4 / 8 / 11 / 14 of VGG16 (F-MNIST: 14,714,432 prunable
    /// weights, 12,682 other parameters) are the paper's 68.30 / 89.91 / 95.69 / 98.13%.
    @Test func paperSparsityLabelsOfVGG16() {
        let prunable = 14_714_432
        let other = 12_682
        let expected = [4: 68.30, 8: 89.91, 11: 95.69, 14: 98.13]
        for (round, label) in expected {
            let kept = Pruning.keptAfterRounds(prunable, rounds: round, rate: 0.25)
            let report = SparsityReport(prunable: prunable, kept: kept, parameters: prunable + other)
            #expect((report.paperPercent * 100).rounded() / 100 == label, "round \(round): \(report.paperPercent)")
            #expect(abs(report.weightPercent - 100 * (1 - pow(0.75, Double(round)))) < 1e-3)
        }
        #expect(Pruning.keptAfterRounds(prunable, rounds: 4, rate: 0.25) == 4_655_739)
    }

    @Test func sparsityReportOfAMaskedModel() throws {
        var parameters = try Fixture.parameters()
        let layout = PrunableLayout(parameters)
        Pruning.magnitudeRound(parameters, current: .dense(layout), rate: 0.25, scope: .global, ties: .exact).apply(to: &parameters)
        let report = SparsityReport(parameters)
        #expect(report.prunable == layout.total)
        #expect(report.kept == layout.total - layout.total / 4)
        #expect(report.parameters == parameters.parameterCount)
        #expect(report.paperPercent < report.weightPercent)
    }

    @Test func targetsResolveToRoundsAndKeptCounts() throws {
        let layout = PrunableLayout(try Fixture.parameters())
        var config = SearchConfig(method: .imp, targets: [.sparsity(68.30), .sparsity(89.91), .rounds(2)])
        config = try config.resolved(layout: layout)
        #expect(config.targets == [.rounds(2), .rounds(4), .rounds(8)])
        #expect(config.rounds == 8)
        var eb = SearchConfig(method: .eb, targets: [.sparsity(89.91), .rounds(4), .sparsity(68.30)])
        eb = try eb.resolved(layout: layout)
        #expect(eb.targets == [.sparsity(68.30), .rounds(4), .sparsity(89.91)])
        #expect(DensityTarget.sparsity(68.30).keptCount(of: 1000, rate: 0.25) == 317)
        #expect(DensityTarget.rounds(4).keptCount(of: 1000, rate: 0.25) == Pruning.keptAfterRounds(1000, rounds: 4, rate: 0.25))
        #expect(throws: SearchConfigError.self) { try SearchConfig(method: .imp, targets: [.sparsity(100)]).resolved(layout: layout) }
        #expect(throws: SearchConfigError.self) { try SearchConfig(method: .snip, targets: []).resolved(layout: layout) }
    }

    @Test func rewindPointsParseAndConvert() {
        #expect(RewindPoint("init") == .epochs(0))
        #expect(RewindPoint("3") == .epochs(3))
        #expect(RewindPoint("7%") == .percent(7))
        #expect(RewindPoint("x") == nil && RewindPoint("-1") == nil && RewindPoint("100%") == nil)
        #expect(RewindPoint.epochs(2).step(batchesPerEpoch: 10, epochs: 5) == 20)
        #expect(RewindPoint.percent(7).step(batchesPerEpoch: 10, epochs: 10) == 7)
        #expect(RewindPoint.percent(7).laterRoundEpochs(batchesPerEpoch: 10, epochs: 10) == 9)
        #expect(RewindPoint.percent(4).laterRoundEpochs(batchesPerEpoch: 10, epochs: 10) == 10)
        #expect(RewindPoint.percent(7).laterRoundEpochs(batchesPerEpoch: 100, epochs: 10) == 9)
        #expect(RewindPoint.epochs(20).laterRoundEpochs(batchesPerEpoch: 100, epochs: 300) == 280)
    }
}

extension Int {
    /// The indices in `0..<self` satisfying `predicate`.
    func indicesWhere(_ predicate: (Int) -> Bool) -> [Int] { (0..<self).filter(predicate) }
}
