// Max and average pooling over NCHW planes (PyTorch MaxPool2d / AvgPool2d, ceil_mode=False).

/// What `maxPool2dForward` keeps for the backward: where each output's maximum came from.
public struct MaxPoolCache: Sendable, Equatable {
    /// Shape of the forward input, `[N, C, H, W]`.
    public let inputShape: [Int]
    /// For each output element (NCHW order), the flat index `ih·W + iw` of its maximum
    /// inside its own input plane.
    public let argmax: [Int32]
}

/// Checks an `[N, C, H, W]` input; returns (planes N·C, H, W, Ho, Wo).
private func poolDims(_ shape: [Int], _ window: Window2d) -> (planes: Int, h: Int, w: Int, ho: Int, wo: Int) {
    precondition(shape.count == 4, "pooling input must be [N, C, H, W], got \(shape)")
    precondition(
        window.padH * 2 <= window.kernelH && window.padW * 2 <= window.kernelW,
        "pooling padding must be at most half the kernel (\(window))")
    return (
        shape[0] * shape[1], shape[2], shape[3], window.outputHeight(shape[2]),
        window.outputWidth(shape[3])
    )
}

/// Output shape `[N, C, Ho, Wo]` of pooling `inputShape` `[N, C, H, W]` with `window`.
public func pool2dOutputShape(inputShape: [Int], window: Window2d) -> [Int] {
    let d = poolDims(inputShape, window)
    return [inputShape[0], inputShape[1], d.ho, d.wo]
}

/// Max pooling forward: `y[n, c, oh, ow] = max` over the window's in-image positions
/// (padding counts as −∞). Ties keep the first maximum in row-major window order; a NaN wins
/// (the last one, as in PyTorch).
///
/// - input: `[N, C, H, W]`; window: kernel, stride, padding (padding ≤ kernel/2)
/// - returns `[N, C, Ho, Wo]` and the argmax cache for `maxPool2dBackward`.
public func maxPool2dForward(input: Tensor, window: Window2d) -> (output: Tensor, cache: MaxPoolCache) {
    let d = poolDims(input.shape, window)
    let outShape = [input.shape[0], input.shape[1], d.ho, d.wo]
    let outCount = d.planes * d.ho * d.wo
    precondition(d.h * d.w <= Int(Int32.max), "pooling plane too large for Int32 indices")
    var argmax = [Int32](repeating: 0, count: outCount)
    let isPair =
        window.kernelH == 2 && window.kernelW == 2 && window.strideH == 2 && window.strideW == 2
        && window.padH == 0 && window.padW == 0
    let output = Tensor(shape: outShape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            argmax.withUnsafeMutableBufferPointer { ab in
                let ys = SharedPointer(out.baseAddress!)
                let idxs = SharedPointer(ab.baseAddress!)
                let xs = SharedPointer(xb.baseAddress!)
                let parts = elementwiseParts(input.count)
                forEachPart(parts) { part in
                    for plane in slice(d.planes, part: part, of: parts) {
                        let x = UnsafePointer(xs.base) + plane * d.h * d.w
                        let yPlane = ys.base + plane * d.ho * d.wo
                        let iPlane = idxs.base + plane * d.ho * d.wo
                        if isPair {
                            maxPoolPairPlane(x, yPlane, iPlane, width: d.w, outHeight: d.ho, outWidth: d.wo)
                        } else {
                            maxPoolPlane(
                                x, yPlane, iPlane, height: d.h, width: d.w, outHeight: d.ho, outWidth: d.wo,
                                window: window)
                        }
                    }
                }
            }
        }
    }
    return (output, MaxPoolCache(inputShape: input.shape, argmax: argmax))
}

/// One plane of a 2×2 stride-2 max pool (VGG): four candidates in row-major order, no bounds;
/// eight outputs at a time, then one at a time.
@inline(__always)
private func maxPoolPairPlane(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>,
    width w: Int, outHeight ho: Int, outWidth wo: Int
) {
    for oh in 0..<ho {
        let r0 = 2 * oh * w
        let r1 = r0 + w
        var first = 0
        while first + 8 <= wo {
            maxPoolPairEight(x, y + oh * wo + first, idx + oh * wo + first, a: r0 + 2 * first, b: r1 + 2 * first)
            first += 8
        }
        for ow in first..<wo {
            maxPoolPairOne(x, y + oh * wo + ow, idx + oh * wo + ow, a: r0 + 2 * ow, b: r1 + 2 * ow)
        }
    }
}

