import SNNTrain

/// A step of a search, and the run that trains it. Its `name` is what a ticket file records in
/// `progress.completed`, `RunSetup.id`, ledger entries and the `ticket.run` note, so the names
/// never change: files written by older builds must resume.
enum StepID: Hashable, Sendable, CustomStringConvertible {
    /// Evaluating the `--from` checkpoint as level 0.
    case source
    /// Re-training the `--from` checkpoint's first epochs (a run inside step `round(0)`).
    case replay
    /// IMP round k of the search chain (round 0: dense training).
    case round(Int)
    /// IMP+ET: round k's ticket retrained at the full T.
    case final(Int)
    /// The dense early-bird search.
    case earlyBirdSearch
    /// The early-bird ticket of a level retrained from the initialisation.
    case earlyBirdRetrain(level: Int)
    /// SNIP's gradient at initialisation.
    case snipSaliency
    /// A SNIP mask trained from the initialisation.
    case snipTrain(level: Int)
    /// A random mask trained from the initialisation.
    case randomTrain(level: Int)
    /// Transfer: IMP round k on the ANN twin.
    case annRound(Int)
    /// Transfer: round k's ANN mask trained on the SNN.
    case transfer(round: Int)
    /// Grad R: the run that trains (and prunes) a level from the initialisation.
    case gradRTrain(level: Int)
    /// Deep R: the run that trains (and rewires) a level from its random initial mask.
    case deepRTrain(level: Int)
    /// One-shot: the dense training at T_pre whose magnitudes give every target's mask.
    case oneShotSearch
    /// One-shot: a target's mask trained from the initialisation at the full T.
    case oneShotTrain(level: Int)

    /// The name stored in ticket files.
    var name: String {
        switch self {
        case .source: "source"
        case .replay: "replay"
        case .round(let k): "round\(k)"
        case .final(let k): "final\(k)"
        case .earlyBirdSearch: "eb.search"
        case .earlyBirdRetrain(let level): "eb.retrain\(level)"
        case .snipSaliency: "snip.saliency"
        case .snipTrain(let level): "snip.train\(level)"
        case .randomTrain(let level): "random.train\(level)"
        case .annRound(let k): "ann.round\(k)"
        case .transfer(let k): "transfer\(k)"
        case .gradRTrain(let level): "gradr.train\(level)"
        case .deepRTrain(let level): "deepr.train\(level)"
        case .oneShotSearch: "oneshot.search"
        case .oneShotTrain(let level): "oneshot.train\(level)"
        }
    }

    var description: String { name }

    /// The step a stored name names (`name` read back); nil for a name no step has, or one not
    /// written as `name` writes it (`round03`).
    init?(name: String) {
        let fixed: [StepID] = [.source, .replay, .earlyBirdSearch, .snipSaliency, .oneShotSearch]
        if let step = fixed.first(where: { $0.name == name }) {
            self = step
            return
        }
        let numbered: [(prefix: String, step: (Int) -> StepID)] = [
            ("round", { .round($0) }), ("final", { .final($0) }), ("eb.retrain", { .earlyBirdRetrain(level: $0) }),
            ("snip.train", { .snipTrain(level: $0) }), ("random.train", { .randomTrain(level: $0) }),
            ("ann.round", { .annRound($0) }), ("transfer", { .transfer(round: $0) }), ("gradr.train", { .gradRTrain(level: $0) }),
            ("deepr.train", { .deepRTrain(level: $0) }), ("oneshot.train", { .oneShotTrain(level: $0) }),
        ]
        for (prefix, step) in numbered where name.hasPrefix(prefix) {
            guard let k = Int(name.dropFirst(prefix.count)), k >= 0, step(k).name == name else { continue }
            self = step(k)
            return
        }
        return nil
    }

