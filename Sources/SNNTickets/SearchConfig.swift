import Foundation

/// The ticket search methods.
public enum TicketMethod: String, Codable, CaseIterable, Sendable {
    /// Iterative magnitude pruning with late rewinding (Frankle et al. 2019): train, prune
    /// `rate` of the survivors by global |w|, rewind, repeat. Level k = round k.
    case imp
    /// Early-bird: dense training at 2× lr until the magnitude masks stop changing, then the
    /// mask is retrained from the initialisation. Level i = i-th target.
    case eb
    /// IMP whose rounds train at T_early (the early-time probe's choice); the ticket of every
    /// reported round is retrained at the full T from the rewind point.
    case impET = "imp+et"
    /// Early-bird whose search trains at T_early after the probe; retrain at the full T.
    case ebET = "eb+et"
    /// SNIP: keep the largest |g·w| of one batch at initialisation, train from initialisation.
    case snip
    /// A uniformly random mask at the same global or layer-wise density, trained from init.
    case random
    /// IMP on the ANN twin (ReLU, one pass); each reported round's mask and rewind weights are
    /// moved onto the SNN by parameter name and trained there.
    case transfer
    /// Gradient Rewiring (Chen et al., IJCAI 2021): one training run from the initialisation in
    /// which pruned connections can grow back; a Laplacian prior on the hidden strengths sets the
    /// sparsity. Level i = i-th target (the prior's target; the level reports what was reached).
    case gradR = "gradr"
    /// Deep Rewiring (Bellec et al., ICLR 2018): one training run from a random mask at the
    /// target's count, which rewiring keeps fixed. Level i = i-th target.
    case deepR = "deepr"
    /// One-shot magnitude pruning (the paper's Fig. 3): dense training at T_pre
    /// (`searchTimeSteps`, default the model's T) is level 0; each target prunes the lowest |w| of
    /// it and retrains from the initialisation at the full T. Level i ≥ 1 = i-th target.
    case oneShot = "oneshot"

    /// Parses a method name; `et` is accepted for `imp+et` (early-time modifies a search, and
    /// the paper's main ET rows are IMP+ET).
    public init?(name: String) {
        if name == "et" {
            self = .impET
            return
        }
        self.init(rawValue: name)
    }

    /// Names accepted on the command line.
    public static var names: [String] { allCases.map(\.rawValue) + ["et"] }

    /// IMP, IMP+ET and transfer run rounds; the others draw one mask per target.
    public var isIterative: Bool { self == .imp || self == .impET || self == .transfer }

    /// Whether an early-time probe chooses the search's T.
    public var usesEarlyTime: Bool { self == .impET || self == .ebET }

    public var isEarlyBird: Bool { self == .eb || self == .ebET }

    /// Whether the mask is learnt during one training run (Grad R, Deep R).
    public var isRewiring: Bool { self == .gradR || self == .deepR }
}

/// Where IMP rewinds to: the state after some training of round 0.
public struct RewindPoint: Codable, Equatable, Sendable, CustomStringConvertible {
    /// After this many epochs of round 0 (0 = the initialisation).
    public var epochs: Int?
    /// After this percentage of round 0's optimiser steps, rounded to a whole step (may fall
    /// inside an epoch).
    public var percent: Double?

    public static func epochs(_ n: Int) -> RewindPoint { RewindPoint(epochs: n, percent: nil) }
    public static func percent(_ p: Double) -> RewindPoint { RewindPoint(epochs: nil, percent: p) }

    /// Parses `init`, `N` (epochs) or `P%`.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "init" {
            self = .epochs(0)
        } else if t.hasSuffix("%"), let p = Double(t.dropLast()), p >= 0, p < 100 {
            self = .percent(p)
        } else if let n = Int(t), n >= 0 {
            self = .epochs(n)
        } else {
            return nil
        }
    }

    init(epochs: Int?, percent: Double?) {
        self.epochs = epochs
        self.percent = percent
    }

    /// The optimiser step of round 0 (of `epochs` epochs of `batchesPerEpoch` batches) after
    /// which the rewind state is taken.
    public func step(batchesPerEpoch: Int, epochs total: Int) -> Int {
        if let epochs { return epochs * batchesPerEpoch }
        return Int((Double(total * batchesPerEpoch) * (percent ?? 0) / 100).rounded())
    }

    /// Epochs later rounds train: the round length minus the rewind point rounded to whole epochs
    /// (the code: 300 − 20). Always at least 1.
    public func laterRoundEpochs(batchesPerEpoch: Int, epochs total: Int) -> Int {
        let done = Int((Double(step(batchesPerEpoch: batchesPerEpoch, epochs: total)) / Double(max(batchesPerEpoch, 1))).rounded())
        return max(1, total - done)
    }

    public var description: String {
        if let epochs { return epochs == 0 ? "init" : "\(epochs) epoch\(epochs == 1 ? "" : "s")" }
        return String(format: "%g%%", percent ?? 0)
    }
}

