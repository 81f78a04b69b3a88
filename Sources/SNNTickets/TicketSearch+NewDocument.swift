import SNNTrain

extension TicketSearch {
    /// A new document for a search, checked against the model.
    /// - Parameters:
    ///   - source: a dense checkpoint to use as level 0 (`--from`); its spec and training config
    ///     must be `spec` and `training`.
    /// - Throws: `SearchConfigError` for settings that cannot run.
    public static func newDocument(
        search: SearchConfig, spec: ModelSpec, training: TrainingConfig, command: String,
        snncVersion: String, source: (state: TrainingState, info: SourceCheckpoint)? = nil,
        trainImages: Int
    ) throws -> TicketDocument {
        let base = try TrainingState(spec: spec, config: training)
        let resolved = try search.resolved(layout: PrunableLayout(base.parameters))
        guard spec.spiking else {
            throw SearchConfigError("ticket searches run on the SNN; drop --ann (transfer trains the ANN twin itself)")
        }
        if resolved.structured != nil {
            guard spec.architecture == .vgg16 || spec.architecture == .small, spec.keptChannels == nil else {
                throw SearchConfigError(
                    "--structured prunes the channels of vgg16 and small models, not \(spec.architecture.rawValue) "
                        + "(residual additions and imported graphs tie channels across layers)")
            }
        }
        guard training.epochs >= 1 else { throw SearchConfigError("a round needs at least one epoch") }
        let candidates = resolved.earlyTime.candidates
        if resolved.method.usesEarlyTime, let longest = candidates.max(), let shortest = candidates.min(),
            longest >= spec.timeSteps || shortest < 1
        {
            throw SearchConfigError("early-time candidates \(candidates) must lie in 1..<T = \(spec.timeSteps)")
        }
        if let t = resolved.searchTimeSteps, t > spec.timeSteps {
            throw SearchConfigError("--search-timesteps (T_pre = \(t)) must not exceed the model's T = \(spec.timeSteps)")
        }
        if resolved.method.isIterative {
            let batches = (trainImages + training.batchSize - 1) / training.batchSize
            let step = resolved.rewindCaptureStep(batchesPerEpoch: batches, epochs: training.epochs)
            guard step < training.epochs * batches else {
                let epochs = "\(training.epochs) epoch\(training.epochs == 1 ? "" : "s")"
                let afterProbe = resolved.rewindAfterProbe == true ? ", counted from the probe," : ""
                throw SearchConfigError(
                    "the rewind point (\(resolved.rewind))\(afterProbe) must lie inside round 0 (\(epochs)); "
                        + "use a smaller --rewind, a percentage, or init")
            }
        }
        if source != nil, resolved.rewindAfterProbe == true {
            throw SearchConfigError(
                "--rewind-after-probe needs round 0 trained at T_early after the probe, but a --from checkpoint "
                    + "trained at the full T throughout; train round 0 in the search (drop --from)")
        }
        var document = TicketDocument(
            header: TicketHeader(
                snncVersion: snncVersion, method: resolved.method, seed: training.seed,
                command: command, search: resolved, spec: spec, training: training,
                source: source?.info))
        if let source {
            guard source.state.spec == spec, source.state.config == training else {
                throw SearchConfigError("the checkpoint's model and training settings must be the search's")
            }
            guard source.state.parameters.parameters.allSatisfy({ $0.mask == nil }) else {
                throw SearchConfigError("the checkpoint is already pruned; --from takes a dense checkpoint")
            }
            var state = source.state
            state.momentum = []
            document[state: .source] = state
        }
        return document
    }
}