/// Eight 2×2 outputs from the even/odd lanes of the 16 inputs at `a` (upper row) and `b` (lower row).
@inline(__always)
private func maxPoolPairEight(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>,
    a: Int, b: Int
) {
    let evenLanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
    let rowA = UnsafeRawPointer(x + a).loadUnaligned(as: SIMD16<Float>.self)
    let rowB = UnsafeRawPointer(x + b).loadUnaligned(as: SIMD16<Float>.self)
    var best = rowA.evenHalf
    var bestIndex = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: a)) &+ evenLanes
    let v1 = rowA.oddHalf
    let t1 = (v1 .> best) .| (v1 .!= v1)
    best.replace(with: v1, where: t1)
    bestIndex.replace(with: bestIndex &+ 1, where: t1)
    let v2 = rowB.evenHalf
    let i2 = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: b)) &+ evenLanes
    let t2 = (v2 .> best) .| (v2 .!= v2)
    best.replace(with: v2, where: t2)
    bestIndex.replace(with: i2, where: t2)
    let v3 = rowB.oddHalf
    let t3 = (v3 .> best) .| (v3 .!= v3)
    best.replace(with: v3, where: t3)
    bestIndex.replace(with: i2 &+ 1, where: t3)
    UnsafeMutableRawPointer(y).storeBytes(of: best, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(idx).storeBytes(of: bestIndex, as: SIMD8<Int32>.self)
}

/// One 2×2 output from the inputs at `a`, `a + 1` (upper row) and `b`, `b + 1` (lower row).
@inline(__always)
private func maxPoolPairOne(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>,
    a: Int, b: Int
) {
    // Branch-free selects (spike maps make comparisons unpredictable); `(v > best) != v.isNaN`
    // is `v > best || v.isNaN` (never both true) without the short-circuit branch.
    var bestIndex = a
    var best = x[a]
    let v1 = x[a + 1]
    let t1 = (v1 > best) != v1.isNaN
    best = t1 ? v1 : best
    bestIndex = t1 ? a + 1 : bestIndex
    let v2 = x[b]
    let t2 = (v2 > best) != v2.isNaN
    best = t2 ? v2 : best
    bestIndex = t2 ? b : bestIndex
    let v3 = x[b + 1]
    let t3 = (v3 > best) != v3.isNaN
    best = t3 ? v3 : best
    bestIndex = t3 ? b + 1 : bestIndex
    y.pointee = best
    idx.pointee = Int32(truncatingIfNeeded: bestIndex)
}

/// One plane of a max pool with any window: the maximum over each window's in-image positions.
@inline(__always)
private func maxPoolPlane(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>,
    height h: Int, width w: Int, outHeight ho: Int, outWidth wo: Int, window: Window2d
) {
    for oh in 0..<ho {
        let rows = window.inputRows(ofOutputRow: oh, height: h)
        for ow in 0..<wo {
            let columns = window.inputColumns(ofOutputColumn: ow, width: w)
            var best = -Float.infinity
            var bestIndex = rows.lowerBound * w + columns.lowerBound
            for ih in rows {
                for iw in columns {
                    let v = x[ih * w + iw]
                    let take = (v > best) != v.isNaN
                    best = take ? v : best
                    bestIndex = take ? ih * w + iw : bestIndex
                }
            }
            y[oh * wo + ow] = best
            idx[oh * wo + ow] = Int32(truncatingIfNeeded: bestIndex)
        }
    }
}

