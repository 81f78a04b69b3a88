// im2col / col2im for a chunk of images, the data movement around the convolution GEMMs.
//
// Column layout for a chunk of `images` images (P = outH·outW output pixels per image):
//   cols[r, j],  r = (ci·kH + kh)·kW + kw  in 0..<Cin·kH·kW,
//               j = img·P + oh·outW + ow   in 0..<images·P,
//   row stride `ld` (≥ images·P),
//   cols[r, j] = x[img, ci, oh·sH − pH + kh, ow·sW − pW + kw]  (0 outside the image).
// Images are the outer loop so one input plane stays in L1 while its kH·kW rows are written.

/// Geometry of one convolution input/output pair, precomputed once per call.
struct ConvGeometry {
    let channels: Int
    let height: Int
    let width: Int
    let outH: Int
    let outW: Int
    let window: Window2d

    init(channels: Int, height: Int, width: Int, window: Window2d) {
        self.channels = channels
        self.height = height
        self.width = width
        self.window = window
        self.outH = window.outputHeight(height)
        self.outW = window.outputWidth(width)
    }

    /// Rows of the column matrix: Cin·kH·kW.
    var columnRows: Int { channels * window.kernelH * window.kernelW }
    /// Output pixels per image: outH·outW.
    var outputPixels: Int { outH * outW }
    /// Input elements per image: Cin·H·W.
    var inputImageSize: Int { channels * height * width }
}

/// Unfolds `images` consecutive NCHW images starting at `x` into `cols` (layout above), for
/// the input channels in `channelRange` (default all): every element of the rows
/// `channelRange.lowerBound·kH·kW ..< channelRange.upperBound·kH·kW` is written, so disjoint
/// channel ranges can run on different threads.
func im2col(
    _ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
    cols: UnsafeMutablePointer<Float>, ld: Int, channelRange: Range<Int>? = nil
) {
    let w = g.window
    let (H, W, outH, outW) = (g.height, g.width, g.outH, g.outW)
    let (kH, kW, sH, sW, pH, pW) = (w.kernelH, w.kernelW, w.strideH, w.strideW, w.padH, w.padW)
    let P = g.outputPixels
    let planeSize = H * W
    for img in 0..<images {
        for ci in channelRange ?? 0..<g.channels {
            let plane = x + (img * g.channels + ci) * planeSize
            for kh in 0..<kH {
                let rowsValid = Window2d.validOutputRange(
                    kernelOffset: kh, stride: sH, pad: pH,
                    inputCount: H, outputCount: outH)
                for kw in 0..<kW {
                    let r = (ci * kH + kh) * kW + kw
                    let dst = cols + r * ld + img * P
                    let colsValid = Window2d.validOutputRange(
                        kernelOffset: kw, stride: sW, pad: pW,
                        inputCount: W, outputCount: outW)
                    // Rows entirely in the top/bottom padding.
                    if rowsValid.lowerBound > 0 {
                        dst.update(repeating: 0, count: rowsValid.lowerBound * outW)
                    }
                    if rowsValid.upperBound < outH {
                        (dst + rowsValid.upperBound * outW)
                            .update(repeating: 0, count: (outH - rowsValid.upperBound) * outW)
                    }
                    if colsValid.isEmpty {
                        if !rowsValid.isEmpty {
                            (dst + rowsValid.lowerBound * outW)
                                .update(repeating: 0, count: rowsValid.count * outW)
                        }
                        continue
                    }
                    let lo = colsValid.lowerBound
                    let hi = colsValid.upperBound
                    let iwStart = lo * sW - pW + kw
                    for oh in rowsValid {
                        let d = dst + oh * outW
                        let src = plane + (oh * sH - pH + kh) * W + iwStart
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if sW == 1 {
                            (d + lo).update(from: src, count: hi - lo)
                        } else {
                            var s = src
                            for ow in lo..<hi {
                                d[ow] = s.pointee
                                s += sW
                            }
                        }
                        if hi < outW { (d + hi).update(repeating: 0, count: outW - hi) }
                    }
                }
            }
        }
    }
}

/// Folds `cols` (layout above) back onto `images` consecutive NCHW images at `dx`,
/// **adding** each column entry to the input position it was copied from (the adjoint of
/// `im2col`). Entries that came from padding are dropped. Only the input channels in
/// `channelRange` (default all) are touched, so disjoint ranges can run on different threads.
func col2imAccumulate(
    _ cols: UnsafePointer<Float>, ld: Int, images: Int, geometry g: ConvGeometry,
    dx: UnsafeMutablePointer<Float>, channelRange: Range<Int>? = nil
) {
    let w = g.window
    let (H, W, outH, outW) = (g.height, g.width, g.outH, g.outW)
    let (kH, kW, sH, sW, pH, pW) = (w.kernelH, w.kernelW, w.strideH, w.strideW, w.padH, w.padW)
    let P = g.outputPixels
    let planeSize = H * W
    for img in 0..<images {
        for ci in channelRange ?? 0..<g.channels {
            let plane = dx + (img * g.channels + ci) * planeSize
            for kh in 0..<kH {
                let rowsValid = Window2d.validOutputRange(
                    kernelOffset: kh, stride: sH, pad: pH,
                    inputCount: H, outputCount: outH)
                for kw in 0..<kW {
                    let colsValid = Window2d.validOutputRange(
                        kernelOffset: kw, stride: sW, pad: pW,
                        inputCount: W, outputCount: outW)
                    if colsValid.isEmpty { continue }
                    let r = (ci * kH + kh) * kW + kw
                    let srcBase = cols + r * ld + img * P
                    let lo = colsValid.lowerBound
                    let n = colsValid.count
                    let iwStart = lo * sW - pW + kw
                    for oh in rowsValid {
                        let s = srcBase + oh * outW + lo
                        let d = plane + (oh * sH - pH + kh) * W + iwStart
                        if sW == 1 {
                            for i in 0..<n { d[i] += s[i] }
                        } else {
                            for i in 0..<n { d[i * sW] += s[i] }
                        }
                    }
                }
            }
        }
    }
}
