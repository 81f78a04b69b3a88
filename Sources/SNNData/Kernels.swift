/// The inner loops of the data pipeline. These are the only places in SNNData that use unsafe
/// pointers; every caller checks sizes before calling, so the loops themselves do no checks.
enum Kernels {
    /// Copies `planes` planes of `height×width` bytes from `source` into the centre of
    /// `(height+2·pad)×(width+2·pad)` planes of `dest`, whose borders must already be 0.
    static func pad(
        _ source: [UInt8], into dest: inout [UInt8], planes: Int, height: Int,
        width: Int, pad: Int
    ) {
        let outWidth = width + 2 * pad
        let outPlane = (height + 2 * pad) * outWidth
        precondition(
            source.count == planes * height * width && dest.count == planes * outPlane,
            "pad kernel called with mismatched sizes")
        source.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                guard let srcBase = src.baseAddress, let dstBase = dst.baseAddress else { return }
                for plane in 0..<planes {
                    let inPlane = srcBase + plane * height * width
                    let outFirst = dstBase + plane * outPlane + pad * outWidth + pad
                    for y in 0..<height {
                        (outFirst + y * outWidth).update(from: inPlane + y * width, count: width)
                    }
                }
            }
        }
    }

    /// Writes one normalised, crop-flipped `C×H×W` image.
    ///
    /// Output pixel `(c, y, x)` is `table[c*256 + source(c, y+offsetY, x'+offsetX)]`, with
    /// `x' = flipped ? W-1-x : x`, or `table[c*256]` (normalised byte 0) when the source pixel
    /// lies outside the image — the same as `CropFlip.apply` followed by normalisation.
    @inline(__always)
    static func normalizeImage(
        _ source: UnsafePointer<UInt8>, into dest: UnsafeMutablePointer<Float>,
        channels: Int, height: Int, width: Int,
        table: UnsafePointer<Float>, transform: CropFlip
    ) {
        let planeSize = height * width
        for c in 0..<channels {
            let lut = table + c * 256
            let fill = lut[0]
            let inPlane = source + c * planeSize
            let outPlane = dest + c * planeSize
            for y in 0..<height {
                let out = outPlane + y * width
                let sy = y + transform.offsetY
                guard sy >= 0 && sy < height else {
                    out.update(repeating: fill, count: width)
                    continue
                }
                let row = inPlane + sy * width
                // Output columns whose source column lies inside the image form one run
                // [lo, hi); everything else is border.
                let lo: Int
                let hi: Int
                if transform.flipped {
                    // sx = width-1-x+offsetX must lie in 0..<width.
                    lo = max(0, transform.offsetX)
                    hi = min(width, width + transform.offsetX)
                } else {
                    // sx = x+offsetX must lie in 0..<width.
                    lo = max(0, -transform.offsetX)
                    hi = min(width, width - transform.offsetX)
                }
                guard lo < hi else {
                    out.update(repeating: fill, count: width)
                    continue
                }
                if lo > 0 { out.update(repeating: fill, count: lo) }
                if hi < width { (out + hi).update(repeating: fill, count: width - hi) }
                if transform.flipped {
                    let base = width - 1 + transform.offsetX
                    for x in lo..<hi { out[x] = lut[Int(row[base - x])] }
                } else {
                    let shift = transform.offsetX
                    for x in lo..<hi { out[x] = lut[Int(row[x + shift])] }
                }
            }
        }
    }
}
