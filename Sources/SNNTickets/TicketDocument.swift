import SNNTrain

/// Where a search came from: its settings and provenance. Written once; only more rounds change
/// it (`TicketSearch.extending`, `FitSettings.untilFits`) and targets added to a search without
/// them (`snnc prune --resume --target`), each appending to the command or the targets.
public struct TicketHeader: Codable, Equatable, Sendable {
    public var snncVersion: String
    public var method: TicketMethod
    public var seed: UInt64
    /// The command line that started the search.
    public var command: String
    public var search: SearchConfig
    /// The SNN at its full T.
    public var spec: ModelSpec
    /// Training settings of one round: `epochs` is the round length, `learningRate` the base peak.
    public var training: TrainingConfig
    /// The dense checkpoint the search started from (`--from`), if any.
    public var source: SourceCheckpoint?

    public init(
        snncVersion: String, method: TicketMethod, seed: UInt64, command: String, search: SearchConfig,
        spec: ModelSpec, training: TrainingConfig, source: SourceCheckpoint?
    ) {
        self.snncVersion = snncVersion
        self.method = method
        self.seed = seed
        self.command = command
        self.search = search
        self.spec = spec
        self.training = training
        self.source = source
    }
}

/// A dense checkpoint a search starts from.
public struct SourceCheckpoint: Codable, Equatable, Sendable {
    public var path: String
    /// SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    public var epochsCompleted: Int

    public init(path: String, sha256: String, epochsCompleted: Int) {
        self.path = path
        self.sha256 = sha256
        self.epochsCompleted = epochsCompleted
    }
}

/// Spikes one LIF node emits per test image, summed over neurons and time steps.
public struct LayerSpikes: Codable, Equatable, Sendable {
    public var node: String
    public var spikes: Double
    public var neurons: Int

    public init(node: String, spikes: Double, neurons: Int) {
        self.node = node
        self.spikes = spikes
        self.neurons = neurons
    }
}

/// The summary of one level of a ticket file (its state is stored beside it).
public struct LevelInfo: Codable, Equatable, Sendable {
    public var level: Int
    /// `dense`, `round 4`, `68.30%`, …
    public var label: String
    /// IMP round (iterative methods and level 0).
    public var round: Int?
    /// One-shot target.
    public var target: DensityTarget?
    public var sparsity: SparsityReport
    /// The paper's sparsity (pruned over all parameters), percent.
    public var paperSparsity: Double
    /// Pruned over prunable weights, percent.
    public var weightSparsity: Double
    public var layers: [LayerDensity]
    /// T the level's state was trained and evaluated with.
    public var timeSteps: Int
    public var testAccuracy: Double
    public var testImages: Int
    public var testLoss: Double
    public var spikes: [LayerSpikes]
    /// All LIF nodes' spikes per test image.
    public var spikesPerImage: Double
    /// Epochs the level's state was trained.
    public var trainEpochs: Int
    /// Work to find this level's mask from scratch (rounds before it; EB's search up to the
    /// detection; SNIP's gradient; the ANN rounds for a transferred ticket).
    public var searchCost: CostTotals
    /// Work to train the level's ticket.
    public var trainCost: CostTotals
    /// Test-set evaluation of this level (reported, never in the totals).
    public var evalCost: CostTotals
    /// Ledger entries of the runs that produced this level's state.
    public var ledger: [CostEntry]
    /// IMP+ET: test accuracy of the round's search run at `searchTimeSteps` (T_early).
    public var searchAccuracy: Double?
    public var searchTimeSteps: Int?
    /// Early-bird: where the mask was drawn.
    public var earlyBird: EarlyBirdDetection?
    /// Transfer: the ANN's test accuracy with this round's mask.
    public var annAccuracy: Double?
    /// Structured pruning (`--structured`): the channels the level's reduced layers keep, as in
    /// its model spec (nil when every layer is whole, and in files written before it existed).
    public var keptChannels: [ChannelSelection]?
    /// Accuracy on the search's validation set (`SearchConfig.validationImages`: held-out
    /// training images), evaluated as the test set is; nil without one, and in older files.
    public var validationAccuracy: Double?
    /// Images of that evaluation.
    public var validationImages: Int?

    /// Search plus training.
    public var totalCost: CostTotals { searchCost + trainCost }
}

/// One stored level: the summary, the full state and, when the search checks targets, its fit.
public struct TicketLevel: Equatable, Sendable {
    public var info: LevelInfo
    public var state: TrainingState
    /// The level compiled for the search's targets and checked against its budgets
    /// (`SearchConfig.fit`); nil until checked, and in files without targets.
    public var fit: LevelFit?

    public init(info: LevelInfo, state: TrainingState, fit: LevelFit? = nil) {
        self.info = info
        self.state = state
        self.fit = fit
    }
}

/// Results of a search that are not levels.
public struct SearchResults: Codable, Equatable, Sendable {
    /// Optimiser step of round 0 after which the rewind state was taken.
    public var rewindStep: Int?
    /// Epochs of every round after round 0.
    public var laterRoundEpochs: Int?
    /// Early-time probe, once run.
    public var earlyTime: EarlyTimeProbe?
    /// Early-bird state per target (index = level − 1): detections and window progress.
    public var earlyBird: [EarlyBirdTargetState] = []
    /// IMP-family: cumulative search work after round k (index k) of the search chain.
    public var chainCost: [CostTotals] = []
    /// Transfer: the ANN's rounds.
    public var annRounds: [ANNRound] = []
    /// Transfer: cumulative work of the ANN search after round k.
    public var annChainCost: [CostTotals] = []
    /// SNIP: the gradient pass.
    public var saliencyCost: CostTotals?
    /// `--from`: training of the checkpoint and replay of its first epochs.
    public var sourceCost: CostTotals?
    public var replayCost: CostTotals?

