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
        if case .snipTrain = run.id {
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
