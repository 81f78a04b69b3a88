// Splitting a kernel's work into fixed parts over threads. Every part writes a disjoint region,
// so results are identical for any thread count.
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
