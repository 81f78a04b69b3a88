import Foundation
import SNNData
import SNNTensor
import SNNTrain

/// The run engine: one training run of a plan, epoch by epoch, resumable after every epoch.
extension TicketSearch {
    struct RunHooks {
        /// Take the rewind state once this many optimiser steps of the run are done (0 = the start).
        var rewindStep: Int?
        var onRewind: ((TrainingState) -> Void)?
        /// Checks per epoch at evenly spaced batches (the first before batch 0).
        var checksPerEpoch = 0
        /// Called with the state, the epoch position and the run's ledger so far; true stops the run.
        var onCheck: ((TrainingState, Double, CostLedger) -> Bool)?
        var probeAfterEpochs: Int?
        var onProbe: ((inout TrainingState, inout CostLedger, String) throws -> Void)?
        /// Evaluate on the test set at the end.
        var evaluate = true
        /// Ledger phase of the training steps.
        var phase = "train"
        /// Replaces SGD: called with the parameters, momentum buffers, gradients, learning rate
        /// and the run's optimiser step (0-based) of every batch (the rewiring searches).
        var optimizer: ((inout ParameterSet, inout [Tensor], [Tensor], Float, Int) -> Void)?
        /// Called before every epoch's state is written, to put search state into the document.
        var beforeSave: (() -> Void)?
        /// Changes the trained state once, before the evaluation (the rewiring searches' masks).
        var finalize: ((inout TrainingState) -> Void)?
        /// The run learns its mask: report the weights' sparsity with every epoch.
        var learnsMask = false
    }

    struct RunResult {
        var state: TrainingState
        var ledger: CostLedger
        /// `nil` when the run was not evaluated (early-bird search, replay).
        var evaluation: Evaluation?
        var evalLedger: CostLedger

        var accuracy: Double { evaluation?.accuracy ?? 0 }
    }

    /// Trains run `setup` from `start()` — or from its stored state when the document holds this
    /// run in progress — writing the document after every epoch. Does not mark it complete.
    ///
    /// The steps: `resumeOrBegin`; then, per epoch, `trainBatches` (each check batch's hook, each
    /// optimiser step) and `finishEpoch` (divergence check, history, probe, report, `save`); at the
    /// end `evaluateIfAsked`.
    func execute(_ requested: RunSetup, start: () throws -> TrainingState, hooks: RunHooks = RunHooks()) throws -> RunResult {
        let (setup, resumedLedger, state) = try resumeOrBegin(requested, start: start, hooks: hooks)
        var ledger = resumedLedger
        let macs = setup.ann ? annMACs : state.spec.keptChannels == nil ? snnMACs : try LayerGraph(state.spec).macs
        let run = RunContext(setup: setup, hooks: hooks, macs: macs, batches: batchesPerEpoch)
        var trainer = try Trainer(state: state, normalization: data.normalization)
        while trainer.state.epochsCompleted < setup.trainEpochs {
            let epoch = EpochContext(
                index: trainer.state.epochsCompleted, timeSteps: trainer.state.spec.timeSteps, run: run, search: self)
            let iterator = trainingBatches(of: setup, epoch: epoch.index)
            let epochStart = now()
            let tally = trainBatches(iterator, epoch: epoch, trainer: &trainer, ledger: &ledger)
            let seconds = now() - epochStart
            guard try finishEpoch(epoch, tally: tally, seconds: seconds, trainer: &trainer, ledger: &ledger) else { break }
        }
        if let finalize = hooks.finalize {
            var state = trainer.state
            finalize(&state)
            trainer = try Trainer(state: state, normalization: data.normalization)
        }
        let (evaluation, evalLedger) = evaluateIfAsked(&trainer, run: run)
        return RunResult(state: trainer.state, ledger: ledger, evaluation: evaluation, evalLedger: evalLedger)
    }

