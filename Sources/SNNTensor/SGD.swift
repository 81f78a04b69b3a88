// One step of SGD with momentum and weight decay (PyTorch torch.optim.SGD, dampening 0,
// no Nesterov), optionally restricted to a pruning mask.

/// Hyperparameters of `sgdStep`.
public struct SGDConfig: Sendable, Equatable {
    /// Learning rate.
    public var learningRate: Float
    /// Momentum factor (0 disables the buffer).
    public var momentum: Float
    /// L2 weight decay, added to the gradient as `weightDecay · w`.
    public var weightDecay: Float

    /// - Precondition: all values ≥ 0.
    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0) {
        precondition(
            learningRate >= 0 && momentum >= 0 && weightDecay >= 0,
            "SGD hyperparameters must be non-negative")
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }
}

/// Updates `weight` in place, elementwise:
///
///     g   = grad + weightDecay · w
///     buf = g                          (first step: momentumBuffer == nil)
///     buf = momentum · buf + g         (later steps)
///     w   = w − learningRate · buf     (w − lr·g when momentum == 0; no buffer is kept)
///
/// With a `mask` (same shape, 0 = pruned, anything else = kept), pruned weights are set to
/// exactly 0 and their momentum entries too, so they stay pruned.
/// - momentumBuffer: nil before the first step; created on it (when momentum > 0).
public func sgdStep(
    weight: inout Tensor, gradient: Tensor, momentumBuffer: inout Tensor?,
    mask: Tensor? = nil, config: SGDConfig
) {
    precondition(
        gradient.shape == weight.shape,
        "SGD gradient \(gradient.shape) does not match weight \(weight.shape)")
    if let mask { precondition(mask.shape == weight.shape, "SGD mask \(mask.shape) does not match weight \(weight.shape)") }
    let count = weight.count
    if count == 0 { return }
    let lr = config.learningRate
    let mu = config.momentum
    let wd = config.weightDecay
    let useBuffer = mu != 0
    let firstStep = momentumBuffer == nil
    if useBuffer, momentumBuffer == nil { momentumBuffer = Tensor.zeros(weight.shape) }
    if let b = momentumBuffer {
        precondition(b.shape == weight.shape, "SGD momentum buffer \(b.shape) does not match weight \(weight.shape)")
    }
    var buffer = momentumBuffer?.scalars ?? []
    momentumBuffer = nil  // keep `buffer` uniquely referenced while it is written
    let maskScalars = mask?.scalars ?? []
    let hasMask = mask != nil
    weight.scalars.withUnsafeMutableBufferPointer { wb in
        gradient.scalars.withUnsafeBufferPointer { gb in
            buffer.withUnsafeMutableBufferPointer { bb in
                maskScalars.withUnsafeBufferPointer { mb in
                    let w = wb.baseAddress!
                    let g = gb.baseAddress!
                    for i in 0..<count {
                        let d = g[i] + wd * w[i]
                        var step = d
                        if useBuffer {
                            let b = firstStep ? d : mu * bb[i] + d
                            bb[i] = b
                            step = b
                        }
                        w[i] -= lr * step
                        if hasMask && mb[i] == 0 {
                            w[i] = 0
                            if useBuffer { bb[i] = 0 }
                        }
                    }
                }
            }
        }
    }
    if useBuffer { momentumBuffer = Tensor(shape: weight.shape, scalars: buffer) }
}
