// Sum pooling over NCHW planes (NIR SumPool2d): the window's sum, padding counting as zeros.

/// Sum pooling forward: `y[n, c, oh, ow] = Σ` over the window's in-image positions, added in
/// row-major window order.
/// - input: `[N, C, H, W]`; returns `[N, C, Ho, Wo]` (floor division, like the other pools).
public func sumPool2dForward(input: Tensor, window: Window2d) -> Tensor {
    let shape = pool2dOutputShape(inputShape: input.shape, window: window)
    let w = input.shape[3]
    var y = [Float](repeating: 0, count: shape.reduce(1, *))
    forEachWindow(inputShape: input.shape, outputShape: shape, window: window) { j, x, rows, columns in
        var s: Float = 0
        for ih in rows {
            for iw in columns { s += input.scalars[x + ih * w + iw] }
        }
        y[j] = s
    }
    return Tensor(shape: shape, scalars: y)
}

/// Sum pooling backward: each input position receives the sum of `dy` over the windows that
/// cover it.
public func sumPool2dBackward(dOutput: Tensor, inputShape: [Int], window: Window2d) -> Tensor {
    let shape = pool2dOutputShape(inputShape: inputShape, window: window)
    precondition(dOutput.shape == shape, "sum pool dOutput \(dOutput.shape) does not match \(shape)")
    let w = inputShape[3]
    var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
    forEachWindow(inputShape: inputShape, outputShape: shape, window: window) { j, x, rows, columns in
        let g = dOutput.scalars[j]
        for ih in rows {
            for iw in columns { dx[x + ih * w + iw] += g }
        }
    }
    return Tensor(shape: inputShape, scalars: dx)
}

/// Visits the pooling windows of an `[N, C, H, W]` input in output order (plane, row, column):
/// `visit` gets the output's flat index, where its input plane starts, and the window's in-image
/// input rows and columns.
@inline(__always)
private func forEachWindow(
    inputShape: [Int], outputShape shape: [Int], window: Window2d,
    _ visit: (_ output: Int, _ inputPlane: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void
) {
    let (h, w, ho, wo) = (inputShape[2], inputShape[3], shape[2], shape[3])
    for plane in 0..<shape[0] * shape[1] {
        for oh in 0..<ho {
            let rows = window.inputRows(ofOutputRow: oh, height: h)
            for ow in 0..<wo {
                visit((plane * ho + oh) * wo + ow, plane * h * w, rows, window.inputColumns(ofOutputColumn: ow, width: w))
            }
        }
    }
}