    /// The run's setup, ledger and state: those stored in the document when it holds this run in
    /// progress, else a fresh start (`beginRun`), which the document then records as current.
    /// - Throws: `SearchConfigError` when the document is in the middle of another run; errors of
    ///   `start`.
    private func resumeOrBegin(
        _ requested: RunSetup, start: () throws -> TrainingState, hooks: RunHooks
    ) throws -> (setup: RunSetup, ledger: CostLedger, state: TrainingState) {
        if let cursor = document.progress.current, let saved = document[state: .run] {
            guard cursor.setup.id == requested.id else {
                throw SearchConfigError(
                    "the ticket file is in the middle of run '\(cursor.setup.id)' but the search expected "
                        + "'\(requested.id)'; it cannot be resumed")
            }
            return (cursor.setup, cursor.ledger, saved)
        }
        let state = try beginRun(requested, start: start, hooks: hooks)
        document.progress.current = RunCursor(setup: requested, ledger: CostLedger(), imagesPerEpoch: data.train.count)
        return (requested, CostLedger(), state)
    }

    /// The state a new run starts from: `start()` without momentum or history, with the run's
    /// epochs, learning rate and ticket notes; hands it to the rewind hook when the rewind point
    /// is the start.
    private func beginRun(_ setup: RunSetup, start: () throws -> TrainingState, hooks: RunHooks) throws -> TrainingState {
        var state = try start()
        state.momentum = []
        state.epochsCompleted = 0
        state.history = []
        state.config.epochs = setup.epochs
        state.config.learningRate = setup.learningRate * setup.learningRateScale
        state.notes["ticket.run"] = setup.id
        state.notes["ticket.level"] = String(setup.level)
        state.notes["ticket.method"] = header.method.rawValue
        if hooks.rewindStep == 0 { hooks.onRewind?(state) }
        return state
    }

    /// The shuffled (and, when the training config says so, augmented) training batches of a
    /// run's epoch; the run's `streamBase` offsets the epoch's random stream.
    private func trainingBatches(of setup: RunSetup, epoch: Int) -> BatchIterator {
        BatchIterator(
            data: data.train, batchSize: training.batchSize, epoch: setup.streamBase + epoch,
            seed: training.seed, shuffle: true, augmentation: training.augment ? .standard : .none,
            normalization: data.normalization, dropLast: false)
    }

    /// Trains the epoch's batches in order. Before each check batch the check hook runs, and may
    /// stop the run there (`tally.stopped`, the remaining batches untrained).
    private func trainBatches(
        _ iterator: BatchIterator, epoch: EpochContext, trainer: inout Trainer, ledger: inout CostLedger
    ) -> EpochTally {
        var tally = EpochTally()
        for b in 0..<epoch.run.batches {
            if checkStops(beforeBatch: b, epoch: epoch, state: trainer.state, ledger: &ledger) {
                tally.stopped = true
                break
            }
            trainStep(b, of: iterator, epoch: epoch, trainer: &trainer, ledger: &ledger, tally: &tally)
        }
        return tally
    }

    /// Runs the check hook when batch `b` is one of the epoch's check batches, charging its time
    /// to `ledger` as a "check" entry.
    /// - Returns: true when the hook stops the run.
    private func checkStops(beforeBatch b: Int, epoch: EpochContext, state: TrainingState, ledger: inout CostLedger) -> Bool {
        let run = epoch.run
        guard run.checkBatches.contains(b), let onCheck = run.hooks.onCheck else { return false }
        let checkStart = now()
        let stop = onCheck(state, Double(epoch.index) + Double(b) / Double(run.batches), ledger)
        ledger.add(
            CostEntry(
                phase: "check", run: run.setup.id, timeSteps: epoch.timeSteps, images: 0, forwardMACs: 0,
                backwardMACs: 0, seconds: now() - checkStart))
        return stop
    }

