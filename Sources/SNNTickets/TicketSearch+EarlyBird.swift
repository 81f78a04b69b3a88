import Foundation
import SNNTrain

/// Early-bird and EB+ET: one dense search at a scaled learning rate checks a magnitude mask per
/// target at evenly spaced batches until each target's window settles (EB+ET switches to T_early
/// after the probe); then every target's ticket is retrained from the initialisation.
extension TicketSearch {
    func earlyBirdPlan() -> [SearchStep] {
        let epochs = training.epochs
        let probeEpochs = min(search.earlyTime.probeAfterEpochs, epochs)
        let searchRun = PlannedRun(
            .earlyBirdSearch, level: 1, epochs: epochs, learningRate: training.learningRate,
            learningRateScale: search.earlyBird.learningRateScale,
            timeSteps: header.method == .ebET ? .probed(afterEpochs: probeEpochs) : .full)
        let retrains = search.targets.enumerated().map { i, target in
            SearchStep.earlyBirdRetrain(
                PlannedRun(
                    .earlyBirdRetrain(level: i + 1), level: i + 1, epochs: epochs,
                    learningRate: training.learningRate,
                    doubleStep: search.earlyBird.doubleSchedulerStep, timeSteps: .full),
                target: target)
        }
        return [.earlyBirdSearch(searchRun)] + retrains
    }

    /// The dense search; a target without a settled window by its end takes its last mask.
    func searchEarlyBird(_ run: PlannedRun) throws {
        var hooks = RunHooks()
        hooks.checksPerEpoch = search.earlyBird.checksPerEpoch
        hooks.onCheck = { [unowned self] state, position, ledger in self.earlyBirdCheck(state, position: position, ledger: ledger) }
        hooks.evaluate = false
        if case .probed(let afterEpochs) = run.timeSteps { addProbe(to: &hooks, afterEpochs: afterEpochs, switchTimeSteps: true) }
        let result = try execute(run.setup, start: { self.base }, hooks: hooks)
        for i in document.results.earlyBird.indices where document.results.earlyBird[i].detection == nil {
            var state = document.results.earlyBird[i]
            let window = loadWindow(i)
            let mask =
                window.masks.last
                ?? Pruning.keepHighest(
                    Pruning.magnitudes(result.state.parameters), layout: layout,
                    target: state.target, rate: search.pruneRate,
                    scope: search.scope, ties: search.ties)
            state.detection = EarlyBirdDetection(
                target: state.target, kept: state.kept, fired: false,
                epoch: state.lastCheck ?? Double(result.state.epochsCompleted),
                checks: state.checks, distances: state.lastDistances,
                cost: result.ledger.total())
            document.results.earlyBird[i] = state
            document[mask: .earlyBirdTicket(level: i + 1)] = mask
            onEvent(.note("early-bird: no ticket settled for \(state.target) within \(run.setup.epochs) epochs; using the last mask"))
        }
        for key in document.masks.keys where MaskKey.isEarlyBirdWindow(key) { document.masks[key] = nil }
        for i in document.results.earlyBird.indices { document.results.earlyBird[i].windowCount = 0 }
        try complete(run.id)
    }

    /// A target's ticket trained from the initialisation; stores its level.
    func retrainEarlyBird(_ run: PlannedRun, target: DensityTarget) throws {
        let level = run.setup.level
        guard let mask = document[mask: .earlyBirdTicket(level: level)],
            document.results.earlyBird.indices.contains(level - 1),
            let detection = document.results.earlyBird[level - 1].detection
        else {
            throw SearchConfigError("the ticket file lacks early-bird ticket \(level); it cannot be resumed")
        }
        let result = try execute(
            run.setup,
            start: {
                var state = self.base
                mask.apply(to: &state.parameters)
                return state
            })
        storeLevel(level, result, label: target.description, target: target, search: detection.cost, earlyBird: detection)
        try complete(run.id)
    }

    /// One early-bird check: a fresh magnitude mask per unsettled target, pushed into its window.
    /// Returns true when every target has its ticket.
    private func earlyBirdCheck(_ state: TrainingState, position: Double, ledger: CostLedger) -> Bool {
        let scores = Pruning.magnitudes(state.parameters)
        let extra =
            search.earlyBird.countBatchNormInDistance
            ? state.parameters.parameters.filter { $0.role == .scale }.reduce(0) { $0 + $1.value.count } : 0
        var allDrawn = true
        for i in document.results.earlyBird.indices where document.results.earlyBird[i].detection == nil {
            var target = document.results.earlyBird[i]
            let mask = Pruning.keepHighest(
                scores, layout: layout, target: target.target, rate: search.pruneRate,
                scope: search.scope, ties: search.ties)
            var window = loadWindow(i, extraPositions: extra)
            let settled = window.push(mask)
            target.checks += 1
            target.lastDistances = window.distances
            target.lastCheck = position
            if settled {
                target.detection = EarlyBirdDetection(
                    target: target.target, kept: target.kept, fired: true, epoch: position,
                    checks: target.checks, distances: window.distances, cost: ledger.total())
                document[mask: .earlyBirdTicket(level: i + 1)] = mask
                onEvent(
                    .note(
                        String(
                            format: "early-bird ticket for %@ drawn at epoch %.2f (max distance %.4f < τ = %g)",
                            target.target.description, position, window.maximumDistance, search.earlyBird.tau)))
            } else {
                allDrawn = false
            }
            saveWindow(i, window, into: &target)
            document.results.earlyBird[i] = target
        }
        return allDrawn
    }

    private func loadWindow(_ i: Int, extraPositions: Int = 0) -> EarlyBirdWindow {
        let count = document.results.earlyBird[i].windowCount
        let masks = (0..<count).compactMap { document[mask: .earlyBirdWindow(level: i + 1, slot: $0)] }
        return EarlyBirdWindow(size: search.earlyBird.window, tau: search.earlyBird.tau, extraPositions: extraPositions, masks: masks)
    }

    private func saveWindow(_ i: Int, _ window: EarlyBirdWindow, into target: inout EarlyBirdTargetState) {
        for j in 0..<max(target.windowCount, window.masks.count) { document[mask: .earlyBirdWindow(level: i + 1, slot: j)] = nil }
        for (j, mask) in window.masks.enumerated() { document[mask: .earlyBirdWindow(level: i + 1, slot: j)] = mask }
        target.windowCount = window.masks.count
    }
}
