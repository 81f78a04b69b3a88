// The copies around the convolution GEMMs, split over threads by channel. Every part writes a
// disjoint region, so results are identical for any thread count.
import Dispatch

/// A pointer handed to worker threads. Safe only because each part writes a disjoint region
/// and the caller waits for all parts (`concurrentPerform` returns after the last one).
struct SharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>
    init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    init(_ base: UnsafePointer<Pointee>) { self.base = UnsafeMutablePointer(mutating: base) }
}

/// The `part`-th of `parts` near-equal consecutive slices of `0..<count`.
@inline(__always)
func slice(_ count: Int, part: Int, of parts: Int) -> Range<Int> {
    (count * part / parts)..<(count * (part + 1) / parts)
}

/// Number of parts for a copy of `elements` floats split over `units` channels: one for
/// small jobs (waking a thread costs more than it saves), else `min(threads, units)`.
@inline(__always)
func copyParts(threads: Int, units: Int, elements: Int) -> Int {
    elements >= 1 << 16 ? max(1, min(threads, units)) : 1
}

/// Number of parts for an elementwise kernel over `elements` floats: one below 32 Ki elements,
/// else the BLAS thread count. Parts are fixed slices, so results never depend on scheduling.
@inline(__always)
func elementwiseParts(_ elements: Int) -> Int {
    elements >= 1 << 15 ? max(1, blasThreads()) : 1
}

/// Runs `body(part)` for every part in `0..<parts`, concurrently when `parts > 1`.
@inline(__always)
func forEachPart(_ parts: Int, _ body: @Sendable (Int) -> Void) {
    if parts <= 1 {
        body(0)
    } else {
        DispatchQueue.concurrentPerform(iterations: parts, execute: body)
    }
}

/// `im2col` for a chunk, split over input channels.
func im2colParallel(
    _ x: UnsafePointer<Float>, images: Int, geometry g: ConvGeometry,
    cols: UnsafeMutablePointer<Float>, ld: Int, threads: Int
) {
    let parts = copyParts(threads: threads, units: g.channels, elements: g.columnRows * ld)
    let xs = SharedPointer(x)
    let cs = SharedPointer(cols)
    forEachPart(parts) { part in
        im2col(
            xs.base, images: images, geometry: g, cols: cs.base, ld: ld,
            channelRange: slice(g.channels, part: part, of: parts))
    }
}

/// `col2imAccumulate` for a chunk, split over input channels.
func col2imParallel(
    _ cols: UnsafePointer<Float>, ld: Int, images: Int, geometry g: ConvGeometry,
    dx: UnsafeMutablePointer<Float>, threads: Int
) {
    let parts = copyParts(threads: threads, units: g.channels, elements: g.columnRows * ld)
    let cs = SharedPointer(cols)
    let ds = SharedPointer(dx)
    forEachPart(parts) { part in
        col2imAccumulate(
            cs.base, ld: ld, images: images, geometry: g, dx: ds.base,
            channelRange: slice(g.channels, part: part, of: parts))
    }
}

/// Scatters a GEMM product `[Cout, images·P]` (row stride `ld`) into `images` NCHW output
/// blocks `[Cout, P]` at `y`, adding `bias[co]` when given. With `images == 1` and
/// `product == y` (the GEMM wrote the output in place), only the bias is added.
func scatterProduct(
    _ product: UnsafePointer<Float>, ld: Int, images: Int, outChannels cout: Int,
    pixels P: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
    threads: Int
) {
    let inPlace = UnsafeMutablePointer(mutating: product) == y
    precondition(!inPlace || (images == 1 && ld == P), "in-place scatter needs a single image")
    if inPlace && bias == nil { return }
    let parts = copyParts(threads: threads, units: cout, elements: cout * images * P)
    let ps = SharedPointer(product)
    let ys = SharedPointer(y)
    let bs = bias.map { SharedPointer($0) }
    forEachPart(parts) { part in
        let product = UnsafePointer(ps.base)
        let y = ys.base
        for img in 0..<images {
            for co in slice(cout, part: part, of: parts) {
                let src = product + co * ld + img * P
                let dst = y + (img * cout + co) * P
                if let b = bs?.base {
                    let bv = b[co]
                    for p in 0..<P { dst[p] = src[p] + bv }
                } else {
                    dst.update(from: src, count: P)
                }
            }
        }
    }
}

/// Gathers `images` NCHW blocks `[Cout, P]` at `dy` into one `[Cout, images·P]` matrix
/// (row stride `ld`) — the inverse of `scatterProduct` without bias.
func gatherOutputGradient(
    _ dy: UnsafePointer<Float>, images: Int, outChannels cout: Int, pixels P: Int,
    into matrix: UnsafeMutablePointer<Float>, ld: Int, threads: Int
) {
    let parts = copyParts(threads: threads, units: cout, elements: cout * images * P)
    let ds = SharedPointer(dy)
    let ms = SharedPointer(matrix)
    forEachPart(parts) { part in
        let dy = UnsafePointer(ds.base)
        let matrix = ms.base
        for img in 0..<images {
            for co in slice(cout, part: part, of: parts) {
                (matrix + co * ld + img * P).update(from: dy + (img * cout + co) * P, count: P)
            }
        }
    }
}
