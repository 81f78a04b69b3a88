/// Random quantised images that look like normalised Fashion-MNIST to the encoder: about half
/// of the pixels are background (−52, the quantised value of a black pixel at scale 1/64) and
/// the rest are uniform in −52…127.
public enum SyntheticImages {
    /// Mean payload of a pixel.
    static let mean = 0.5 * -52 + 0.5 * 37.5
    /// Mean squared payload of a pixel.
    static let square = 0.5 * 2704 + 0.5 * (180.0 * 180.0 / 12 + 37.5 * 37.5)

    /// `count` images of `shape` (`[C, H, W]`, C-order), seeded.
    public static func make(count: Int, shape: [Int], seed: UInt64) -> [[Int32]] {
        var rng = SplitMix64(seed: seed ^ 0xA5A5_A5A5)
        let size = shape.reduce(1, *)
        return (0..<count).map { _ in
            (0..<size).map { _ in Bool.random(using: &rng) ? -52 : Int32.random(in: -52...127, using: &rng) }
        }
    }
}
