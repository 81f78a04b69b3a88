import Foundation
import SNNData
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
    func execute(_ requested: RunSetup, start: () throws -> TrainingState, hooks: RunHooks = RunHooks()) throws -> RunResult {
        var setup = requested
        var ledger = CostLedger()
        var state: TrainingState
        if let cursor = document.progress.current, let saved = document[state: .run] {
            guard cursor.setup.id == requested.id else {
                throw SearchConfigError(
                    "the ticket file is in the middle of run '\(cursor.setup.id)' but the search expected "
                        + "'\(requested.id)'; it cannot be resumed")
            }
            setup = cursor.setup
            ledger = cursor.ledger
            state = saved
        } else {
            state = try start()
            state.momentum = []
            state.epochsCompleted = 0
            state.history = []
            state.config.epochs = setup.epochs
            state.config.learningRate = setup.learningRate * setup.learningRateScale
            state.notes["ticket.run"] = setup.id
            state.notes["ticket.level"] = String(setup.level)
            state.notes["ticket.method"] = header.method.rawValue
            if hooks.rewindStep == 0 { hooks.onRewind?(state) }
            document.progress.current = RunCursor(setup: setup, ledger: ledger)
        }
        let macs = setup.ann ? annMACs : snnMACs
        var trainer = try Trainer(state: state, normalization: data.normalization)
        let batches = batchesPerEpoch
        let checkBatches =
            hooks.checksPerEpoch > 0
            ? Set((0..<hooks.checksPerEpoch).map { $0 * batches / hooks.checksPerEpoch }) : []
        var stopped = false
        while !stopped && trainer.state.epochsCompleted < setup.trainEpochs {
            let epoch = trainer.state.epochsCompleted
            let timeSteps = trainer.state.spec.timeSteps
            let lr = learningRate(setup, epoch: epoch, timeSteps: timeSteps)
            let iterator = BatchIterator(
                data: data.train, batchSize: training.batchSize, epoch: setup.streamBase + epoch,
                seed: training.seed, shuffle: true, augmentation: training.augment ? .standard : .none,
                normalization: data.normalization, dropLast: false)
            let epochStart = now()
            var lossSum = 0.0
            var correct = 0
            var seen = 0
            for b in 0..<batches {
                if checkBatches.contains(b), let onCheck = hooks.onCheck {
                    let checkStart = now()
                    let stop = onCheck(trainer.state, Double(epoch) + Double(b) / Double(batches), ledger)
                    ledger.add(
                        CostEntry(
                            phase: "check", run: setup.id, timeSteps: timeSteps, images: 0, forwardMACs: 0,
                            backwardMACs: 0, seconds: now() - checkStart))
                    if stop {
                        stopped = true
                        break
                    }
                }
                let stepStart = now()
                let batch = iterator.batch(at: b)
                let (loss, right) = trainer.step(batch, learningRate: lr)
                let seconds = now() - stepStart
                ledger.record(
                    phase: hooks.phase, run: setup.id, timeSteps: timeSteps, images: batch.count, macs: macs,
                    trained: true, seconds: seconds)
                sessionWork += batch.count * (macs.forward(timeSteps: timeSteps) + macs.backward(timeSteps: timeSteps))
                sessionSeconds += seconds
                lossSum += loss * Double(batch.count)
                correct += right
                seen += batch.count
                if let rewindStep = hooks.rewindStep, rewindStep > 0, epoch * batches + b + 1 == rewindStep {
                    hooks.onRewind?(trainer.state)
                }
                onEvent(
                    .batch(
                        status(
                            setup, epoch: epoch, batch: b + 1, batches: batches, timeSteps: timeSteps,
                            meanLoss: lossSum / Double(seen), ledger: ledger)))
            }
            let seconds = now() - epochStart
            // A blown-up run stops here, before its state is saved: the file keeps the last good epoch.
            try TrainingDiverged.check(loss: lossSum, epoch: epoch, run: setup.id, parameters: trainer.state.parameters)
            var next = trainer.state
            let record = EpochRecord(
                epoch: epoch, learningRate: lr, trainLoss: lossSum / Double(max(seen, 1)),
                trainAccuracy: Double(correct) / Double(max(seen, 1)), testAccuracy: nil,
                seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9))
            if seen > 0 || !stopped { next.history.append(record) }
            if stopped {
                trainer.setState(next)
                break
            }
            next.epochsCompleted += 1
            if hooks.probeAfterEpochs == next.epochsCompleted, let onProbe = hooks.onProbe {
                try onProbe(&next, &ledger, setup.id)
                trainer = try Trainer(state: next, normalization: data.normalization)
            } else {
                trainer.setState(next)
            }
            onEvent(
                .epochFinished(
                    status(
                        setup, epoch: epoch, batch: batches, batches: batches, timeSteps: timeSteps,
                        meanLoss: lossSum / Double(max(seen, 1)), ledger: ledger), record))
            document[state: .run] = trainer.state
            document.progress.current = RunCursor(setup: setup, ledger: ledger)
            try persist(document)
            sessionEpochs += 1
            if let limit = stopAfterEpochs, sessionEpochs >= limit { throw SearchInterrupted() }
        }
        var evaluation: Evaluation?
        var evalLedger = CostLedger()
        if hooks.evaluate {
            let started = now()
            let result = trainer.evaluate(on: data.test)
            evalLedger.record(
                phase: "eval", run: setup.id, timeSteps: trainer.state.spec.timeSteps, images: result.images,
                macs: macs, trained: false, seconds: now() - started)
            trainer.recordTestAccuracy(result.accuracy)
            lastAccuracy = result.accuracy
            evaluation = result
        }
        return RunResult(state: trainer.state, ledger: ledger, evaluation: evaluation, evalLedger: evalLedger)
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
