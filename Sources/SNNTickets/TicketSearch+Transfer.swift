import SNNTrain

/// Transfer: IMP on the ANN twin (one pass, its own carry and rewind states); each reported
/// round's mask — and, by default, the ANN's rewind weights — is moved onto the SNN by parameter
/// name and trained there.
extension TicketSearch {
    func transferPlan() -> [SearchStep] {
        let later = laterRoundEpochs
        let annRounds = (0...search.rounds).map { k in
            SearchStep.annRound(
                PlannedRun(
                    .annRound(k), level: k, epochs: k == 0 ? training.epochs : later,
                    learningRate: training.learningRate, timeSteps: .single), round: k)
        }
        let snnEpochs = search.transferStart == .rewind ? later : training.epochs
        let transfers = search.reportedRounds.map { k in
            SearchStep.transfer(
                PlannedRun(
                    .transfer(round: k), level: k, epochs: snnEpochs, learningRate: training.learningRate,
                    timeSteps: .full), round: k)
        }
        return annRounds + transfers
    }

    /// ANN round k: round 0 from the ANN's initialisation (taking its rewind state), later rounds
    /// pruned and rewound as IMP's; a reported round keeps its mask for the transfer.
    func trainANNRound(_ run: PlannedRun, round k: Int) throws {
        let result: RunResult
        let chainBefore: CostTotals
        if k == 0 {
            let annBase = try TrainingState(spec: header.spec.annTwin, config: training)
            var hooks = RunHooks()
            hooks.rewindStep = rewindStep
            hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: .annRewind) }
            result = try execute(run.setup, start: { annBase }, hooks: hooks)
            chainBefore = .zero
        } else {
            guard document.results.annChainCost.indices.contains(k - 1) else {
                throw SearchConfigError("the ticket file lacks the cost of ANN round \(k - 1); it cannot be resumed")
            }
            chainBefore = document.results.annChainCost[k - 1]
            result = try execute(run.setup, start: { try self.ticketStart(carry: .annCarry, rewind: .annRewind, timeSteps: 1) })
        }
        let cost = result.ledger.total()
        document.results.annRounds.append(
            ANNRound(
                round: k, kept: result.state.parameters.keptCount,
                testAccuracy: result.accuracy, trainCost: cost))
        document.results.annChainCost.append(chainBefore + cost)
        document[state: .annCarry] = trimmed(result.state)
        onEvent(.note(String(format: "ANN round %d: test %.2f%%", k, 100 * result.accuracy)))
        if k > 0 && search.reportedRounds.contains(k) { document[mask: .transfer(round: k)] = WeightMask(result.state.parameters) }
        try complete(run.id)
    }

    /// Round k's ANN mask trained on the SNN, from the ANN's rewind weights or the initialisation.
    func trainTransferred(_ run: PlannedRun, round k: Int) throws {
        guard let mask = document[mask: .transfer(round: k)], let annRewind = document[state: .annRewind],
            document.results.annChainCost.indices.contains(k - 1)
        else {
            throw SearchConfigError("the ticket file lacks the ANN mask of round \(k); it cannot be resumed")
        }
        let fromRewind = search.transferStart == .rewind
        let result = try execute(
            run.setup,
            start: {
                var state = self.base
                state.parameters = try Transfer.move(
                    mask: mask, values: fromRewind ? annRewind.parameters : nil, onto: self.base.parameters)
                return state
            })
        let annAccuracy = document.results.annRounds.first { $0.round == k }?.testAccuracy
        storeLevel(k, result, label: "round \(k)", round: k, search: document.results.annChainCost[k - 1], annAccuracy: annAccuracy)
        try complete(run.id)
    }
}