    public init() {}
}

/// Early-bird progress of one target.
public struct EarlyBirdTargetState: Codable, Equatable, Sendable {
    public var target: DensityTarget
    public var kept: Int
    /// Masks pushed so far.
    public var checks: Int = 0
    /// Masks currently in the window (stored as `eb.window.<i>.<j>`).
    public var windowCount: Int = 0
    /// Distances at the latest check.
    public var lastDistances: [Double] = []
    /// Epoch position of the latest check.
    public var lastCheck: Double?
    /// Set when the ticket was drawn (or the search ended).
    public var detection: EarlyBirdDetection?

    public init(target: DensityTarget, kept: Int) {
        self.target = target
        self.kept = kept
    }
}

/// One round of the ANN search of a transferred ticket.
public struct ANNRound: Codable, Equatable, Sendable {
    public var round: Int
    public var kept: Int
    public var testAccuracy: Double
    public var trainCost: CostTotals

    public init(round: Int, kept: Int, testAccuracy: Double, trainCost: CostTotals) {
        self.round = round
        self.kept = kept
        self.testAccuracy = testAccuracy
        self.trainCost = trainCost
    }
}

/// A training run of a search: its fixed settings.
public struct RunSetup: Codable, Equatable, Sendable {
    /// Unique within a search: `round0`, `final4`, `eb.search`, `eb.retrain2`, `ann.round3`, …
    public var id: String
    /// Level the run belongs to (for progress lines).
    public var level: Int
    /// Length of the cosine schedule in epochs.
    public var epochs: Int
    /// Epochs to train (≤ `epochs`; a replay stops early).
    public var trainEpochs: Int
    /// Base peak learning rate.
    public var learningRate: Float
    /// Factor on the whole schedule (early-bird search: 2).
    public var learningRateScale: Float
    /// The schedule anneals to this learning rate (before scaling).
    public var minimumLearningRate: Float
    /// Step the cosine twice per epoch (early-bird retrain bug, off by default).
    public var doubleStep: Bool
    /// BatchIterator epoch key of the run's epoch 0; epoch e uses `streamBase + e`.
    public var streamBase: Int
    /// Whether the network is the ANN twin.
    public var ann: Bool

    public init(
        id: String, level: Int, epochs: Int, trainEpochs: Int? = nil, learningRate: Float,
        learningRateScale: Float = 1, minimumLearningRate: Float = 0, doubleStep: Bool = false,
        streamBase: Int, ann: Bool = false
    ) {
        self.id = id
        self.level = level
        self.epochs = epochs
        self.trainEpochs = trainEpochs ?? epochs
        self.learningRate = learningRate
        self.learningRateScale = learningRateScale
        self.minimumLearningRate = minimumLearningRate
        self.doubleStep = doubleStep
        self.streamBase = streamBase
        self.ann = ann
    }
}

/// The run being trained, as of its last finished epoch (its state is `states["run"]`).
public struct RunCursor: Codable, Equatable, Sendable {
    public var setup: RunSetup
    public var ledger: CostLedger
    /// Training images in one epoch of the run (the data set the search trains on, after
    /// `--train-subset`), so a reader can turn the ledger's images into epochs. Absent in files
    /// written before it was stored.
    public var imagesPerEpoch: Int?
    /// The search's own estimate, when the epoch was written, of the seconds its remaining
    /// planned training takes at that session's pace (the ETA of `snnc prune`'s progress line;
    /// evaluation and fit checks not included), so `snnc sweep status` can tell how long the
    /// whole search still trains. Absent in files written before it was stored.
    public var searchSecondsLeft: Double?

    public init(setup: RunSetup, ledger: CostLedger, imagesPerEpoch: Int? = nil, searchSecondsLeft: Double? = nil) {
        self.setup = setup
        self.ledger = ledger
        self.imagesPerEpoch = imagesPerEpoch
        self.searchSecondsLeft = searchSecondsLeft
    }
}

/// How far a search got.
public struct SearchProgress: Codable, Equatable, Sendable {
    /// Finished steps, in order.
    public var completed: [String] = []
    /// The run in progress, if any.
    public var current: RunCursor?
    public var finished = false

    public init() {}
}

/// Everything a ticket file holds, in memory.
public struct TicketDocument: Equatable, Sendable {
    public var header: TicketHeader
    /// Levels by index.
    public var levels: [Int: TicketLevel] = [:]
    public var results = SearchResults()
    public var progress = SearchProgress()
    /// Named states the search still needs (`StateKey`): `run` (in progress), `carry` (the last
    /// trained state of the search chain), `rewind`, `ann.carry`, `ann.rewind`, `source`.
    public var states: [String: TrainingState] = [:]
    /// Named masks (`MaskKey`): early-bird windows and tickets, SNIP masks, transferred masks.
    public var masks: [String: WeightMask] = [:]

    public init(header: TicketHeader) {
        self.header = header
    }

    /// Level summaries, ascending.
    public var levelInfos: [LevelInfo] { levels.sorted { $0.key < $1.key }.map(\.value.info) }
}
