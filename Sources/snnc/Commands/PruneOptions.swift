import ArgumentParser
import SNNTickets
import SNNTrain

/// Data, schedule and seed of one round (the `train` command's options, with epochs per round).
struct RoundOptions: ParsableArguments {
    @OptionGroup var training: TrainingOptions
    @Option(help: "Epochs of round 0 and of every retrain; later IMP rounds train this minus the rewind point. (default: 10)")
    var epochsPerRound: Int?

    /// Options that change what is trained (all but --data-dir).
    var definesTraining: Bool { training.definesTraining || epochsPerRound != nil }

    /// Where the data files are, if given.
    var dataDir: String? { training.dataDir }

    func validate() throws {
        if let epochsPerRound, epochsPerRound < 1 { throw ValidationError("--epochs-per-round must be at least 1") }
    }

    func specAndConfig(_ model: ModelOptions) throws -> (ModelSpec, TrainingConfig) {
        try training.specAndConfig(model, epochs: epochsPerRound ?? 10)
    }
}

struct SearchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Search method: \(TicketMethod.names.joined(separator: ", ")).", valueName: "method"))
    var method: TicketMethod?
    @Option(
        help: ArgumentHelp(
            """
            Start from this dense checkpoint (level 0; IMP skips round 0 and replays its first epochs to recover the rewind point).
            """, valueName: "checkpoint.h5"))
    var from: String?
    @Option(
        help: ArgumentHelp(
            "IMP rounds (a list names the rounds to report), or one-shot targets at IMP round k's density.",
            valueName: "k[,k…]"))
    var rounds: String?
    @Option(
        help: ArgumentHelp(
            "Target sparsity in % of prunable weights (IMP-like: the fewest rounds reaching it).",
            valueName: "S[,S…]"))
    var sparsity: String?
    @Option(help: "Fraction of the surviving weights one IMP round prunes. (default: 0.25)")
    var pruneRate: Double?
    @Option(
        help: """
            Ranking: global (one over all conv and fc weights), layerwise, or chip (imp, imp+et with --target: each round \
            prunes global's count, first in the layers whose weights set the cores of a target the last level does not \
            fit, at most half of a layer). (default: global)
            """)
    var scope: PruningScope?
    @Option(
        help: """
            Scores equal to the threshold: exact (prune exactly ⌊N·p⌋, earlier weights first) or keep-ties \
            (the code: keep all tied). (default: exact)
            """)
    var ties: TieRule?
    @Option(
        help: ArgumentHelp(
            """
            IMP rewind point: init, N (epochs of round 0) or P% (of round 0's steps). (default: 7%, the paper's 20 of 300 epochs)
            """, valueName: "point"))
    var rewind: String?
    @Flag(help: "Also rewind BatchNorm running statistics (the code keeps them from the previous round).")
    var rewindBnStats = false
    @Flag(
        help: """
            imp+et: take the rewind state --rewind steps after the early-time probe, so it has trained at T_early \
            (the released code's order); by default it is taken --rewind steps into round 0, which may be before the probe.
            """)
    var rewindAfterProbe = false
    @Option(help: "Images in SNIP's gradient batch. (default: the batch size)")
    var snipImages: Int?
    @Option(help: "Where a transferred ticket starts on the SNN: rewind (the ANN's rewind weights) or init. (default: rewind)")
    var transferStart: TransferStart?
    @Option(
        name: .customLong("search-timesteps"),
        help: ArgumentHelp(
            "oneshot: T_pre, the time steps of the dense training whose magnitudes give the masks. (default: the model's T)",
            valueName: "T"))
    var searchTimeSteps: Int?

    /// Any search option other than --rounds / --sparsity (the ones `--resume` may take).
    var isGivenBesidesTargets: Bool {
        method != nil || from != nil || pruneRate != nil || scope != nil || ties != nil
            || rewind != nil || rewindBnStats || rewindAfterProbe || snipImages != nil || transferStart != nil || searchTimeSteps != nil
    }

    func validate() throws {
        if rounds != nil && sparsity != nil { throw ValidationError("give --rounds or --sparsity, not both") }
        if let rewind, RewindPoint(rewind) == nil {
            throw ValidationError("--rewind takes init, a number of epochs or a percentage like 7%")
        }
        if rewindAfterProbe, let method, method != .impET {
            throw ValidationError("--rewind-after-probe applies to --method imp+et")
        }
        if let snipImages, snipImages < 2 { throw ValidationError("--snip-images must be at least 2") }
        if let searchTimeSteps {
            if searchTimeSteps < 1 { throw ValidationError("--search-timesteps must be at least 1") }
            if method != .oneShot { throw ValidationError("--search-timesteps applies to --method oneshot") }
        }
        _ = try targets()
    }

    func targets() throws -> [DensityTarget] {
        if let rounds {
            return try wholeNumbers(rounds, "--rounds").map { .rounds($0) }
        }
        if let sparsity { return try numbers(sparsity, "--sparsity").map { .sparsity($0) } }
        return []
    }

    func apply(to search: inout SearchConfig) throws {
        if let pruneRate { search.pruneRate = pruneRate }
        if let scope { search.scope = scope }
        if let ties { search.ties = ties }
        if let rewind, let point = RewindPoint(rewind) { search.rewind = point }
        search.rewindBatchNormStatistics = rewindBnStats
        search.rewindAfterProbe = rewindAfterProbe ? true : nil
        search.snipImages = snipImages
        if let transferStart { search.transferStart = transferStart }
        search.searchTimeSteps = searchTimeSteps
    }
}

