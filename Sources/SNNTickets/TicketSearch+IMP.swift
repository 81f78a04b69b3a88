import SNNTrain

/// IMP and IMP+ET: round 0 trains densely (IMP+ET probes T_early in it), every later round
/// prunes `rate` of the carry's survivors, rewinds and trains; IMP+ET's rounds train at T_early
/// and a reported round's ticket is retrained at the full T (`final k`) before the chain goes on.
extension TicketSearch {
    func iterativeMagnitudePlan() -> [SearchStep] {
        let et = header.method == .impET
        let rounds = search.rounds
        let reported = Set(search.reportedRounds)
        let later = laterRoundEpochs
        var steps: [SearchStep]
        if header.source != nil, document.levels[0] != nil {
            steps = [.replaySource(probe: et)]
        } else {
            let probeEpochs = min(search.earlyTime.probeAfterEpochs, training.epochs)
            let minimum = et ? search.earlyTime.roundZeroMinimumLearningRate * training.learningRate : 0
            steps = [
                .roundZero(
                    PlannedRun(
                        .round(0), level: 0, epochs: training.epochs, learningRate: training.learningRate,
                        minimumLearningRate: minimum, timeSteps: et ? .probed(afterEpochs: probeEpochs) : .full))
            ]
        }
        for k in stride(from: 1, through: rounds, by: 1) {
            let retrained = et && (reported.contains(k) || k == rounds)
            if retrained {
                steps.append(
                    .final(
                        PlannedRun(
                            .final(k), level: k, epochs: later, learningRate: training.learningRate,
                            timeSteps: .full), round: k))
            }
            if !et || k < rounds {
                steps.append(
                    .round(
                        PlannedRun(
                            .round(k), level: k, epochs: later, learningRate: training.learningRate,
                            timeSteps: et ? .early : .full), round: k, retrained: retrained))
            }
        }
        return steps
    }

