/// The integer types the kernels store accumulators and membranes in: `Int32` when a bound
/// proves the values fit (half the memory traffic), else `Int64`. Arithmetic is done in `Int64`
/// where overflow could matter; stored sums wrap (`&+=`) only in halo cells nobody reads.
protocol KernelInteger: FixedWidthInteger, SignedInteger, BitwiseCopyable, Sendable {}

extension Int32: KernelInteger {}
extension Int64: KernelInteger {}

/// A per-thread buffer of one of the kernel integer types.
enum IntegerBuffer {
    case narrow(ScratchBuffer<Int32>)
    case wide(ScratchBuffer<Int64>)

    /// `count` zeros, narrow or wide.
    init(narrow: Bool, count: Int) {
        self = narrow ? .narrow(ScratchBuffer(repeating: 0, count: count)) : .wide(ScratchBuffer(repeating: 0, count: count))
    }

    /// Sets every element to 0.
    func zero() {
        switch self {
        case .narrow(let b): b.fill(0)
        case .wide(let b): b.fill(0)
        }
    }

    /// The first `n` values, widened.
    func prefix(_ n: Int) -> [Int64] {
        switch self {
        case .narrow(let b): b.prefix(n).map(Int64.init)
        case .wide(let b): b.prefix(n)
        }
    }
}
