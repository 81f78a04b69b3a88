import SNNTensor

/// Stochastic gradient descent with momentum over a whole `ParameterSet`, PyTorch semantics,
/// respecting pruning masks (see `sgdStep` in SNNTensor for the per-tensor rule: pruned weights
/// get no update and stay exactly 0, as do their momentum buffers).
public enum SGD {
    /// Applies one step to `parameters` in place, creating `momentum` buffers on the first call.
    public static func step(
        _ parameters: inout ParameterSet, gradients: [Tensor], momentum buffers: inout [Tensor],
        learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        precondition(gradients.count == parameters.parameters.count, "one gradient per parameter")
        let config = SGDConfig(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        let first = buffers.isEmpty
        for i in parameters.parameters.indices {
            var buffer: Tensor? = first ? nil : buffers[i]
            sgdStep(
                weight: &parameters.parameters[i].value, gradient: gradients[i], momentumBuffer: &buffer,
                mask: parameters.parameters[i].mask, config: config)
            let kept = buffer ?? Tensor.zeros(parameters.parameters[i].value.shape)
            if first { buffers.append(kept) } else { buffers[i] = kept }
        }
    }
}