    /// One optimiser step on batch `b` of the epoch: its cost goes to `ledger` and the session's
    /// counters, its loss and hits to `tally`; takes the rewind state when this step is the
    /// rewind point, and reports the batch.
    private func trainStep(
        _ b: Int, of iterator: BatchIterator, epoch: EpochContext, trainer: inout Trainer, ledger: inout CostLedger,
        tally: inout EpochTally
    ) {
        let run = epoch.run
        let timeSteps = epoch.timeSteps
        let stepStart = now()
        let batch = iterator.batch(at: b)
        let (loss, right): (Double, Int)
        if let optimizer = run.hooks.optimizer {
            let (learningRate, index) = (epoch.learningRate, epoch.index * run.batches + b)
            (loss, right) = trainer.step(batch) { optimizer(&$0, &$1, $2, learningRate, index) }
        } else {
            (loss, right) = trainer.step(batch, learningRate: epoch.learningRate)
        }
        let seconds = now() - stepStart
        ledger.record(
            phase: run.hooks.phase, run: run.setup.id, timeSteps: timeSteps, images: batch.count, macs: run.macs,
            trained: true, seconds: seconds)
        sessionWork += batch.count * (run.macs.forward(timeSteps: timeSteps) + run.macs.backward(timeSteps: timeSteps))
        sessionSeconds += seconds
        tally.lossSum += loss * Double(batch.count)
        tally.correct += right
        tally.seen += batch.count
        if let rewindStep = run.hooks.rewindStep, rewindStep > 0, epoch.index * run.batches + b + 1 == rewindStep {
            run.hooks.onRewind?(trainer.state)
        }
        onEvent(
            .batch(
                status(
                    run.setup, epoch: epoch.index, batch: b + 1, batches: run.batches, timeSteps: timeSteps,
                    meanLoss: tally.lossSum / Double(tally.seen), ledger: ledger)))
    }

    /// Ends an epoch. A diverged loss throws before anything is saved (the file keeps the last
    /// good epoch). The epoch's record joins the history, unless a check stopped the run before
    /// the first batch. A stopped run ends there, its epoch uncounted; otherwise the epoch is
    /// counted, the probe runs when due (`advance`), the epoch is reported and saved (`save`).
    /// - Returns: false when a check stopped the run.
    /// - Throws: `TrainingDiverged`; errors of the probe and of `persist`; `SearchInterrupted`.
    private func finishEpoch(
        _ epoch: EpochContext, tally: EpochTally, seconds: Double, trainer: inout Trainer, ledger: inout CostLedger
    ) throws -> Bool {
        let run = epoch.run
        try TrainingDiverged.check(loss: tally.lossSum, epoch: epoch.index, run: run.setup.id, parameters: trainer.state.parameters)
        var next = trainer.state
        let record = EpochRecord(
            epoch: epoch.index, learningRate: epoch.learningRate, trainLoss: tally.meanLoss,
            trainAccuracy: Double(tally.correct) / Double(max(tally.seen, 1)), testAccuracy: nil,
            seconds: seconds, imagesPerSecond: Double(tally.seen) / max(seconds, 1e-9))
        if tally.seen > 0 || !tally.stopped { next.history.append(record) }
        if tally.stopped {
            trainer.setState(next)
            return false
        }
        next.epochsCompleted += 1
        try advance(&trainer, to: next, run: run, ledger: &ledger)
        var finished = status(
            run.setup, epoch: epoch.index, batch: run.batches, batches: run.batches, timeSteps: epoch.timeSteps,
            meanLoss: tally.meanLoss, ledger: ledger)
        if run.hooks.learnsMask {
            let parameters = trainer.state.parameters
            finished.weightSparsity = 100 * Double(parameters.zeroWeightCount) / Double(max(parameters.prunableCount, 1))
        }
        onEvent(.epochFinished(finished, record))
        try save(trainer.state, run: run, ledger: ledger)
        return true
    }

    /// Moves the trainer to the state after an epoch: through the probe hook (and a new trainer
    /// for the state it leaves) when the probe is due after this many epochs, else directly.
    private func advance(_ trainer: inout Trainer, to state: TrainingState, run: RunContext, ledger: inout CostLedger) throws {
        var next = state
        if run.hooks.probeAfterEpochs == next.epochsCompleted, let onProbe = run.hooks.onProbe {
            try onProbe(&next, &ledger, run.setup.id)
            trainer = try Trainer(state: next, normalization: data.normalization)
        } else {
            trainer.setState(next)
        }
    }

    /// Records the run's state and ledger in the document, writes it, and counts the epoch
    /// against the session's budget.
    /// - Throws: errors of `persist`; `SearchInterrupted` once `stopAfterEpochs` epochs are done.
    private func save(_ state: TrainingState, run: RunContext, ledger: CostLedger) throws {
        run.hooks.beforeSave?()
        document[state: .run] = state
        document.progress.current = RunCursor(
            setup: run.setup, ledger: ledger, imagesPerEpoch: data.train.count, searchSecondsLeft: secondsLeft(afterRun: ledger))
        try persist(document)
        sessionEpochs += 1
        if let limit = stopAfterEpochs, sessionEpochs >= limit { throw SearchInterrupted() }
    }

