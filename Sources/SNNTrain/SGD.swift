import SNNTensor

/// Stochastic gradient descent with momentum, PyTorch semantics, respecting pruning masks.
///
/// Per parameter, with gradient g, weight w and momentum buffer b:
/// ```
/// g ← g ⊙ mask                      (pruned weights get no update)
/// g ← g + weightDecay · w
/// b ← g                   on the first step, else  b ← momentum · b + g
/// w ← w − lr · b
/// ```
/// Masked entries start at 0 and stay exactly 0, as do their momentum buffers.
public enum SGD {
    /// Applies one step to `parameters` in place, creating `momentum` buffers on the first call.
    public static func step(_ parameters: inout ParameterSet, gradients: [Tensor], momentum buffers: inout [Tensor],
                            learningRate: Float, momentum: Float, weightDecay: Float) {
        precondition(gradients.count == parameters.parameters.count, "one gradient per parameter")
        let first = buffers.isEmpty
        if first { buffers = parameters.parameters.map { Tensor.zeros($0.value.shape) } }
        for i in parameters.parameters.indices {
            let mask = parameters.parameters[i].mask
            parameters.parameters[i].value.scalars.withUnsafeMutableBufferPointer { w in
                buffers[i].scalars.withUnsafeMutableBufferPointer { b in
                    gradients[i].scalars.withUnsafeBufferPointer { g in
                        let maskScalars = mask?.scalars ?? []
                        maskScalars.withUnsafeBufferPointer { m in
                            let masked = mask != nil
                            for j in 0..<w.count {
                                if masked && m[j] == 0 { continue }
                                let grad = g[j] + weightDecay * w[j]
                                let v = first ? grad : momentum * b[j] + grad
                                b[j] = v
                                w[j] -= learningRate * v
                            }
                        }
                    }
                }
            }
        }
    }
}
