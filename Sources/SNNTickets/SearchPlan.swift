import SNNTrain

/// The T a planned run trains at, resolved when it is needed: T_early is known only after the probe.
enum PlannedTimeSteps: Sendable {
    /// The model's full T.
    case full
    /// The early-time probe's choice (the full T until the probe ran).
    case early
    /// The full T for the first `afterEpochs` epochs, then T_early: the run that probes.
    case probed(afterEpochs: Int)
    /// One pass: the ANN twin.
    case single
    /// One-shot's dense training: `SearchConfig.searchTimeSteps` (T_pre), else the full T.
    case search

    var isANN: Bool {
        if case .single = self { return true }
        return false
    }
}

/// A training run of a plan: its fixed settings and the T most of its epochs train at.
struct PlannedRun: Sendable {
    var id: StepID
    var setup: RunSetup
    var timeSteps: PlannedTimeSteps

    /// A run named `id` whose batches come from `id`'s stream.
    init(
        _ id: StepID, level: Int, epochs: Int, learningRate: Float, learningRateScale: Float = 1,
        minimumLearningRate: Float = 0, doubleStep: Bool = false, timeSteps: PlannedTimeSteps
    ) {
        self.id = id
        self.timeSteps = timeSteps
        setup = RunSetup(
            id: id.name, level: level, epochs: epochs, learningRate: learningRate,
            learningRateScale: learningRateScale, minimumLearningRate: minimumLearningRate,
            doubleStep: doubleStep, streamBase: id.batchStreamBase, ann: timeSteps.isANN)
    }
}

/// One step of a search plan. The engine performs the steps in order, skipping completed ones;
/// `TicketSearch.plannedWork()` sums the planned runs of the steps not completed yet.
enum SearchStep: Sendable {
    /// IMP round 0: dense training from the initialisation (IMP+ET probes in it: `.probed` time steps).
    case roundZero(PlannedRun)
    /// IMP round 0 from a `--from` checkpoint: replays its first epochs (not counted as planned work).
    case replaySource(probe: Bool)
    /// IMP round k of the search chain; `retrained` when a `final` run stores the level instead.
    case round(PlannedRun, round: Int, retrained: Bool)
    /// IMP+ET: round k's ticket trained at the full T from the rewind point.
    case final(PlannedRun, round: Int)
    /// The dense early-bird search (EB+ET probes in it: `.probed` time steps).
    case earlyBirdSearch(PlannedRun)
    /// An early-bird ticket retrained from the initialisation.
    case earlyBirdRetrain(PlannedRun, target: DensityTarget)
    /// SNIP's gradient and its masks.
    case snipSaliency
    /// A SNIP or random mask trained from the initialisation.
    case oneShot(PlannedRun, target: DensityTarget)
    /// Transfer: IMP round k on the ANN twin.
    case annRound(PlannedRun, round: Int)
    /// Transfer: round k's ANN mask trained on the SNN.
    case transfer(PlannedRun, round: Int)
    /// One-shot: the dense training at T_pre and every target's magnitude mask.
    case oneShotSearch(PlannedRun)
    /// Grad R or Deep R: one run that trains and prunes a target's level.
    case rewire(PlannedRun, target: DensityTarget)

    /// The step's entry in `progress.completed`.
    var id: StepID {
        switch self {
        case .replaySource: .round(0)
        case .snipSaliency: .snipSaliency
        case .roundZero(let run), .round(let run, _, _), .final(let run, _), .earlyBirdSearch(let run),
            .earlyBirdRetrain(let run, _), .oneShot(let run, _), .annRound(let run, _), .transfer(let run, _), .rewire(let run, _),
            .oneShotSearch(let run):
            run.id
        }
    }

    /// The training the plan counts for this step.
    var plannedRun: PlannedRun? {
        switch self {
        case .replaySource, .snipSaliency: nil
        case .roundZero(let run), .round(let run, _, _), .final(let run, _), .earlyBirdSearch(let run),
            .earlyBirdRetrain(let run, _), .oneShot(let run, _), .annRound(let run, _), .transfer(let run, _), .rewire(let run, _),
            .oneShotSearch(let run):
            run
        }
    }
}

extension TicketSearch {
    /// Every step of this search, in order: the one plan the engine runs and the progress estimate sums.
    func plan() -> [SearchStep] {
        switch header.method {
        case .imp, .impET: iterativeMagnitudePlan()
        case .eb, .ebET: earlyBirdPlan()
        case .snip: snipPlan()
        case .random: randomPlan()
        case .transfer: transferPlan()
        case .gradR, .deepR: rewiringPlan()
        case .oneShot: oneShotMagnitudePlan()
        }
    }

    /// Performs one step of the plan (its results go into the document; it is marked complete).
    func perform(_ step: SearchStep) throws {
        switch step {
        case .roundZero(let run): try trainRoundZero(run)
        case .replaySource(let probe): try replaySource(probe: probe)
        case .round(let run, let k, let retrained): try trainRound(run, round: k, retrained: retrained)
        case .final(let run, let k): try trainFinal(run, round: k)
        case .earlyBirdSearch(let run): try searchEarlyBird(run)
        case .earlyBirdRetrain(let run, let target): try retrainEarlyBird(run, target: target)
        case .snipSaliency: try computeSaliency()
        case .oneShot(let run, let target): try trainOneShot(run, target: target)
        case .annRound(let run, let k): try trainANNRound(run, round: k)
        case .transfer(let run, let k): try trainTransferred(run, round: k)
        case .rewire(let run, let target): try trainRewiring(run, target: target)
        case .oneShotSearch(let run): try searchOneShot(run)
        }
    }

    /// The T epoch `epoch` of a planned run trains at, as far as the search knows it now.
    func timeSteps(_ planned: PlannedTimeSteps, epoch: Int = 0) -> Int {
        let early = document.results.earlyTime?.chosen ?? fullT
        switch planned {
        case .full: return fullT
        case .early: return early
        case .probed(let afterEpochs): return epoch < afterEpochs ? fullT : early
        case .single: return 1
        case .search: return search.searchTimeSteps ?? fullT
        }
    }

    /// Training work of the planned runs not yet finished (the current one in full).
    func plannedWork() -> Int {
        plan().filter { !isCompleted($0.id) }.compactMap(\.plannedRun).reduce(0) { $0 + plannedWork(of: $1) }
    }

    /// Training work of one planned run: every epoch's images forward and backward at its T.
    func plannedWork(of run: PlannedRun) -> Int {
        let macs = run.setup.ann ? annMACs : snnMACs
        return (0..<run.setup.epochs).reduce(0) { total, epoch in
            let t = timeSteps(run.timeSteps, epoch: epoch)
            return total + data.train.count * (macs.forward(timeSteps: t) + macs.backward(timeSteps: t))
        }
    }

    /// Epochs of every round after round 0: the round length minus the rewind point.
    var laterRoundEpochs: Int {
        search.rewind.laterRoundEpochs(batchesPerEpoch: batchesPerEpoch, epochs: training.epochs)
    }

    /// The optimiser step of round 0 that `--rewind` names (counted from the start of round 0).
    var rewindStep: Int {
        search.rewind.step(batchesPerEpoch: batchesPerEpoch, epochs: training.epochs)
    }

    /// The optimiser step of round 0 after which the rewind state is taken: `rewindStep`, or
    /// that many steps after the probe when IMP+ET rewinds after it.
    var rewindCaptureStep: Int {
        search.rewindCaptureStep(batchesPerEpoch: batchesPerEpoch, epochs: training.epochs)
    }
}
