// Fully connected layer (PyTorch's nn.Linear): y = x · Wᵀ + b.

/// Checks shapes; returns (N, in, out). The input may have any rank ≥ 2: dimension 0 is the
/// batch and the rest are flattened into `in` features (so [N, C, 1, 1] after global pooling
/// works without a reshape).
private func linearShapes(input: Tensor, weight: Tensor) -> (n: Int, inF: Int, outF: Int) {
    precondition(input.rank >= 2, "linear input must be [N, in, ...], got \(input.shape)")
    precondition(weight.rank == 2, "linear weight must be [out, in], got \(weight.shape)")
    let n = input.shape[0]
    let inF = input.shape.dropFirst().reduce(1, *)
    precondition(
        weight.shape[1] == inF,
        "linear weight \(weight.shape) does not match \(inF) input features of \(input.shape)")
    return (n, inF, weight.shape[0])
}

/// Linear forward: `y[n, o] = b[o] + Σ_i x[n, i] · w[o, i]`.
///
/// - input:  `[N, in]` (or `[N, d1, d2, …]` with `d1·d2·… == in`, read as flattened)
/// - weight: `[out, in]`
/// - bias:   `[out]` or nil
/// - returns `[N, out]`
///
/// Backward needs `input` and `weight`; the caller keeps them.
public func linearForward(input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let (n, inF, outF) = linearShapes(input: input, weight: weight)
    if let bias { precondition(bias.shape == [outF], "linear bias must be [\(outF)], got \(bias.shape)") }
    if n == 0 || outF == 0 { return Tensor.zeros([n, outF]) }
    let biasScalars = bias?.scalars ?? []
    return Tensor(shape: [n, outF]) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            weight.scalars.withUnsafeBufferPointer { wb in
                biasScalars.withUnsafeBufferPointer { bb in
                    let y = out.baseAddress!
                    if bias != nil {
                        // Seed every row with the bias, then accumulate the product (beta = 1).
                        let b = bb.baseAddress!
                        for i in 0..<n { (y + i * outF).update(from: b, count: outF) }
                    }
                    if inF == 0 {
                        if bias == nil { y.update(repeating: 0, count: n * outF) }
                        return
                    }
                    sgemmKernel(
                        transA: false, transB: true, m: n, n: outF, k: inF,
                        alpha: 1, a: xb.baseAddress!, lda: inF, b: wb.baseAddress!, ldb: inF,
                        beta: bias == nil ? 0 : 1, c: y, ldc: outF)
                }
            }
        }
    }
}

/// Linear backward.
///
/// - dOutput: `[N, out]`
/// - input, weight: as given to `linearForward`
/// - dWeight: `[out, in]`; `dYᵀ · x` is **added** to it
/// - dBias: `[out]` or nil; if non-nil the column sums of `dY` are **added** to it
/// - computeInputGradient: pass false to skip `dX`
/// - returns dInput `dY · W` with the shape of `input` (freshly **assigned**), or nil.
public func linearBackward(
    dOutput: Tensor, input: Tensor, weight: Tensor,
    dWeight: inout Tensor, dBias: inout Tensor?,
    computeInputGradient: Bool = true
) -> Tensor? {
    let (n, inF, outF) = linearShapes(input: input, weight: weight)
    precondition(dOutput.shape == [n, outF], "linear dOutput \(dOutput.shape) must be [\(n), \(outF)]")
    precondition(
        dWeight.shape == weight.shape,
        "linear dWeight \(dWeight.shape) does not match weight \(weight.shape)")
    if let dBias { precondition(dBias.shape == [outF], "linear dBias must be [\(outF)], got \(dBias.shape)") }

    if dBias != nil {
        // Column sums in Double, row by row (fixed order: deterministic).
        var sums = [Double](repeating: 0, count: outF)
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            sums.withUnsafeMutableBufferPointer { sb in
                for i in 0..<n {
                    let row = dyb.baseAddress! + i * outF
                    for o in 0..<outF { sb[o] += Double(row[o]) }
                }
            }
        }
        for o in 0..<outF { dBias!.scalars[o] += Float(sums[o]) }
    }
    if n > 0 && outF > 0 && inF > 0 {
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            input.scalars.withUnsafeBufferPointer { xb in
                dWeight.scalars.withUnsafeMutableBufferPointer { dwb in
                    // dW[out, in] += dYᵀ[out, N] · x[N, in]
                    sgemmKernel(
                        transA: true, transB: false, m: outF, n: inF, k: n,
                        alpha: 1, a: dyb.baseAddress!, lda: outF, b: xb.baseAddress!, ldb: inF,
                        beta: 1, c: dwb.baseAddress!, ldc: inF)
                }
            }
        }
    }
    guard computeInputGradient else { return nil }
    if n == 0 || inF == 0 || outF == 0 { return Tensor.zeros(input.shape) }
    return Tensor(shape: input.shape) { dx in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            weight.scalars.withUnsafeBufferPointer { wb in
                // dX[N, in] = dY[N, out] · W[out, in]
                sgemmKernel(
                    transA: false, transB: false, m: n, n: inF, k: outF,
                    alpha: 1, a: dyb.baseAddress!, lda: outF, b: wb.baseAddress!, ldb: inF,
                    beta: 0, c: dx.baseAddress!, ldc: inF)
            }
        }
    }
}
