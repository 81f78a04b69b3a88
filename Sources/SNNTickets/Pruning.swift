import Foundation
import SNNTensor
import SNNTrain

/// Where a pruning criterion ranks weights against each other.
public enum PruningScope: String, Codable, CaseIterable, Sendable {
    /// One ranking over every prunable weight of the model (the paper's default, Fig. 6b).
    case global
    /// Each prunable parameter ranked alone, pruned at the same rate.
    case layerwise
    /// IMP and IMP+ET with chip targets: a round removes global's count, ranked first within the
    /// layers whose weights set the cores of a target the previous level does not fit, at most
    /// half of any layer (`ChipAllocation`). Counts and one-shot pools are global's.
    case chip
}

/// What happens to weights whose score equals the pruning threshold.
///
/// The released code takes `thr = sorted(|w| of survivors)[⌊N·p⌋]` and prunes `|w| < thr`
/// (strict). When the `⌊N·p⌋`-th and `(⌊N·p⌋+1)`-th smallest scores differ, that prunes exactly
/// `⌊N·p⌋` weights, and both rules below agree with it.
public enum TieRule: String, Codable, CaseIterable, Sendable {
    /// Exactly the requested number is pruned. Candidates are ordered by (score, flat position)
    /// and the first `n` go: among equal scores, the weight earlier in the layout order (earlier
    /// parameter, then row-major index) is pruned first. Deterministic, and the kept count
    /// never depends on the weights.
    case exact
    /// The released code: every weight tied with the threshold survives, so fewer than `n`
    /// may be pruned when scores repeat.
    case keepTies = "keep-ties"
}

/// A density a one-shot criterion prunes to, named like the paper names it.
public struct DensityTarget: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The density IMP reaches after this many rounds (`nil` for a sparsity target).
    public var rounds: Int?
    /// Percentage of prunable weights to prune (`nil` for a rounds target).
    public var sparsityPercent: Double?

    /// The density of IMP round `k`: each round prunes `⌊rate·survivors⌋`.
    public static func rounds(_ k: Int) -> DensityTarget { DensityTarget(rounds: k, sparsityPercent: nil) }

    /// Prune `⌊n·percent/100⌋` of `n` prunable weights (the early-bird code's reading of the
    /// paper's sparsity labels: the label applied to prunable weights).
    public static func sparsity(_ percent: Double) -> DensityTarget { DensityTarget(rounds: nil, sparsityPercent: percent) }

    /// Weights kept out of `n` (the pool of one ranking).
    public func keptCount(of n: Int, rate: Double) -> Int {
        if let rounds { return Pruning.keptAfterRounds(n, rounds: rounds, rate: rate) }
        return n - Pruning.floorCount(Double(n) * (sparsityPercent ?? 0) / 100)
    }

    public var description: String {
        if let rounds { return "round \(rounds)" }
        return String(format: "%.2f%%", sparsityPercent ?? 0)
    }
}

/// Kept and total counts, with both sparsity definitions.
public struct SparsityReport: Codable, Equatable, Sendable {
    /// Prunable weights (conv and linear weights).
    public var prunable: Int
    /// Prunable weights the masks keep.
    public var kept: Int
    /// All parameters: weights, biases, BatchNorm γ and β (not BN running statistics).
    public var parameters: Int

    public init(prunable: Int, kept: Int, parameters: Int) {
        self.prunable = prunable
        self.kept = kept
        self.parameters = parameters
    }

    public init(_ parameters: ParameterSet) {
        self.init(prunable: parameters.prunableCount, kept: parameters.keptCount, parameters: parameters.parameterCount)
    }

    /// The paper's label, in percent: pruned weights over *all* parameters (the code's
    /// `print_nonzeros` counts zeros over every named parameter; the two agree unless a bias or
    /// a kept weight is exactly 0). VGG16 rounds 4 / 8 / 11 / 14 give 68.30 / 89.91 / 95.69 / 98.13.
    public var paperPercent: Double { 100 * Double(prunable - kept) / Double(max(parameters, 1)) }

    /// Pruned over prunable weights, in percent (`1 − 0.75^k` for IMP round k).
    public var weightPercent: Double { 100 * Double(prunable - kept) / Double(max(prunable, 1)) }
}

/// Mask construction: magnitude (IMP, EB), saliency (SNIP) and random, with exact counts.
public enum Pruning {
    /// `⌊x⌋` for a non-negative product computed in floating point, nudged by 1e-9 so that
    /// products like 0.29 × 100 = 28.999999999999996 count as 29.
    public static func floorCount(_ x: Double) -> Int { Int((x + 1e-9).rounded(.down)) }

    /// Weights one round prunes from `alive` survivors at `rate`: `⌊alive·rate⌋`.
    public static func pruneCount(alive: Int, rate: Double) -> Int { floorCount(Double(alive) * rate) }

    /// Weights left of `n` after `rounds` rounds at `rate`.
    public static func keptAfterRounds(_ n: Int, rounds: Int, rate: Double) -> Int {
        var kept = n
        for _ in 0..<max(rounds, 0) { kept -= pruneCount(alive: kept, rate: rate) }
        return kept
    }

