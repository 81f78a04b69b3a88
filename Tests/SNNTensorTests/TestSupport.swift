// Helpers shared by the SNNTensor tests: random data, comparisons, finite differences.
import Testing

@testable import SNNTensor

/// Root of all SNNTensor tests. Serialized because OpenBLAS is process-global (thread count)
/// and the suite is small enough to run one test at a time well under the time budget.
@Suite(.serialized) struct SNNTensorTests {}

/// A tensor with elements uniform in [-range, range) from a fixed seed.
func randomTensor(_ shape: [Int], seed: UInt64, range: Float = 1) -> Tensor {
    var rng = SeededRNG(seed: seed)
    let n = shape.reduce(1, *)
    return Tensor(shape: shape, scalars: (0..<n).map { _ in rng.nextFloat(in: -range, range) })
}

/// Fixed random weights in Double, used to turn an output tensor into a scalar loss
/// `L = Σ r_i · y_i`, whose gradient w.r.t. y is exactly r.
func randomDoubles(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in Double(rng.nextFloat(in: -1, 1)) }
}

/// Σ r_i · y_i in Double.
func weightedSum(_ y: [Float], _ r: [Double]) -> Double {
    precondition(y.count == r.count)
    var s = 0.0
    for i in 0..<y.count { s += r[i] * Double(y[i]) }
    return s
}

/// Largest violation of |a − b| ≤ atol + rtol·|b| (≤ 0 means all close), and where.
func worstViolation(_ a: [Float], _ b: [Float], atol: Float, rtol: Float) -> (excess: Float, index: Int) {
    precondition(a.count == b.count, "count mismatch \(a.count) vs \(b.count)")
    var worst: Float = -.infinity
    var at = -1
    for i in 0..<a.count {
        let excess = abs(a[i] - b[i]) - (atol + rtol * abs(b[i]))
        if excess > worst || excess.isNaN {
            worst = excess.isNaN ? .infinity : excess
            at = i
        }
    }
    return (worst, at)
}

/// Expects `actual` ≈ `expected` elementwise (|a − e| ≤ atol + rtol·|e|), reporting the worst element.
func expectClose(
    _ actual: [Float], _ expected: [Float], atol: Float = 1e-5, rtol: Float = 1e-5,
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    guard actual.count == expected.count, !actual.isEmpty else { return }
    let (excess, i) = worstViolation(actual, expected, atol: atol, rtol: rtol)
    #expect(
        excess <= 0, "\(what): element \(i) is \(actual[i]), expected \(expected[i])",
        sourceLocation: sourceLocation)
}

/// Central finite differences of `loss` at `x`, probing every element (or, for large x, about
/// `maxProbes` elements at a fixed stride), computed in Double from Float evaluations.
///
/// The perturbation actually applied is measured after rounding to Float, so the quotient uses
/// the true step. Returns the numeric gradient (0 where not probed) and the probed indices.
func finiteDifferenceGradient(
    at x: Tensor, step h: Float = 1e-2, maxProbes: Int = 400,
    _ loss: (Tensor) -> Double
) -> (grad: [Float], probed: [Int]) {
    var grad = [Float](repeating: 0, count: x.count)
    let every = max(1, x.count / maxProbes)
    var probed: [Int] = []
    var xp = x
    for i in stride(from: 0, to: x.count, by: every) {
        let orig = x.scalars[i]
        let plus = orig + h
        let minus = orig - h
        xp.scalars[i] = plus
        let lp = loss(xp)
        xp.scalars[i] = minus
        let lm = loss(xp)
        xp.scalars[i] = orig
        grad[i] = Float((lp - lm) / (Double(plus) - Double(minus)))
        probed.append(i)
    }
    return (grad, probed)
}

/// Compares an analytic gradient against finite differences on the probed elements.
///
/// Default tolerance: the losses are Float forwards summed in Double; with h = 1e-2 their
/// rounding (~1e-6 relative on losses of order 10) contributes ≲ 1e-3 absolute to the quotient,
/// and the O(h²) truncation of smooth ops is ≲ 1e-3 relative, hence atol 3e-3 + rtol 1e-2.
/// Also fails when every probed numeric gradient is ~0, so a check cannot pass vacuously.
func expectGradientMatches(
    analytic: [Float], numeric: (grad: [Float], probed: [Int]),
    atol: Float = 3e-3, rtol: Float = 1e-2, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(analytic.count == numeric.grad.count, "\(what): gradient size", sourceLocation: sourceLocation)
    guard analytic.count == numeric.grad.count else { return }
    let a = numeric.probed.map { analytic[$0] }
    let n = numeric.probed.map { numeric.grad[$0] }
    expectClose(a, n, atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
    #expect(
        n.contains { abs($0) > 10 * atol }, "\(what): probed only ~zero gradients",
        sourceLocation: sourceLocation)
}

/// Expects `analytic` ≈ the central-difference gradient of a smooth Double reference `loss` at
/// `x` (step `h` in every element, quotients rounded to Float), and that gradient to have some
/// element above 0.05 in magnitude, so the check cannot pass vacuously.
func expectMatchesSmoothReference(
    _ analytic: [Float], at x: [Double], step h: Double = 1e-6, atol: Float, rtol: Float, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation, loss: ([Double]) -> Double
) {
    var numeric = [Float]()
    for i in 0..<x.count {
        var xp = x
        var xm = x
        xp[i] += h
        xm[i] -= h
        numeric.append(Float((loss(xp) - loss(xm)) / (2 * h)))
    }
    expectClose(analytic, numeric, atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
    #expect(numeric.contains { abs($0) > 0.05 }, "\(what): only ~zero reference gradients", sourceLocation: sourceLocation)
}

/// Inputs of a check against a smooth reference: X of `shape` uniform in [low, high) from
/// `seed`, the loss weights r from `seed + 1`, and r as the upstream gradient dY.
func smoothReferenceInputs(_ shape: [Int], seed: UInt64, low: Float, high: Float) -> (x: Tensor, r: [Double], dy: Tensor) {
    var rng = SeededRNG(seed: seed)
    let count = shape.reduce(1, *)
    let x = Tensor(shape: shape, scalars: (0..<count).map { _ in rng.nextFloat(in: low, high) })
    let r = randomDoubles(count, seed: seed + 1)
    return (x, r, Tensor(shape: shape, scalars: r.map(Float.init)))
}