/// Where a transferred ticket's SNN training starts.
public enum TransferStart: String, Codable, CaseIterable, Sendable {
    /// The ANN's rewind weights (the ticket IMP found, with late rewinding).
    case rewind
    /// The common initialisation (the ANN and SNN share it: same seed, same parameter names).
    case initialization = "init"
}

/// Everything that defines a ticket search besides the model and the training settings.
public struct SearchConfig: Codable, Equatable, Sendable {
    public var method: TicketMethod
    /// Iterative methods: the rounds to report (the search runs to the largest). Others: the
    /// densities to prune to, one level each.
    public var targets: [DensityTarget]
    /// Fraction of the surviving weights each IMP round prunes (the paper: 25%).
    public var pruneRate: Double = 0.25
    public var scope: PruningScope = .global
    public var ties: TieRule = .exact
    public var rewind: RewindPoint = .percent(7)
    /// Also rewind BatchNorm running statistics (the code does not: they are buffers, kept from
    /// the end of the previous round).
    public var rewindBatchNormStatistics: Bool = false
    /// IMP+ET: take the rewind state `rewind` steps after the early-time probe (so it has trained
    /// at T_early, as the released code's epoch-20 state has; with `init`, the state the probe
    /// leaves) instead of after `rewind` steps of round 0, which can come before the probe. Later
    /// rounds still train the round length minus `rewind`. `nil` (files written before the
    /// option, and the default, which stores nothing so their headers keep their bytes) = false.
    public var rewindAfterProbe: Bool?
    public var earlyBird = EarlyBirdConfig()
    public var earlyTime = EarlyTimeConfig()
    /// Images in SNIP's gradient batch (`nil`: the training batch size).
    public var snipImages: Int?
    public var transferStart: TransferStart = .rewind
    /// Chip targets and budgets every level is checked against (nil: none; files written before
    /// the fit check have none).
    public var fit: FitSettings?
    /// Grad R's prior, Deep R's penalty and temperature (nil for the other methods).
    public var rewiring: RewiringConfig?
    /// One-shot: the T of the dense training whose magnitudes give the masks (T_pre; nil: the
    /// model's T). The tickets always retrain at the model's T (T_post).
    public var searchTimeSteps: Int?
    /// IMP and IMP+ET with chip targets: a round after a level that is short of neurons removes
    /// channels instead of weights (nil: unstructured only; files written before it have none).
    public var structured: StructuredPruning?
    /// Images of the training split outside the training subset (never trained on) that every
    /// level is also evaluated on (`--validation-subset`; `TrainingData.validationIndices`), for
    /// `snnc export --level best-fit`; nil: none (files written before it have none).
    public var validationImages: Int?

    public init(method: TicketMethod, targets: [DensityTarget]) {
        self.method = method
        self.targets = targets
    }

    /// The optimiser step of a round 0 of `epochs` epochs of `batchesPerEpoch` batches after
    /// which the rewind state is taken: `rewind`'s step, counted from the early-time probe (after
    /// `earlyTime.probeAfterEpochs` epochs, at most `epochs`) when IMP+ET rewinds after the probe.
    public func rewindCaptureStep(batchesPerEpoch: Int, epochs: Int) -> Int {
        let step = rewind.step(batchesPerEpoch: batchesPerEpoch, epochs: epochs)
        guard rewindAfterProbe == true, method == .impET else { return step }
        return min(earlyTime.probeAfterEpochs, epochs) * batchesPerEpoch + step
    }

    /// For iterative methods, the number of rounds (the largest target round).
    public var rounds: Int { targets.compactMap(\.rounds).max() ?? 0 }

    /// For iterative methods, the reported rounds, ascending.
    public var reportedRounds: [Int] { Array(Set(targets.compactMap(\.rounds))).sorted() }