struct EarlyBirdOptions: ParsableArguments {
    @Option(help: "Masks in the window, the newest included. (default: 5)")
    var ebWindow: Int?
    @Option(help: "Draw the ticket when every distance in the window is below this. (default: 0.02)")
    var ebTau: Double?
    @Option(help: "Learning-rate factor of the dense search. (default: 2)")
    var ebLrScale: Float?
    @Option(help: "Mask checks per epoch. (default: 1)")
    var ebChecksPerEpoch: Int?
    @Flag(help: "Step the retrain's cosine twice per epoch, as the code's bug does.")
    var ebDoubleStep = false
    @Flag(help: "Leave BatchNorm γ entries out of the distance's denominator (the code counts them).")
    var ebDistanceWeightsOnly = false

    var isGiven: Bool {
        ebWindow != nil || ebTau != nil || ebLrScale != nil || ebChecksPerEpoch != nil || ebDoubleStep || ebDistanceWeightsOnly
    }

    func apply(to config: inout EarlyBirdConfig) throws {
        if let ebWindow { config.window = ebWindow }
        if let ebTau { config.tau = ebTau }
        if let ebLrScale { config.learningRateScale = ebLrScale }
        if let ebChecksPerEpoch { config.checksPerEpoch = ebChecksPerEpoch }
        config.doubleSchedulerStep = ebDoubleStep
        config.countBatchNormInDistance = !ebDistanceWeightsOnly
    }
}

struct EarlyTimeOptions: ParsableArguments {
    @Option(help: "Epochs at the full T before the probe (N). (default: 2)")
    var etProbeEpochs: Int?
    @Option(help: "Training images in the probe batch. (default: 1000)")
    var etProbeImages: Int?
    @Option(help: "Threshold on the normalised KL divergence. (default: 0.6)")
    var etLambda: Double?
    @Option(help: ArgumentHelp("Candidate time steps, in order. (default: 2,3,4)", valueName: "t[,t…]"))
    var etCandidates: String?
    @Option(help: "KL direction: code (D(P_T‖P_t)) or paper (D(P_t‖P_T)). (default: code)")
    var etKlDirection: KLDirection?
    @Option(help: "Normalise by the max (code) or by the first candidate (paper). (default: max)")
    var etNormalize: KLNormalization?
    @Option(help: "Loss under T_early: code (divided by the full T, so scaled by T_early/T) or mean. (default: code)")
    var etLossScale: LossScale?
    @Option(help: "IMP+ET round 0 anneals to this fraction of the peak lr (the code: 0.01; 0 = as IMP). (default: 0.01)")
    var etRound0MinLr: Float?
    @Flag(help: "Probe with BatchNorm running statistics instead of the code's training mode.")
    var etProbeEval = false

