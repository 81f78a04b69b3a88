// ReLU, the only non-spiking activation the trainer needs (ANN baselines, residual heads).

/// ReLU forward: `y = max(x, 0)` elementwise (NaN stays NaN). Shape preserved.
public func reluForward(_ input: Tensor) -> Tensor {
    Tensor(shape: input.shape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!
            let y = out.baseAddress!
            for i in 0..<out.count { y[i] = x[i] < 0 ? 0 : x[i] }
        }
    }
}

/// ReLU backward: `dx = dy` where the forward output was positive, else 0.
///
/// - dOutput, output: same shape; `output` is what `reluForward` returned (or its input:
///   both are positive at the same places). Returns dInput, freshly assigned.
public func reluBackward(dOutput: Tensor, output: Tensor) -> Tensor {
    precondition(
        dOutput.shape == output.shape,
        "relu backward: dOutput \(dOutput.shape) vs output \(output.shape)")
    return Tensor(shape: output.shape) { out in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            output.scalars.withUnsafeBufferPointer { yb in
                let dy = dyb.baseAddress!
                let y = yb.baseAddress!
                let dx = out.baseAddress!
                for i in 0..<out.count { dx[i] = y[i] > 0 ? dy[i] : 0 }
            }
        }
    }
}
