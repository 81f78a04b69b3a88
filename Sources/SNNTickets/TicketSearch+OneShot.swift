import SNNTensor
import SNNTrain

/// SNIP and random: one mask per target, drawn at the initialisation and trained from it for one
/// round's length. SNIP's masks come from one gradient (its own step); a random mask from
/// (seed, level).
extension TicketSearch {
    func snipPlan() -> [SearchStep] {
        [.snipSaliency] + oneShotSteps { .snipTrain(level: $0) }
    }

    func randomPlan() -> [SearchStep] {
        oneShotSteps { .randomTrain(level: $0) }
    }

    /// One-shot magnitude pruning: the dense training at T_pre (level 0), then one retrain per target.
    func oneShotMagnitudePlan() -> [SearchStep] {
        [
            .oneShotSearch(
                PlannedRun(
                    .oneShotSearch, level: 0, epochs: training.epochs, learningRate: training.learningRate, timeSteps: .search))
        ] + oneShotSteps { .oneShotTrain(level: $0) }
    }

    /// The dense training at T_pre (the same batches as `snnc train`; at the model's T the same
    /// bits as IMP's round 0), stored as level 0; every target's mask keeps its largest |w|.
    func searchOneShot(_ run: PlannedRun) throws {
        let timeSteps = self.timeSteps(run.timeSteps)
        let result = try execute(
            run.setup,
            start: {
                var state = self.base
                state.spec.timeSteps = timeSteps
                return state
            })
        storeLevel(0, result, label: "dense", round: 0, search: .zero)
        document.results.chainCost = [result.ledger.total()]
        let scores = Pruning.magnitudes(result.state.parameters)
        for (i, target) in search.targets.enumerated() {
            document[mask: .oneShot(level: i + 1)] = Pruning.keepHighest(
                scores, layout: layout, target: target, rate: search.pruneRate, scope: search.scope, ties: search.ties)
        }
        try complete(run.id)
    }

    /// One training step per target, level 1 the densest.
    private func oneShotSteps(_ id: (Int) -> StepID) -> [SearchStep] {
        search.targets.enumerated().map { i, target in
            .oneShot(
                PlannedRun(
                    id(i + 1), level: i + 1, epochs: training.epochs, learningRate: training.learningRate,
                    timeSteps: .full), target: target)
        }
    }

    /// SNIP's gradient on one fixed batch at the initialisation, and every target's mask from it.
    func computeSaliency() throws {
        let images = min(search.snipImages ?? training.batchSize, data.train.count)
        let batch = fixedBatch(images: images, stream: RandomStream.snipBatch)
        let started = now()
        let scores = try SNIP.saliency(parameters: base.parameters, spec: base.spec, batch: batch)
        var ledger = CostLedger()
        ledger.record(
            phase: "saliency", run: StepID.snipSaliency.name, timeSteps: fullT, images: batch.count, macs: snnMACs,
            trained: true, seconds: now() - started)
        document.results.saliencyCost = ledger.total()
        for (i, target) in search.targets.enumerated() {
            document[mask: .snip(level: i + 1)] = Pruning.keepHighest(
                scores, layout: layout, target: target, rate: search.pruneRate,
                scope: search.scope, ties: search.ties)
        }
        try complete(.snipSaliency)
    }

    /// Trains a target's mask from the initialisation and stores it as the run's level.
    func trainOneShot(_ run: PlannedRun, target: DensityTarget) throws {
        let level = run.setup.level
        let mask: () -> WeightMask
        let searchCost: CostTotals
        if case .oneShotTrain = run.id {
            guard let magnitude = document[mask: .oneShot(level: level)], let cost = document.results.chainCost.first else {
                throw SearchConfigError("the ticket file lacks one-shot mask \(level); it cannot be resumed")
            }
            mask = { magnitude }
            searchCost = cost
        } else if case .snipTrain = run.id {
            guard let snip = document[mask: .snip(level: level)] else {
                throw SearchConfigError("the ticket file lacks SNIP mask \(level); it cannot be resumed")
            }
            mask = { snip }
            searchCost = document.results.saliencyCost ?? .zero
        } else {
            var stream = SeededRNG(seed: training.seed).derived(RandomStream.randomMask + UInt64(level))
            let seed = stream.next()
            let (layout, rate, scope) = (self.layout, search.pruneRate, search.scope)
            mask = { Pruning.random(layout: layout, target: target, rate: rate, scope: scope, seed: seed) }
            searchCost = .zero
        }
        let result = try execute(
            run.setup,
            start: {
                var state = self.base
                mask().apply(to: &state.parameters)
                return state
            })
        storeLevel(level, result, label: target.description, target: target, search: searchCost)
        try complete(run.id)
    }
}
