/// Division by a fixed divisor without a `div` instruction: `n / d` as the high half of
/// `n · ⌈2^64 / d⌉`, exact for every `0 ≤ n < 2^32` and `1 ≤ d < 2^32` (Lemire, Kaser and
/// Kurz, "Faster remainder by direct computation", 2019). The kernels split every event's
/// index into position and channel, and position into row and column, this way.
struct Divisor: Sendable, Equatable {
    let divisor: Int
    private let multiplier: UInt64

    init(_ divisor: Int) {
        precondition(divisor >= 1 && divisor < 1 << 32, "divisor \(divisor) outside 1..<2^32")
        self.divisor = divisor
        multiplier = divisor == 1 ? 0 : UInt64.max / UInt64(divisor) &+ 1
    }

    /// `n / divisor` for `0 ≤ n < 2^32`.
    @inline(__always)
    func quotient(_ n: Int) -> Int {
        divisor == 1 ? n : Int(truncatingIfNeeded: multiplier.multipliedFullWidth(by: UInt64(truncatingIfNeeded: n)).high)
    }

    /// `(n / divisor, n % divisor)` for `0 ≤ n < 2^32`.
    @inline(__always)
    func split(_ n: Int) -> (quotient: Int, remainder: Int) {
        let q = quotient(n)
        return (q, n &- q &* divisor)
    }
}