/// Max pooling backward: routes each output gradient to its argmax input position
/// (**adding** when windows overlap).
///
/// - dOutput: `[N, C, Ho, Wo]`; cache: from `maxPool2dForward`
/// - returns dInput `[N, C, H, W]`, freshly assigned (zero where nothing was routed).
public func maxPool2dBackward(dOutput: Tensor, cache: MaxPoolCache) -> Tensor {
    let s = cache.inputShape
    precondition(
        dOutput.count == cache.argmax.count && dOutput.rank == 4
            && dOutput.shape[0] == s[0] && dOutput.shape[1] == s[1],
        "max pool dOutput \(dOutput.shape) does not match the cached forward (input \(s))")
    let planes = s[0] * s[1]
    let planeIn = s[2] * s[3]
    let planeOut = dOutput.shape[2] * dOutput.shape[3]
    var dx = [Float](repeating: 0, count: planes * planeIn)
    dOutput.scalars.withUnsafeBufferPointer { dyb in
        cache.argmax.withUnsafeBufferPointer { ab in
            dx.withUnsafeMutableBufferPointer { dxb in
                let dys = SharedPointer(dyb.baseAddress!)
                let idxs = SharedPointer(ab.baseAddress!)
                let dxs = SharedPointer(dxb.baseAddress!)
                let parts = elementwiseParts(planes * planeIn)
                forEachPart(parts) { part in
                    let dy = dys.base
                    let idx = idxs.base
                    let dxp = dxs.base
                    for plane in slice(planes, part: part, of: parts) {
                        let dxPlane = dxp + plane * planeIn
                        let base = plane * planeOut
                        for j in 0..<planeOut { dxPlane[Int(idx[base + j])] += dy[base + j] }
                    }
                }
            }
        }
    }
    return Tensor(shape: s, scalars: dx)
}

/// Average pooling forward: `y = (Σ over the window's in-image positions) / (kH·kW)`.
///
/// Padding counts as zeros in the divisor (PyTorch's default `count_include_pad=True`).
/// Global average pooling to 1×1 is `Window2d(kernelH: H, kernelW: W)`; see `globalAvgPool2dForward`.
/// - input: `[N, C, H, W]`; returns `[N, C, Ho, Wo]`.
public func avgPool2dForward(input: Tensor, window: Window2d) -> Tensor {
    let d = poolDims(input.shape, window)
    let (kH, kW, sH, sW, pH, pW) = (
        window.kernelH, window.kernelW, window.strideH, window.strideW,
        window.padH, window.padW
    )
    let inv = 1 / Float(kH * kW)
    return Tensor(shape: [input.shape[0], input.shape[1], d.ho, d.wo]) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            let ys = SharedPointer(out.baseAddress!)
            let xs = SharedPointer(xb.baseAddress!)
            let isPair = kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0
            let parts = elementwiseParts(input.count)
            forEachPart(parts) { part in
                let y = ys.base
                for plane in slice(d.planes, part: part, of: parts) {
                    let x = UnsafePointer(xs.base) + plane * d.h * d.w
                    let yPlane = y + plane * d.ho * d.wo
                    if isPair {
                        for oh in 0..<d.ho {
                            let r0 = x + 2 * oh * d.w
                            let r1 = r0 + d.w
                            let yr = yPlane + oh * d.wo
                            for ow in 0..<d.wo {
                                yr[ow] = ((r0[2 * ow] + r0[2 * ow + 1]) + (r1[2 * ow] + r1[2 * ow + 1])) * inv
                            }
                        }
                        continue
                    }
                    for oh in 0..<d.ho {
                        let rows = window.inputRows(ofOutputRow: oh, height: d.h)
                        for ow in 0..<d.wo {
                            let columns = window.inputColumns(ofOutputColumn: ow, width: d.w)
                            var s: Float = 0
                            for ih in rows {
                                let row = x + ih * d.w
                                for iw in columns { s += row[iw] }
                            }
                            yPlane[oh * d.wo + ow] = s * inv
                        }
                    }
                }
            }
        }
    }
}

