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
        storeLevel(run.setup.level, result, label: target.description, target: target, search: .zero)
        try complete(run.id)
    }

    /// Whether `run` is the run in progress stored in the document (a resume).
    private func resuming(_ run: PlannedRun) -> Bool {
        document.progress.current?.setup.id == run.setup.id && document[state: .run] != nil
    }

    private func rewiringStep(_ learningRate: Float) -> RewiringStep {
        RewiringStep(learningRate: learningRate, momentum: training.momentum, weightDecay: training.weightDecay)
    }

    // MARK: - Grad R

    /// Grad R's hooks: θ starts at |w₀| (or is read back from the document on a resume), lives
    /// outside the trainer's state (whose prunable values are the weights `s·max(θ, 0)`, unmasked,
    /// so every weight gets its gradient), and is written with every epoch. The trained state gets
    /// the mask θ > 0.
    private func gradientRewiring(
        _ run: PlannedRun, target: DensityTarget, settings: RewiringConfig
    ) throws -> (RunHooks, () -> TrainingState) {
        let strengths = StrengthBox()
        if resuming(run) {
            guard let stored = document[state: .gradRTheta] else {
                throw SearchConfigError(
                    "the ticket file lacks Grad R's strengths of run '\(run.setup.id)'; it cannot be resumed")
            }
            strengths.theta = stored.parameters.parameters.map { $0.isPrunable ? $0.value : nil }
        } else {
            strengths.theta = base.parameters.parameters.map { p in
                p.isPrunable ? Tensor(shape: p.value.shape, scalars: p.value.scalars.map { abs($0) }) : nil
            }
        }
        let signs = initialSigns(base.parameters)
        let kept = Pruning.keptCount(target, layout: layout, scope: search.scope, rate: search.pruneRate)
        let sparsity = Double(layout.total - kept) / Double(layout.total)
        let center = Float(GradientRewiring.center(sparsity: sparsity, alpha: settings.alpha))
        let alpha = Float(settings.alpha)
        var hooks = RunHooks()
        hooks.optimizer = { [unowned self] parameters, momentum, gradients, learningRate, _ in
            if momentum.isEmpty { momentum = parameters.parameters.map { Tensor.zeros($0.value.shape) } }
            let step = self.rewiringStep(learningRate)
            for i in parameters.parameters.indices {
                if var theta = strengths.theta[i], let sign = signs[i] {
                    strengths.theta[i] = nil  // keeps `theta` uniquely referenced while it is written
                    GradientRewiring.update(
                        theta: &theta, weight: &parameters.parameters[i].value, momentum: &momentum[i],
                        gradient: gradients[i], sign: sign, step: step, alpha: alpha, center: center)
                    strengths.theta[i] = theta
                } else {
                    step.plain(&parameters.parameters[i], gradient: gradients[i], momentum: &momentum[i])
                }
            }
        }
        hooks.beforeSave = { [unowned self] in
            var state = self.base
            for i in state.parameters.parameters.indices {
                if let theta = strengths.theta[i] { state.parameters.parameters[i].value = theta }
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
        let signs = initialSigns(base.parameters)
        let prunable = base.parameters.parameters.indices.filter { base.parameters.parameters[$0].isPrunable }
        let layout = self.layout
        let pools: [(layers: [Int], budget: Int)] =
            switch search.scope {
            case .global: [(Array(0..<layout.layerCount), initial.keptCount)]
            case .layerwise: (0..<layout.layerCount).map { ([$0], initial.keptCount(layer: $0)) }
            }
        let (l1, temperature) = (Float(settings.l1), Float(settings.temperature))
        let streams = SeededRNG(seed: training.seed).derived(RandomStream.deepRStep + UInt64(level))
        var hooks = RunHooks()
        hooks.optimizer = { [unowned self] parameters, momentum, gradients, learningRate, index in
            if momentum.isEmpty { momentum = parameters.parameters.map { Tensor.zeros($0.value.shape) } }
            let step = self.rewiringStep(learningRate)
            var rng = streams.derived(UInt64(index))
            for i in parameters.parameters.indices {
                if let sign = signs[i], var mask = parameters.parameters[i].mask {
                    parameters.parameters[i].mask = nil  // keeps `mask` uniquely referenced while it is written
                    DeepRewiring.update(
                        weight: &parameters.parameters[i].value, mask: &mask, momentum: &momentum[i],
                        gradient: gradients[i], sign: sign, step: step, l1: l1, temperature: temperature, rng: &rng)
                    parameters.parameters[i].mask = mask
                } else {
                    step.plain(&parameters.parameters[i], gradient: gradients[i], momentum: &momentum[i])
                }
            }
            for pool in pools {
                DeepRewiring.reactivate(
                    layers: pool.layers, budget: pool.budget, layout: layout, prunable: prunable,
                    parameters: &parameters, momentum: &momentum, signs: signs, rng: &rng)
            }
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

/// Grad R's hidden strengths θ, one tensor per prunable parameter (nil for the others), shared
/// by the run's optimiser and its per-epoch save.
private final class StrengthBox {
    var theta: [Tensor?] = []
}
