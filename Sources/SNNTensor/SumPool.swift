// Sum pooling over NCHW planes (NIR SumPool2d): the window's sum, padding counting as zeros.

/// Sum pooling forward: `y[n, c, oh, ow] = Σ` over the window's in-image positions, added in
/// row-major window order.
/// - input: `[N, C, H, W]`; returns `[N, C, Ho, Wo]` (floor division, like the other pools).
public func sumPool2dForward(input: Tensor, window: Window2d) -> Tensor {
    let shape = pool2dOutputShape(inputShape: input.shape, window: window)
    let planes = shape[0] * shape[1]
    let h = input.shape[2]
    let w = input.shape[3]
    let ho = shape[2]
    let wo = shape[3]
    var y = [Float](repeating: 0, count: planes * ho * wo)
    for plane in 0..<planes {
        let x = plane * h * w
        for oh in 0..<ho {
            let rows = window.inputRows(ofOutputRow: oh, height: h)
            for ow in 0..<wo {
                let columns = window.inputColumns(ofOutputColumn: ow, width: w)
                var s: Float = 0
                for ih in rows {
                    for iw in columns { s += input.scalars[x + ih * w + iw] }
                }
                y[(plane * ho + oh) * wo + ow] = s
            }
        }
    }
    return Tensor(shape: shape, scalars: y)
}

/// Sum pooling backward: each input position receives the sum of `dy` over the windows that
/// cover it.
public func sumPool2dBackward(dOutput: Tensor, inputShape: [Int], window: Window2d) -> Tensor {
    let shape = pool2dOutputShape(inputShape: inputShape, window: window)
    precondition(dOutput.shape == shape, "sum pool dOutput \(dOutput.shape) does not match \(shape)")
    let planes = shape[0] * shape[1]
    let h = inputShape[2]
    let w = inputShape[3]
    let ho = shape[2]
    let wo = shape[3]
    var dx = [Float](repeating: 0, count: planes * h * w)
    for plane in 0..<planes {
        let x = plane * h * w
        for oh in 0..<ho {
            let rows = window.inputRows(ofOutputRow: oh, height: h)
            for ow in 0..<wo {
                let columns = window.inputColumns(ofOutputColumn: ow, width: w)
                let g = dOutput.scalars[(plane * ho + oh) * wo + ow]
                for ih in rows {
                    for iw in columns { dx[x + ih * w + iw] += g }
                }
            }
        }
    }
    return Tensor(shape: inputShape, scalars: dx)
}
