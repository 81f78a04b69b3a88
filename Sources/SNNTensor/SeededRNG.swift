/// A small, fast, seedable pseudo-random generator (xoshiro256**), seeded through SplitMix64.
///
/// Every random choice in snnc (initialisation, shuffling, augmentation, random masks) draws
/// from a `SeededRNG`, so the same seed and command give the same bits. The whole state is the
/// four words in `state`; saving and restoring them (checkpoints) continues the exact sequence.
public struct SeededRNG: RandomNumberGenerator, Equatable, Sendable {
    /// The generator state. Never all zero.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// Restores a generator from words previously read from `stateWords`.
    /// - Precondition: `words.count == 4` and not all zero.
    public init(stateWords words: [UInt64]) {
        precondition(words.count == 4 && words.contains { $0 != 0 }, "invalid RNG state \(words)")
        state = (words[0], words[1], words[2], words[3])
    }

    /// The state as four words, for checkpoints.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// Two generators are equal when their states are (they will produce the same sequence).
    public static func == (a: SeededRNG, b: SeededRNG) -> Bool { a.stateWords == b.stateWords }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = SeededRNG.rotl(state.3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Float` in [low, high).
    @inline(__always)
    public mutating func nextFloat(in low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUnitFloat()
    }

    /// A uniform integer in 0..<bound (bound > 0), without modulo bias (Lemire's method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Fisher–Yates shuffle with this generator; deterministic for a given state.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// Derives an independent generator for a named sub-stream (e.g. per epoch), without
    /// advancing this one.
    public func derived(_ stream: UInt64) -> SeededRNG {
        var copy = self
        let mixed = copy.next() ^ (stream &* 0xD1B5_4A32_D192_ED03)
        return SeededRNG(seed: mixed)
    }
}