/// Average pooling backward: each input position receives `dy / (kH·kW)` from every window
/// that covers it (**summed** over overlapping windows).
///
/// - dOutput: `[N, C, Ho, Wo]`; inputShape: the forward input's `[N, C, H, W]`; window: as forward
/// - returns dInput with `inputShape`, freshly assigned.
public func avgPool2dBackward(dOutput: Tensor, inputShape: [Int], window: Window2d) -> Tensor {
    let d = poolDims(inputShape, window)
    precondition(
        dOutput.shape == [inputShape[0], inputShape[1], d.ho, d.wo],
        "avg pool dOutput \(dOutput.shape) does not match input \(inputShape) with \(window)")
    let (kH, kW, sH, sW, pH, pW) = (
        window.kernelH, window.kernelW, window.strideH, window.strideW,
        window.padH, window.padW
    )
    let inv = 1 / Float(kH * kW)
    if kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && d.h == 2 * d.ho && d.w == 2 * d.wo {
        return avgPairPoolBackward(dOutput: dOutput, inputShape: inputShape, scale: inv)
    }
    var dx = [Float](repeating: 0, count: d.planes * d.h * d.w)
    dOutput.scalars.withUnsafeBufferPointer { dyb in
        dx.withUnsafeMutableBufferPointer { dxb in
            let dxs = SharedPointer(dxb.baseAddress!)
            let dys = SharedPointer(dyb.baseAddress!)
            let parts = elementwiseParts(d.planes * d.h * d.w)
            forEachPart(parts) { part in
                for plane in slice(d.planes, part: part, of: parts) {
                    let dxPlane = dxs.base + plane * d.h * d.w
                    let dyPlane = UnsafePointer(dys.base) + plane * d.ho * d.wo
                    for oh in 0..<d.ho {
                        let rows = window.inputRows(ofOutputRow: oh, height: d.h)
                        for ow in 0..<d.wo {
                            let columns = window.inputColumns(ofOutputColumn: ow, width: d.w)
                            let g = dyPlane[oh * d.wo + ow] * inv
                            for ih in rows {
                                let row = dxPlane + ih * d.w
                                for iw in columns { row[iw] += g }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: inputShape, scalars: dx)
}

/// `avgPool2dBackward` of a 2×2, stride-2, unpadded window that tiles the input exactly: each
/// input pixel belongs to one window, so its gradient is that window's `dOutput · scale`, written
/// once (no zero fill, no accumulation; the same bits as the general path's `0 + g`).
private func avgPairPoolBackward(dOutput: Tensor, inputShape: [Int], scale: Float) -> Tensor {
    let (ho, wo) = (dOutput.shape[2], dOutput.shape[3])
    let planes = inputShape[0] * inputShape[1]
    return Tensor(shape: inputShape) { dx in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            let dxs = SharedPointer(dx.baseAddress!)
            let dys = SharedPointer(dyb.baseAddress!)
            let parts = elementwiseParts(dx.count)
            forEachPart(parts) { part in
                for plane in slice(planes, part: part, of: parts) {
                    let dy = UnsafePointer(dys.base) + plane * ho * wo
                    let out = dxs.base + plane * 4 * ho * wo
                    for oh in 0..<ho {
                        let r0 = out + 2 * oh * 2 * wo
                        let r1 = r0 + 2 * wo
                        let g = dy + oh * wo
                        for ow in 0..<wo {
                            let v = g[ow] * scale
                            r0[2 * ow] = v
                            r0[2 * ow + 1] = v
                            r1[2 * ow] = v
                            r1[2 * ow + 1] = v
                        }
                    }
                }
            }
        }
    }
}

/// Global average pooling: `[N, C, H, W]` → `[N, C, 1, 1]`, the mean of each plane
/// (adaptive average pooling to 1×1).
public func globalAvgPool2dForward(input: Tensor) -> Tensor {
    precondition(input.rank == 4, "pooling input must be [N, C, H, W], got \(input.shape)")
    return avgPool2dForward(input: input, window: Window2d(kernelH: input.shape[2], kernelW: input.shape[3]))
}

/// Global average pooling backward: spreads `dy / (H·W)` over each plane.
/// - dOutput: `[N, C, 1, 1]`; inputShape: `[N, C, H, W]`; returns dInput, freshly assigned.
public func globalAvgPool2dBackward(dOutput: Tensor, inputShape: [Int]) -> Tensor {
    precondition(inputShape.count == 4, "pooling input must be [N, C, H, W], got \(inputShape)")
    return avgPool2dBackward(
        dOutput: dOutput, inputShape: inputShape,
        window: Window2d(kernelH: inputShape[2], kernelW: inputShape[3]))
}
