import SNNIR

/// Plain dense integer loops for the reference simulator, C-order (`[C, H, W]`) throughout.
///
/// Every multiply-add is done, zero weights and zero inputs included: this is the textbook
/// computation the event simulator must agree with, not a fast path.
enum DenseKernels {
    /// `out[co, oy, ox] = bias[co] + Σ w[co, ci, ky, kx] · in[ci, oy·sH − pH + ky, ox·sW − pW + kx]`.
    static func conv(
        input: UnsafePointer<Int64>, inputShape: [Int], weights: UnsafePointer<Int64>,
        bias: [Int64]?, outChannels: Int, geometry g: ConvGeometry, output: UnsafeMutablePointer<Int64>
    ) {
        let (cin, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let oh = g.outputHeight(h)
        let ow = g.outputWidth(w)
        // The outputs each kernel row / column reaches inside the input (padding reads zeros).
        let rowRanges = (0..<g.kernelH).map {
            ConvGeometry.validOutputs(kernelOffset: $0, stride: g.strideH, pad: g.padH, inputCount: h, outputCount: oh)
        }
        let columnRanges = (0..<g.kernelW).map {
            ConvGeometry.validOutputs(kernelOffset: $0, stride: g.strideW, pad: g.padW, inputCount: w, outputCount: ow)
        }
        for co in 0..<outChannels {
            let plane = output + co * oh * ow
            plane.update(repeating: bias?[co] ?? 0, count: oh * ow)
            for ci in 0..<cin {
                for ky in 0..<g.kernelH {
                    for kx in 0..<g.kernelW {
                        let weight = weights[((co * cin + ci) * g.kernelH + ky) * g.kernelW + kx]
                        for oy in rowRanges[ky] {
                            let inRow = input + (ci * h + oy * g.strideH - g.padH + ky) * w - g.padW + kx
                            let outRow = plane + oy * ow
                            for ox in columnRanges[kx] { outRow[ox] &+= weight &* inRow[ox * g.strideW] }
                        }
                    }
                }
            }
        }
    }

    /// `out[o] = bias[o] + Σ w[o, i] · in[i]`.
    static func linear(
        input: UnsafePointer<Int64>, inFeatures: Int, weights: UnsafePointer<Int64>, bias: [Int64]?,
        outFeatures: Int, output: UnsafeMutablePointer<Int64>
    ) {
        for o in 0..<outFeatures {
            var sum = bias?[o] ?? 0
            let row = weights + o * inFeatures
            for i in 0..<inFeatures { sum &+= row[i] &* input[i] }
            output[o] = sum
        }
    }

    /// Pooling of `[C, H, W]`: max gives 1 when any input of the window is non-zero, sum the
    /// window's sum (padding is zero).
    static func pool(
        input: UnsafePointer<Int64>, inputShape: [Int], kind: PoolLayer.Kind, geometry g: ConvGeometry,
        output: UnsafeMutablePointer<Int64>
    ) {
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let oh = g.outputHeight(h)
        let ow = g.outputWidth(w)
        for ch in 0..<c {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var value: Int64 = 0
                    for ky in 0..<g.kernelH {
                        let iy = oy * g.strideH - g.padH + ky
                        guard iy >= 0, iy < h else { continue }
                        for kx in 0..<g.kernelW {
                            let ix = ox * g.strideW - g.padW + kx
                            guard ix >= 0, ix < w else { continue }
                            let x = input[(ch * h + iy) * w + ix]
                            value = kind == .max ? (x != 0 ? 1 : value) : value &+ x
                        }
                    }
                    output[(ch * oh + oy) * ow + ox] = value
                }
            }
        }
    }
}
