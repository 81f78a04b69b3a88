// Elementwise helpers: residual add, scaled accumulate (axpy), scaling, and the mean over time
// that turns per-step SNN outputs into logits.

/// Elementwise sum `a + b` (residual connections). Backward: the output gradient goes
/// unchanged to both operands. - Precondition: equal shapes.
public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    return Tensor(shape: a.shape) { out in
        a.scalars.withUnsafeBufferPointer { ab in
            b.scalars.withUnsafeBufferPointer { bb in
                let x = ab.baseAddress!
                let y = bb.baseAddress!
                let z = out.baseAddress!
                for i in 0..<out.count { z[i] = x[i] + y[i] }
            }
        }
    }
}

/// `y += alpha · x` in place (BLAS axpy semantics; used to accumulate gradients).
/// - Precondition: equal element counts (shapes may differ, e.g. a flattened view).
public func accumulate(_ x: Tensor, into y: inout Tensor, alpha: Float = 1) {
    precondition(x.count == y.count, "accumulate: \(x.count) elements into \(y.count)")
    x.scalars.withUnsafeBufferPointer { xb in
        y.scalars.withUnsafeMutableBufferPointer { yb in
            guard let xp = xb.baseAddress, let yp = yb.baseAddress else { return }
            if alpha == 1 {
                for i in 0..<yb.count { yp[i] += xp[i] }
            } else {
                for i in 0..<yb.count { yp[i] += alpha * xp[i] }
            }
        }
    }
}

/// Multiplies every element of `x` by `factor`, in place.
public func scale(_ x: inout Tensor, by factor: Float) {
    x.scalars.withUnsafeMutableBufferPointer { b in
        guard let p = b.baseAddress else { return }
        for i in 0..<b.count { p[i] *= factor }
    }
}

/// Mean over the leading time axis: `[T·B, …]` (time-major, step t is rows t·B..<(t+1)·B)
/// → `[B, …]`, `y = (1/T) Σ_t x[t]`. Summed in step order, so deterministic.
/// - Precondition: `shape[0]` divisible by `timeSteps`.
public func meanOverTime(_ input: Tensor, timeSteps: Int) -> Tensor {
    precondition(
        timeSteps >= 1 && input.rank >= 1 && input.shape[0] % timeSteps == 0,
        "meanOverTime: leading extent of \(input.shape) not divisible by T = \(timeSteps)")
    var shape = input.shape
    shape[0] /= timeSteps
    let m = input.count / timeSteps
    let inv = 1 / Float(timeSteps)
    return Tensor(shape: shape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            let y = out.baseAddress!
            guard let x = xb.baseAddress, m > 0 else { return }
            y.update(from: x, count: m)
            for t in 1..<timeSteps {
                let xt = x + t * m
                for i in 0..<m { y[i] += xt[i] }
            }
            for i in 0..<m { y[i] *= inv }
        }
    }
}

/// Backward of `meanOverTime`: `dx[t] = dy / T` for every step.
/// - dOutput: `[B, …]`; returns `[T·B, …]`, freshly assigned.
public func meanOverTimeBackward(dOutput: Tensor, timeSteps: Int) -> Tensor {
    precondition(timeSteps >= 1 && dOutput.rank >= 1, "meanOverTimeBackward: bad input \(dOutput.shape)")
    var shape = dOutput.shape
    shape[0] *= timeSteps
    let m = dOutput.count
    let inv = 1 / Float(timeSteps)
    return Tensor(shape: shape) { out in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            let dx = out.baseAddress!
            guard let dy = dyb.baseAddress, m > 0 else { return }
            for i in 0..<m { dx[i] = dy[i] * inv }
            for t in 1..<timeSteps { (dx + t * m).update(from: dx, count: m) }
        }
    }
}
