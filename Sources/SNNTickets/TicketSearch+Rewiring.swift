import SNNTensor
import SNNTrain

/// Grad R and Deep R: one run per target from the initialisation, of one round's length, whose
/// optimiser learns the mask while it trains (Rewiring.swift). The level is the run's end state
/// with the mask it reached. The run is the search: its work is the level's training cost and
/// its search cost is 0 (nothing else was spent finding the mask).
extension TicketSearch {
    func rewiringPlan() -> [SearchStep] {
        search.targets.enumerated().map { i, target in
            let id: StepID = header.method == .gradR ? .gradRTrain(level: i + 1) : .deepRTrain(level: i + 1)
            return .rewire(
                PlannedRun(id, level: i + 1, epochs: training.epochs, learningRate: training.learningRate, timeSteps: .full),
                target: target)
        }
    }

    /// Trains a target's level with Grad R or Deep R and stores it.
    func trainRewiring(_ run: PlannedRun, target: DensityTarget) throws {
        let settings = search.rewiring ?? RewiringConfig()
        let (hooks, start) =
            header.method == .gradR
            ? try gradientRewiring(run, target: target, settings: settings)
            : deepRewiring(run, target: target, settings: settings)
        let result = try execute(run.setup, start: start, hooks: hooks)
        document[state: .gradRTheta] = nil
        // Grad R's target only centres its prior: the label says so (the level reports the sparsity reached).
        let label = header.method == .gradR ? "prior \(target.description)" : target.description
        storeLevel(run.setup.level, result, label: label, target: target, search: .zero)
        try complete(run.id)
    }

    /// Whether `run` is the run in progress stored in the document (a resume).
    private func resuming(_ run: PlannedRun) -> Bool {
        document.progress.current?.setup.id == run.setup.id && document[state: .run] != nil
    }

    // MARK: - Grad R

    /// Grad R's hooks: θ starts at |w₀| (or is read back from the document on a resume), lives
    /// outside the trainer's state (whose prunable values are the weights `s·max(θ, 0)`, unmasked,
    /// so every weight gets its gradient), and is written with every epoch. The trained state gets
    /// the mask θ > 0.
    private func gradientRewiring(
        _ run: PlannedRun, target: DensityTarget, settings: RewiringConfig
    ) throws -> (RunHooks, () -> TrainingState) {
        var stored: [Tensor?]?
        if resuming(run) {
            guard let state = document[state: .gradRTheta] else {
                throw SearchConfigError(
                    "the ticket file lacks Grad R's strengths of run '\(run.setup.id)'; it cannot be resumed")
            }
            stored = state.parameters.parameters.map { $0.isPrunable ? $0.value : nil }
        }
        let optimizer = GradientRewiringOptimizer(
            initial: base.parameters, theta: stored,
            sparsity: priorSparsity(target, layout: layout, scope: search.scope, rate: search.pruneRate),
            alpha: settings.alpha, momentum: training.momentum, weightDecay: training.weightDecay)
        var hooks = RunHooks()
        hooks.learnsMask = true
        hooks.optimizer = { parameters, momentum, gradients, learningRate, _ in
            optimizer.step(&parameters, momentum: &momentum, gradients: gradients, learningRate: learningRate)
        }
        hooks.beforeSave = { [unowned self] in
            var state = self.base
            for i in state.parameters.parameters.indices {
                if let theta = optimizer.theta[i] { state.parameters.parameters[i].value = theta }
            }
            self.document[state: .gradRTheta] = state
        }
        hooks.finalize = { state in
            for i in state.parameters.parameters.indices where state.parameters.parameters[i].isPrunable {
                let p = state.parameters.parameters[i]
                state.parameters.parameters[i].mask = Tensor(shape: p.value.shape, scalars: p.value.scalars.map { $0 != 0 ? 1 : 0 })
            }
        }
        return (hooks, { self.base })
    }

    // MARK: - Deep R

    /// Deep R's initial mask for a level: uniformly random at the target's count (globally or per
    /// layer), drawn from (seed, level).
    func deepRewiringMask(level: Int, target: DensityTarget) -> WeightMask {
        var stream = SeededRNG(seed: training.seed).derived(RandomStream.deepRMask + UInt64(level))
        return Pruning.random(layout: layout, target: target, rate: search.pruneRate, scope: search.scope, seed: stream.next())
    }

    /// Deep R's hooks: the state is the whole search state (active ⇔ mask 1, θ = s·w), so the
    /// engine's per-epoch state is all a resume needs. Step k of the run draws its noise and
    /// reactivations from (seed, level, k).
    private func deepRewiring(
        _ run: PlannedRun, target: DensityTarget, settings: RewiringConfig
    ) -> (RunHooks, () -> TrainingState) {
        let level = run.setup.level
        let initial = deepRewiringMask(level: level, target: target)
        let optimizer = DeepRewiringOptimizer(
            initial: base.parameters, mask: initial, scope: search.scope, l1: settings.l1, temperature: settings.temperature,
            momentum: training.momentum, weightDecay: training.weightDecay,
            streams: SeededRNG(seed: training.seed).derived(RandomStream.deepRStep + UInt64(level)))
        var hooks = RunHooks()
        hooks.learnsMask = true
        hooks.optimizer = { parameters, momentum, gradients, learningRate, index in
            optimizer.step(&parameters, momentum: &momentum, gradients: gradients, learningRate: learningRate, index: index)
        }
        return (
            hooks,
            {
                var state = self.base
                initial.apply(to: &state.parameters)
                return state
            }
        )
    }
}