    /// The `BatchIterator` epoch key of the run's epoch 0 (epoch e uses this + e), which keeps
    /// every run's batches apart. Steps that train no run of their own have 0.
    var batchStreamBase: Int {
        switch self {
        case .source, .replay, .earlyBirdSearch, .snipSaliency, .oneShotSearch: 0
        case .round(let k), .annRound(let k): k * RandomStream.perRound
        case .final(let k): k * RandomStream.perRound + RandomStream.retrainOffset
        case .earlyBirdRetrain(let level): RandomStream.earlyBirdRetrain + level * RandomStream.perRound
        case .snipTrain(let level), .randomTrain(let level): RandomStream.oneShotTrain + level * RandomStream.perRound
        case .transfer(let k): RandomStream.transferTrain + k * RandomStream.perRound
        case .gradRTrain(let level), .deepRTrain(let level): RandomStream.rewiringTrain + level * RandomStream.perRound
        case .oneShotTrain(let level): RandomStream.oneShotRetrain + level * RandomStream.perRound
        }
    }
}

/// The keys a search draws its random numbers with. They decide which batches, probe images and
/// random masks a search sees, so they are part of what makes a resumed search the same bits:
/// never change them.
enum RandomStream {
    /// Between the batch streams of consecutive rounds or levels.
    static let perRound = 100_000
    /// IMP+ET: the retrain of round k draws from round k's stream plus this.
    static let retrainOffset = 50_000
    /// Early-bird retrains, offset by level.
    static let earlyBirdRetrain = 10_000_000
    /// SNIP and random masks' training, offset by level.
    static let oneShotTrain = 20_000_000
    /// Transferred tickets' SNN training, offset by round.
    static let transferTrain = 30_000_000
    /// Grad R's and Deep R's training, offset by level.
    static let rewiringTrain = 40_000_000
    /// One-shot magnitude tickets' training, offset by level.
    static let oneShotRetrain = 50_000_000
    /// The early-time probe's batch.
    static let probeBatch = 90_000_000
    /// SNIP's gradient batch.
    static let snipBatch = 90_000_001
    /// A random mask's seed: derived from the training seed with this plus the level ("rand").
    static let randomMask: UInt64 = 0x7261_6E64
    /// Deep R's initial mask: derived from the training seed with this plus the level ("deep").
    static let deepRMask: UInt64 = 0x6465_6570
    /// Deep R's noise and reactivations: this plus the level, then the run's optimiser step ("wire").
    static let deepRStep: UInt64 = 0x7769_7265
}

/// Names of the states a ticket file keeps while a search runs (`/states/<name>`).
enum StateKey: String, Sendable {
    /// The run in progress, as of its last finished epoch.
    case run
    /// The last trained state of the IMP chain.
    case carry
    /// The state IMP rewinds to.
    case rewind
    /// Transfer: the last trained state of the ANN chain and the ANN's rewind state.
    case annCarry = "ann.carry"
    case annRewind = "ann.rewind"
    /// The `--from` checkpoint until it is evaluated.
    case source
    /// Grad R: the hidden strengths θ of the run in progress (the prunable parameters' values are
    /// θ, not weights), as of its last finished epoch.
    case gradRTheta = "gradr.theta"
}

/// Names of the masks a ticket file keeps while a search runs (`/masks/<name>`).
enum MaskKey: Hashable, Sendable {
    /// The early-bird ticket of a level.
    case earlyBirdTicket(level: Int)
    /// Slot `slot` of the early-bird window of a level.
    case earlyBirdWindow(level: Int, slot: Int)
    /// The SNIP mask of a level.
    case snip(level: Int)
    /// The one-shot magnitude mask of a level.
    case oneShot(level: Int)
    /// The ANN mask of transfer round k.
    case transfer(round: Int)

    /// The name stored in ticket files.
    var name: String {
        switch self {
        case .earlyBirdTicket(let level): "eb.ticket\(level)"
        case .earlyBirdWindow(let level, let slot): "eb.window\(level).\(slot)"
        case .snip(let level): "snip\(level)"
        case .oneShot(let level): "oneshot\(level)"
        case .transfer(let k): "transfer\(k)"
        }
    }

    /// Whether a stored name is a slot of some early-bird window.
    static func isEarlyBirdWindow(_ name: String) -> Bool { name.hasPrefix("eb.window") }
}

extension TicketDocument {
    /// The state stored under `key`.
    subscript(state key: StateKey) -> TrainingState? {
        get { states[key.rawValue] }
        set { states[key.rawValue] = newValue }
    }

    /// The mask stored under `key`.
    subscript(mask key: MaskKey) -> WeightMask? {
        get { masks[key.name] }
        set { masks[key.name] = newValue }
    }
}
