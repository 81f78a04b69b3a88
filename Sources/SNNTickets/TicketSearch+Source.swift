import SNNTrain

/// `--from`: a dense checkpoint is level 0; IMP replays its first epochs instead of round 0.
extension TicketSearch {
    /// Evaluates a `--from` checkpoint as level 0; its training cost is reconstructed from its
    /// history (images per epoch × MACs at T; seconds as recorded).
    func evaluateSource() throws {
        guard var state = document[state: .source] else { return }
        var trainer = try Trainer(state: state, normalization: data.normalization)
        let started = now()
        let evaluation = trainer.evaluate(on: data.test)
        var evalLedger = CostLedger()
        evalLedger.record(
            phase: "eval", run: StepID.source.name, timeSteps: state.spec.timeSteps, images: evaluation.images,
            macs: snnMACs, trained: false, seconds: now() - started)
        var sourceLedger = CostLedger()
        for record in state.history {
            sourceLedger.record(
                phase: "source", run: StepID.source.name, timeSteps: state.spec.timeSteps, images: data.train.count,
                macs: snnMACs, trained: true, seconds: record.seconds)
        }
        state.notes["ticket.level"] = "0"
        document.results.sourceCost = sourceLedger.total()
        let result = RunResult(state: state, ledger: sourceLedger, evaluation: evaluation, evalLedger: evalLedger)
        storeLevel(0, result, label: "dense (checkpoint)", round: 0, search: .zero)
        document[state: .source] = nil
        try complete(.source)
    }

    /// IMP's round 0 from a checkpoint: replays its first epochs (same seed, same batches, same
    /// learning rates, so the same bits as `snnc train`) to recover the rewind state and, for
    /// IMP+ET, to probe at epoch N. Every replayed epoch's training loss must equal the
    /// checkpoint's history.
    func replaySource(probe: Bool) throws {
        guard let source = document.levels[0]?.state else {
            throw SearchConfigError("the ticket file lacks level 0, the checkpoint it started from; it cannot be resumed")
        }
        let probeEpochs = probe ? min(search.earlyTime.probeAfterEpochs, training.epochs) : 0
        let replayEpochs = max((rewindStep + batchesPerEpoch - 1) / batchesPerEpoch, probeEpochs)
        var replayCost = CostTotals.zero
        if replayEpochs == 0 {
            takeRewind(base, key: .rewind)
        } else {
            let setup = RunSetup(
                id: StepID.replay.name, level: 0, epochs: training.epochs, trainEpochs: replayEpochs,
                learningRate: training.learningRate, streamBase: StepID.replay.batchStreamBase)
            var hooks = RunHooks()
            hooks.rewindStep = rewindStep
            hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: .rewind) }
            hooks.evaluate = false
            hooks.phase = "replay"
            if probe { addProbe(to: &hooks, afterEpochs: probeEpochs, switchTimeSteps: false) }
            let result = try execute(setup, start: { self.base }, hooks: hooks)
            for (replayed, original) in zip(result.state.history, source.history) where replayed.trainLoss != original.trainLoss {
                throw SearchConfigError(
                    "replaying epoch \(replayed.epoch + 1) of the checkpoint gave training loss "
                        + "\(replayed.trainLoss), its history says \(original.trainLoss); it was written by "
                        + "another snnc build or BLAS setup, so its rewind point cannot be recovered "
                        + "(hint: use --rewind init)")
            }
            replayCost = result.ledger.total()
        }
        document.results.replayCost = replayCost
        document.results.chainCost = [(document.results.sourceCost ?? .zero) + replayCost]
        document[state: .carry] = source
        if probe, let chosen = document.results.earlyTime?.chosen {
            onEvent(.note("early-time: later rounds train at T = \(chosen)"))
        }
        try complete(.round(0))
    }
}
