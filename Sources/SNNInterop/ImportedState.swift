import SNNTensor
import SNNTrain

extension ImportedModel {
    /// The model as a training state (a checkpoint `snnc train --resume`, `prune --from`,
    /// `export` and `evaluate` accept): weights in place, no optimiser state, no epochs done.
    /// - Parameters:
    ///   - timeSteps: steps per inference (NIR graphs do not say).
    ///   - config: fine-tuning settings (`config.epochs` epochs run on `snnc train --resume`).
    /// - Throws: `ModelError` if the engine rejects the graph, `NIRImportError` if a weight
    ///   does not fit the layout.
    public func trainingState(timeSteps: Int, config: TrainingConfig) throws -> TrainingState {
        let spec = ModelSpec(
            architecture: .imported, inputChannels: inputShape[0], inputHeight: inputShape[1],
            inputWidth: inputShape[2], classes: classes, timeSteps: timeSteps, pooling: .max,
            encoding: .direct, convBias: true, graph: graph)
        let layerGraph = try LayerGraph(spec)
        var state = try TrainingState(spec: spec, config: config)
        var layout = ParameterSet(layoutOf: layerGraph)
        for i in layout.parameters.indices {
            let name = layout.parameters[i].name
            guard let value = parameters[name] else {
                throw NIRImportError(node: String(name.prefix { $0 != "." }), field: nil, reason: "no value for parameter '\(name)'")
            }
            guard value.shape == layout.parameters[i].value.shape else {
                throw NIRImportError(
                    node: nil, field: nil,
                    reason: "parameter '\(name)' has shape \(value.shape), the engine expects \(layout.parameters[i].value.shape)")
            }
            layout.parameters[i].value = value
        }
        state.parameters = layout
        return state
    }
}
