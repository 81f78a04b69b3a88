// SIMD load/store helpers and small vectorised reductions over contiguous Float runs.
// Each sums in 16 Float lanes (short, well-conditioned partial sums), then combines the lanes
// in a fixed order, so results are deterministic; callers add the returned run sums in Double.

/// Loads p[i ..< i+16] (no alignment needed).
@inline(__always)
func load16(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
}

/// Loads p[i ..< i+16] from a mutable pointer (no alignment needed).
@inline(__always)
func load16(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
}

/// Stores `v` to p[i ..< i+16] (no alignment needed).
@inline(__always)
func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// Σ p[i] for i in 0..<n.
@inline(__always)
func runSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        acc += load16(p, i)
        i += 16
    }
    var s = acc.sum()
    while i < n {
        s += p[i]
        i += 1
    }
    return s
}

/// Σ (p[i] − c)² for i in 0..<n.
@inline(__always)
func runSumSquaredDeviation(_ p: UnsafePointer<Float>, _ n: Int, from c: Float) -> Float {
    var acc = SIMD16<Float>()
    let cv = SIMD16<Float>(repeating: c)
    var i = 0
    while i + 16 <= n {
        let d = load16(p, i) - cv
        acc += d * d
        i += 16
    }
    var s = acc.sum()
    while i < n {
        let d = p[i] - c
        s += d * d
        i += 1
    }
    return s
}

/// Σ p[i] · (q[i] − c) for i in 0..<n.
@inline(__always)
func runDotCentered(
    _ p: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ n: Int,
    center c: Float
) -> Float {
    var acc = SIMD16<Float>()
    let cv = SIMD16<Float>(repeating: c)
    var i = 0
    while i + 16 <= n {
        acc += load16(p, i) * (load16(q, i) - cv)
        i += 16
    }
    var s = acc.sum()
    while i < n {
        s += p[i] * (q[i] - c)
        i += 1
    }
    return s
}

/// `runSum` of each of `rows` consecutive rows of `length` values.
func runSums(_ x: UnsafePointer<Float>, rows: Int, length: Int) -> [Float] {
    (0..<rows).map { runSum(x + $0 * length, length) }
}

/// Number of nonzero elements of `x` (for a spike tensor: its spike count). Exact for any size,
/// unlike a Float sum, which stops counting past 2^24.
public func nonzeroCount(_ x: Tensor) -> Int {
    x.scalars.withUnsafeBufferPointer { b in
        guard let p = b.baseAddress else { return 0 }
        let n = b.count
        var lanes = SIMD16<Int32>()
        var total = 0
        var i = 0
        while i + 16 <= n {
            lanes &+= SIMD16<Int32>(repeating: 1).replacing(with: 0, where: load16(p, i) .== 0)
            i += 16
            // Flush before an Int32 lane could overflow.
            if i & ((1 << 30) - 1) == 0 {
                total += Int(lanes.wrappedSum())
                lanes = SIMD16<Int32>()
            }
        }
        total += Int(lanes.wrappedSum())
        while i < n {
            if p[i] != 0 { total += 1 }
            i += 1
        }
        return total
    }
}