    enum LossScale: String, ExpressibleByArgument, CaseIterable {
        case code, mean
    }

    var isGiven: Bool {
        etProbeEpochs != nil || etProbeImages != nil || etLambda != nil || etCandidates != nil || etKlDirection != nil
            || etNormalize != nil || etLossScale != nil || etRound0MinLr != nil || etProbeEval
    }

    func validate() throws {
        if let etProbeEpochs, etProbeEpochs < 1 { throw ValidationError("--et-probe-epochs must be at least 1") }
        if let etProbeImages, etProbeImages < 2 { throw ValidationError("--et-probe-images must be at least 2") }
        if let etCandidates { _ = try numbers(etCandidates, "--et-candidates") }
    }

    func apply(to config: inout EarlyTimeConfig) throws {
        if let etProbeEpochs { config.probeAfterEpochs = etProbeEpochs }
        if let etProbeImages { config.probeImages = etProbeImages }
        if let etLambda { config.lambda = etLambda }
        if let etCandidates {
            config.candidates = try wholeNumbers(etCandidates, "--et-candidates")
        }
        if let etKlDirection { config.direction = etKlDirection }
        if let etNormalize { config.normalization = etNormalize }
        if let etLossScale { config.scaleLossByTimeSteps = etLossScale == .code }
        if let etRound0MinLr { config.roundZeroMinimumLearningRate = etRound0MinLr }
        config.probeInTrainingMode = !etProbeEval
    }
}

struct RewiringOptions: ParsableArguments {
    @Option(help: "Grad R: strength α of the Laplacian prior on the hidden strengths θ; larger prunes more. (default: 5e-4)")
    var gradrAlpha: Double?
    @Option(help: "Deep R: L1 penalty on the active strengths. (default: 1e-5)")
    var deeprL1: Double?
    @Option(help: "Deep R: temperature T of the noise sqrt(2·lr·T)·N(0,1) on the active strengths. (default: 2.5e-11)")
    var deeprTemperature: Double?

    var isGiven: Bool { gradrAlpha != nil || deeprL1 != nil || deeprTemperature != nil }

    func validate(method: TicketMethod?) throws {
        if gradrAlpha != nil && method != .gradR { throw ValidationError("--gradr-alpha applies to --method gradr") }
        if (deeprL1 != nil || deeprTemperature != nil) && method != .deepR {
            throw ValidationError("--deepr-l1 and --deepr-temperature apply to --method deepr")
        }
    }

    /// The rewiring settings of a gradr or deepr search (the defaults when no option is given), else nil.
    func config(for method: TicketMethod) -> RewiringConfig? {
        guard method.isRewiring else { return nil }
        var config = RewiringConfig()
        if let gradrAlpha { config.alpha = gradrAlpha }
        if let deeprL1 { config.l1 = deeprL1 }
        if let deeprTemperature { config.temperature = deeprTemperature }
        return config
    }
}

/// Parses `4,8` or `68.30, 89.91`.
private func numbers(_ text: String, _ option: String) throws -> [Double] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let values = parts.compactMap(Double.init)
    guard !parts.isEmpty, values.count == parts.count, values.allSatisfy(\.isFinite) else {
        throw ValidationError("\(option) takes a comma-separated list of numbers, got '\(text)'")
    }
    return values
}

/// Parses `2,3,4`: a comma-separated list of whole numbers ≥ 1.
private func wholeNumbers(_ text: String, _ option: String) throws -> [Int] {
    try numbers(text, option).map { value in
        guard let k = Int(exactly: value), k >= 1 else { throw ValidationError("\(option) takes whole numbers ≥ 1, got \(value)") }
        return k
    }
}

extension TicketMethod: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}

extension PruningScope: ExpressibleByArgument {}
extension TieRule: ExpressibleByArgument {}
extension TransferStart: ExpressibleByArgument {}
extension KLDirection: ExpressibleByArgument {}
extension KLNormalization: ExpressibleByArgument {}