    /// Evaluates the trained model on the test set when the hooks ask for it, recording the
    /// accuracy in the state's history and as `lastAccuracy`; the evaluation's cost goes to a
    /// ledger of its own. Returns nil and an empty ledger otherwise.
    private func evaluateIfAsked(_ trainer: inout Trainer, run: RunContext) -> (Evaluation?, CostLedger) {
        var evalLedger = CostLedger()
        guard run.hooks.evaluate else { return (nil, evalLedger) }
        let started = now()
        let result = trainer.evaluate(on: data.test)
        evalLedger.record(
            phase: "eval", run: run.setup.id, timeSteps: trainer.state.spec.timeSteps, images: result.images,
            macs: run.macs, trained: false, seconds: now() - started)
        trainer.recordTestAccuracy(result.accuracy)
        lastAccuracy = result.accuracy
        return (result, evalLedger)
    }

    /// The learning rate of a run's epoch: cosine from the peak to the minimum over the run's
    /// length (stepped twice per epoch under `doubleStep`), times the run's scale, times
    /// T_early/T while an early-time search trains at T_early and the code's loss scaling is on.
    func learningRate(_ setup: RunSetup, epoch: Int, timeSteps: Int) -> Float {
        let step = setup.doubleStep ? 2 * epoch : epoch
        var lr: Float
        if setup.minimumLearningRate == 0 {
            var config = training
            config.epochs = setup.epochs
            config.learningRate = setup.learningRate
            lr = config.learningRate(atEpoch: step)  // the same bits as `snnc train`
        } else {
            let phase = Double.pi * Double(step) / Double(setup.epochs)
            lr = Float(
                Double(setup.minimumLearningRate)
                    + Double(setup.learningRate - setup.minimumLearningRate) * (1 + cos(phase)) / 2)
        }
        var scale = setup.learningRateScale
        if !setup.ann && timeSteps < fullT && search.earlyTime.scaleLossByTimeSteps {
            scale *= Float(timeSteps) / Float(fullT)
        }
        return scale == 1 ? lr : lr * scale
    }

    /// One deterministic batch of training images (with the training augmentation), for the
    /// probe and SNIP.
    func fixedBatch(images: Int, stream: Int) -> Batch {
        BatchIterator(
            data: data.train, batchSize: max(images, 1), epoch: stream, seed: training.seed, shuffle: true,
            augmentation: training.augment ? .standard : .none, normalization: data.normalization
        ).batch(at: 0)
    }
}

/// What stays fixed through a run: its setup and hooks, the MACs it charges per image, its
/// batches per epoch and the batches before which the check hook runs.
private struct RunContext {
    var setup: RunSetup
    var hooks: TicketSearch.RunHooks
    var macs: MACCount
    var batches: Int
    /// `checksPerEpoch` batch numbers evenly spaced over the epoch, the first 0; empty without checks.
    var checkBatches: Set<Int>

    init(setup: RunSetup, hooks: TicketSearch.RunHooks, macs: MACCount, batches: Int) {
        self.setup = setup
        self.hooks = hooks
        self.macs = macs
        self.batches = batches
        let checks = hooks.checksPerEpoch
        checkBatches = checks > 0 ? Set((0..<checks).map { $0 * batches / checks }) : []
    }
}

/// What stays fixed through one epoch of a run: its number, the model's time steps and the
/// learning rate.
private struct EpochContext {
    var index: Int
    var timeSteps: Int
    var learningRate: Float
    var run: RunContext

    init(index: Int, timeSteps: Int, run: RunContext, search: TicketSearch) {
        self.index = index
        self.timeSteps = timeSteps
        self.run = run
        learningRate = search.learningRate(run.setup, epoch: index, timeSteps: timeSteps)
    }
}

/// What an epoch's trained batches add up to.
private struct EpochTally {
    /// Sum of the batches' mean losses, each times its batch size.
    var lossSum = 0.0
    var correct = 0
    var seen = 0
    /// A check stopped the run before the epoch's end.
    var stopped = false

    /// Mean loss per image (0 before any image).
    var meanLoss: Double { lossSum / Double(max(seen, 1)) }
}
