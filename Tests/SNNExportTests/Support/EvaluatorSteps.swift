import SNNIR

// What the float and the integer test interpreters (FloatEvaluator, IntegerEvaluator) do alike.

/// Calls `visit` for every position of the pooling window at output `(oy, ox)` of channel `c`,
/// row-major in the window, with the flat index `(c·h + iy)·w + ix` of its input, or nil where
/// the window lies in the padding.
func forEachWindowPosition(
    _ g: ConvGeometry, channel c: Int, oy: Int, ox: Int, height h: Int, width w: Int, _ visit: (Int?) -> Void
) {
    for ky in 0..<g.kernelH {
        for kx in 0..<g.kernelW {
            let iy = oy * g.strideH - g.padH + ky
            let ix = ox * g.strideW - g.padW + kx
            visit(iy >= 0 && iy < h && ix >= 0 && ix < w ? (c * h + iy) * w + ix : nil)
        }
    }
}

/// The element-wise sum of `layer`'s inputs (a residual add): its first input `x` plus each
/// further input in `values`, in order (one not computed is left out).
func residualSum<T: AdditiveArithmetic>(_ x: [T], _ layer: Layer, _ values: [String: [T]]) -> [T] {
    var sum = x
    for other in layer.inputs.dropFirst() {
        guard let y = values[other] else { continue }
        for j in sum.indices { sum[j] += y[j] }
    }
    return sum
}