    /// Resolves the targets against a model: iterative methods turn sparsity targets into the
    /// fewest rounds whose weight sparsity reaches them; one-shot targets are sorted from dense
    /// to sparse and deduplicated.
    /// - Throws: `SearchConfigError` for targets that cannot be met.
    public func resolved(layout: PrunableLayout) throws -> SearchConfig {
        var copy = self
        guard !targets.isEmpty else { throw SearchConfigError("give --rounds or --sparsity") }
        for t in targets {
            if let r = t.rounds, r < 1 { throw SearchConfigError("rounds must be at least 1, got \(r)") }
            if let s = t.sparsityPercent, !(s > 0 && s < 100) {
                throw SearchConfigError("sparsity must be a percentage in (0, 100), got \(s)")
            }
        }
        guard pruneRate > 0 && pruneRate < 1 else { throw SearchConfigError("the prune rate must be in (0, 1), got \(pruneRate)") }
        if method.isIterative {
            copy.targets = try targets.map { t in
                if t.rounds != nil { return t }
                let wanted = (t.sparsityPercent ?? 0) / 100
                for k in 1...200 {
                    let kept = Pruning.keptCount(.rounds(k), layout: layout, scope: scope, rate: pruneRate)
                    if Double(layout.total - kept) / Double(layout.total) >= wanted - 1e-4 { return .rounds(k) }
                }
                throw SearchConfigError("sparsity \(t) is out of reach of \(Int(pruneRate * 100))% rounds")
            }
            copy.targets = Array(Set(copy.targets)).sorted { ($0.rounds ?? 0) < ($1.rounds ?? 0) }
        } else {
            var seen = Set<Int>()
            copy.targets =
                targets
                .map { ($0, Pruning.keptCount($0, layout: layout, scope: scope, rate: pruneRate)) }
                .sorted { $0.1 > $1.1 }
                .filter { seen.insert($0.1).inserted }
                .map(\.0)
            if copy.targets.contains(where: { Pruning.keptCount($0, layout: layout, scope: scope, rate: pruneRate) < 1 }) {
                throw SearchConfigError("a target keeps no weight at all")
            }
        }
        if method.isRewiring {
            try (rewiring ?? RewiringConfig()).validate(for: method)
            for target in copy.targets where method == .gradR {
                guard priorSparsity(target, layout: layout, scope: scope, rate: pruneRate) >= 0.5 else {
                    throw SearchConfigError(
                        "Grad R's target sparsity must be at least 50% (its prior's centre ln(2(1 − S))/α lies at or below 0 "
                            + "only then), got \(target)")
                }
            }
        } else if rewiring != nil {
            throw SearchConfigError("rewiring settings apply to --method gradr or deepr only")
        }
        if let t = searchTimeSteps {
            guard method == .oneShot else { throw SearchConfigError("--search-timesteps applies to --method oneshot only") }
            guard t >= 1 else { throw SearchConfigError("--search-timesteps must be at least 1, got \(t)") }
        }
        if let structured {
            guard method == .imp || method == .impET else { throw SearchConfigError("--structured works with --method imp or imp+et") }
            guard fit != nil else {
                throw SearchConfigError("--structured removes channels where a target is short of neurons; give at least one --target")
            }
            guard structured.channelRate > 0 && structured.channelRate < 1 else {
                throw SearchConfigError("--channel-rate must be in (0, 1), got \(structured.channelRate)")
            }
        }
        if scope == .chip {
            guard method == .imp || method == .impET else { throw SearchConfigError("--scope chip works with --method imp or imp+et") }
            guard fit != nil else {
                throw SearchConfigError(
                    "--scope chip prunes the layers that bind a chip target's cores; give at least one --target")
            }
            guard ties == .exact else { throw SearchConfigError("--scope chip prunes an exact count; drop --ties keep-ties") }
        }
        if rewindAfterProbe == true, method != .impET {
            throw SearchConfigError("--rewind-after-probe applies to --method imp+et only (the other methods do not probe and rewind)")
        }
        if method.usesEarlyTime {
            guard earlyTime.lambda > 0, !earlyTime.candidates.isEmpty, earlyTime.probeImages >= 2 else {
                throw SearchConfigError("early-time needs λ > 0, at least one candidate and at least 2 probe images")
            }
        }
        if method.isEarlyBird {
            guard earlyBird.window >= 2, earlyBird.tau > 0, earlyBird.checksPerEpoch >= 1 else {
                throw SearchConfigError("early-bird needs a window of at least 2 masks, τ > 0 and at least one check per epoch")
            }
        }
        return copy
    }
}

/// A search configuration that cannot run.
public struct SearchConfigError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