    /// Round 0 from the initialisation: takes the rewind state on the way (and probes T_early).
    /// When IMP+ET rewinds after the probe at `init`, the probe hook takes it (a step hook at the
    /// probe's step would fire before the probe, at the end of that epoch's last batch).
    func trainRoundZero(_ run: PlannedRun) throws {
        var hooks = RunHooks()
        let rewindAtProbe = search.rewindAfterProbe == true && rewindStep == 0
        if !rewindAtProbe {
            hooks.rewindStep = rewindCaptureStep
            hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: .rewind) }
        }
        if case .probed(let afterEpochs) = run.timeSteps {
            addProbe(to: &hooks, afterEpochs: afterEpochs, switchTimeSteps: true, thenRewind: rewindAtProbe)
        }
        let result = try execute(run.setup, start: { self.base }, hooks: hooks)
        storeLevel(0, result, label: "dense", round: 0, search: .zero)
        document.results.chainCost = [result.ledger.total()]
        document[state: .carry] = trimmed(result.state)
        try complete(run.id)
    }

    /// IMP+ET: round k's ticket (the carry pruned and rewound) trained at the full T; stores level k.
    func trainFinal(_ run: PlannedRun, round k: Int) throws {
        let chainBefore = try chainCost(before: k)
        let timeSteps = self.timeSteps(run.timeSteps)
        let result = try execute(run.setup, start: { try self.ticketStart(carry: .carry, rewind: .rewind, timeSteps: timeSteps, round: k) })
        storeLevel(k, result, label: "round \(k)", round: k, search: chainBefore)
        try complete(run.id)
    }

    /// Round k of the search chain: prunes the carry, rewinds, trains; the result is the next carry.
    func trainRound(_ run: PlannedRun, round k: Int, retrained: Bool) throws {
        let chainBefore = try chainCost(before: k)
        let timeSteps = self.timeSteps(run.timeSteps)
        let result = try execute(run.setup, start: { try self.ticketStart(carry: .carry, rewind: .rewind, timeSteps: timeSteps, round: k) })
        if retrained {
            document.levels[k]?.info.searchAccuracy = result.accuracy
            document.levels[k]?.info.searchTimeSteps = result.state.spec.timeSteps
        } else {
            storeLevel(k, result, label: "round \(k)", round: k, search: chainBefore)
        }
        document.results.chainCost.append(chainBefore + result.ledger.total())
        document[state: .carry] = trimmed(result.state)
        try complete(run.id)
    }

    /// Cumulative search work of the chain up to round k − 1.
    private func chainCost(before k: Int) throws -> CostTotals {
        guard document.results.chainCost.indices.contains(k - 1) else {
            throw SearchConfigError("the ticket file lacks the search cost of round \(k - 1); it cannot be resumed")
        }
        return document.results.chainCost[k - 1]
    }

    /// Round k's starting state: prune `rate` of the carry's survivors by |w|, then rewind the
    /// kept weights (and every bias and BN γ/β) to the rewind state. BN running statistics stay
    /// the carry's unless `rewindBatchNormStatistics`. The optimiser starts fresh.
    ///
    /// Under `--scope chip` a weight round ranks by `ChipAllocation` with level k − 1's fit.
    /// A structured round (`structuredLayer(round:carry:)`) removes the carry's weakest channels
    /// of one layer instead of weights; the rewind state is always reduced to the carry's
    /// channels, so its weights line up.
    func ticketStart(carry carryKey: StateKey, rewind rewindKey: StateKey, timeSteps: Int, round k: Int? = nil) throws -> TrainingState {
        guard let carry = document[state: carryKey], var rewind = document[state: rewindKey] else {
            throw SearchConfigError(
                "the ticket file lacks the '\(carryKey.rawValue)' or '\(rewindKey.rawValue)' state; "
                    + "it cannot be resumed")
        }
        var state = carry
        let mask: WeightMask
        if let k, let layer = try structuredLayer(round: k, carry: carry), let structured = search.structured {
            let (reduced, removed) = try ChannelPruning.removingChannels(carry, layer: layer, rate: structured.channelRate)
            state = reduced
            mask = WeightMask(state.parameters)
            let kept = reduced.spec.keptChannels?.first { $0.layer == layer }?.channels.count ?? 0
            onEvent(
                .note(
                    "round \(k) removes \(removed.count) of \(removed.count + kept) channels of '\(layer)' "
                        + "(lowest filter L1 norm: \(removed.map(String.init).joined(separator: ", ")))"))
        } else if search.scope == .chip {
            let layout = PrunableLayout(carry.parameters)
            let binding = ChipAllocation.bindingLayers(k.flatMap { document.levels[$0 - 1]?.fit }, layout: layout)
            let round = ChipAllocation.round(
                Pruning.magnitudes(carry.parameters), current: WeightMask(carry.parameters), rate: search.pruneRate, binding: binding)
            mask = round.mask
            if let k { onEvent(.note("round \(k) " + ChipAllocation.summary(round, layout: layout))) }
        } else {
            mask = Pruning.magnitudeRound(
                carry.parameters, current: WeightMask(carry.parameters), rate: search.pruneRate,
                scope: search.scope, ties: search.ties)
        }
        if let selections = state.spec.keptChannels { rewind = try rewind.keepingChannels(selections) }
        if state.spec.spiking { state.spec.timeSteps = timeSteps }
        for i in state.parameters.parameters.indices {
            state.parameters.parameters[i].value = rewind.parameters.parameters[i].value
        }
        if search.rewindBatchNormStatistics { state.parameters.buffers = rewind.parameters.buffers }
        mask.apply(to: &state.parameters)
        return state
    }

    /// Stores the rewind state (of the SNN or the ANN twin) and says where it was taken.
    func takeRewind(_ state: TrainingState, key: StateKey) {
        document[state: key] = trimmed(state)
        let step = document.results.rewindStep ?? 0
        onEvent(
            .note(
                String(
                    format: "%@ state taken after step %d of round 0 (epoch %.2f)", key == .rewind ? "rewind" : "ANN rewind",
                    step, Double(step) / Double(max(batchesPerEpoch, 1)))))
    }
}