    /// Kept count of a target on a layout: global targets apply to the total, layer-wise ones to
    /// every layer (and sum).
    public static func keptCount(_ target: DensityTarget, layout: PrunableLayout, scope: PruningScope, rate: Double) -> Int {
        switch scope {
        case .global, .chip: return target.keptCount(of: layout.total, rate: rate)
        case .layerwise: return (0..<layout.layerCount).reduce(0) { $0 + target.keptCount(of: layout.count(of: $1), rate: rate) }
        }
    }

    /// The `count` candidates with the lowest scores under `ties` (see `TieRule`), as flat positions.
    /// - Precondition: scores are finite and non-negative; `0 <= count <= candidates.count`.
    public static func lowest(_ scores: [Float], among candidates: [Int], count: Int, ties: TieRule) -> [Int] {
        precondition(count >= 0 && count <= candidates.count, "cannot prune \(count) of \(candidates.count)")
        guard count > 0 else { return [] }
        let keys = sortedKeys(scores, candidates)
        var chosen = count
        if ties == .keepTies && count < keys.count {
            let threshold = keys[count] >> 32
            chosen = 0
            while chosen < keys.count && keys[chosen] >> 32 < threshold { chosen += 1 }
        }
        return keys[0..<chosen].map { Int($0 & 0xFFFF_FFFF) }
    }

    /// Every candidate, lowest score first, ties in position order (the `exact` rule's order).
    /// - Precondition: scores are finite and non-negative.
    public static func ranked(_ scores: [Float], among candidates: [Int]) -> [Int] {
        sortedKeys(scores, candidates).map { Int($0 & 0xFFFF_FFFF) }
    }

    /// (score, position) packed into one UInt64 per candidate, sorted: non-negative IEEE floats
    /// order like their bit patterns, so the sort is exact and stable with respect to positions.
    private static func sortedKeys(_ scores: [Float], _ candidates: [Int]) -> [UInt64] {
        var keys = candidates.map { i -> UInt64 in
            let s = scores[i]
            precondition(s >= 0 && s.isFinite, "score \(s) at \(i) is not a finite non-negative number")
            return UInt64((s + 0).bitPattern) << 32 | UInt64(UInt32(i))
        }
        keys.sort()
        return keys
    }

    /// |w| of every prunable weight, flat in layout order.
    public static func magnitudes(_ parameters: ParameterSet) -> [Float] {
        var scores: [Float] = []
        scores.reserveCapacity(parameters.prunableCount)
        for p in parameters.parameters where p.isPrunable { scores.append(contentsOf: p.value.scalars.map { abs($0) }) }
        return scores
    }

    /// One IMP round: prunes `⌊rate·survivors⌋` of the weights `current` keeps, lowest |w| first,
    /// over the whole model or per layer. Pruned weights stay pruned.
    public static func magnitudeRound(
        _ parameters: ParameterSet, current: WeightMask, rate: Double,
        scope: PruningScope, ties: TieRule
    ) -> WeightMask {
        let scores = magnitudes(parameters)
        var mask = current
        for pool in pools(current.layout, scope) {
            let alive = pool.filter { current.bits[$0] != 0 }
            for i in lowest(scores, among: alive, count: pruneCount(alive: alive.count, rate: rate), ties: ties) {
                mask.bits[i] = 0
            }
        }
        return mask
    }

    /// A mask built from scratch that keeps the highest-scoring weights at `target`, every weight
    /// being a candidate (early-bird masks from |w|, SNIP from |g·w|).
    public static func keepHighest(
        _ scores: [Float], layout: PrunableLayout, target: DensityTarget, rate: Double,
        scope: PruningScope, ties: TieRule
    ) -> WeightMask {
        precondition(scores.count == layout.total, "one score per prunable weight")
        var mask = WeightMask.dense(layout)
        for pool in pools(layout, scope) {
            let prune = pool.count - target.keptCount(of: pool.count, rate: rate)
            for i in lowest(scores, among: pool, count: prune, ties: ties) { mask.bits[i] = 0 }
        }
        return mask
    }

    /// A uniformly random mask at `target`: exactly the target's kept count of the whole model
    /// (global) or of every layer (layer-wise), drawn with a partial Fisher–Yates shuffle.
    public static func random(
        layout: PrunableLayout, target: DensityTarget, rate: Double, scope: PruningScope,
        seed: UInt64
    ) -> WeightMask {
        var rng = SeededRNG(seed: seed)
        var mask = WeightMask(layout: layout, bits: [UInt8](repeating: 0, count: layout.total))
        for pool in pools(layout, scope) {
            var positions = pool
            let keep = target.keptCount(of: positions.count, rate: rate)
            for j in 0..<keep {
                let k = j + rng.nextInt(below: positions.count - j)
                positions.swapAt(j, k)
                mask.bits[positions[j]] = 1
            }
        }
        return mask
    }

    /// The rankings of a scope: one pool of every position, or one per layer.
    static func pools(_ layout: PrunableLayout, _ scope: PruningScope) -> [[Int]] {
        switch scope {
        case .global, .chip: return [Array(0..<layout.total)]
        case .layerwise: return (0..<layout.layerCount).map { Array(layout.range(of: $0)) }
        }
    }
}
