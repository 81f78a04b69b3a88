/// Per-channel normalisation of pixel bytes to `Float`.
///
/// A byte `b` of channel `c` becomes `(b / 255 - mean[c]) / std[c]`: pixels are first scaled
/// to [0, 1], then standardised. The defaults are the usual published statistics of each
/// training split, on [0, 1] pixels:
///
/// | data set      | mean                       | std                        |
/// |---------------|----------------------------|----------------------------|
/// | Fashion-MNIST | 0.2860                     | 0.3530                     |
/// | CIFAR-10      | (0.4914, 0.4822, 0.4465)   | (0.2470, 0.2435, 0.2616)   |
/// | CIFAR-100     | (0.5071, 0.4865, 0.4409)   | (0.2673, 0.2564, 0.2762)   |
///
/// Padding added in byte space (`LabeledImages.padded(by:)`, random-crop borders) is byte 0,
/// so it normalises to `-mean/std`, exactly as padding a picture before normalising it would.
public struct Normalization: Equatable, Sendable {
    /// Mean of each channel on [0, 1] pixels; one entry per channel.
    public let mean: [Float]
    /// Standard deviation of each channel on [0, 1] pixels; one positive entry per channel.
    public let std: [Float]

    /// Creates a normalisation from per-channel statistics.
    /// - Precondition: `mean.count == std.count > 0` and every `std` is positive and finite.
    public init(mean: [Float], std: [Float]) {
        precondition(
            !mean.isEmpty && mean.count == std.count,
            "need one mean and one std per channel, got \(mean.count) and \(std.count)")
        precondition(std.allSatisfy { $0 > 0 && $0.isFinite }, "std must be positive: \(std)")
        self.mean = mean
        self.std = std
    }

    /// Fashion-MNIST: mean 0.2860, std 0.3530 (one channel).
    public static let fashionMNIST = Normalization(mean: [0.2860], std: [0.3530])
    /// CIFAR-10: mean (0.4914, 0.4822, 0.4465), std (0.2470, 0.2435, 0.2616), RGB.
    public static let cifar10 = Normalization(
        mean: [0.4914, 0.4822, 0.4465],
        std: [0.2470, 0.2435, 0.2616])
    /// CIFAR-100: mean (0.5071, 0.4865, 0.4409), std (0.2673, 0.2564, 0.2762), RGB.
    public static let cifar100 = Normalization(
        mean: [0.5071, 0.4865, 0.4409],
        std: [0.2673, 0.2564, 0.2762])

    /// Plain scaling to [0, 1] (mean 0, std 1) for `channels` channels.
    public static func unitRange(channels: Int) -> Normalization {
        Normalization(
            mean: [Float](repeating: 0, count: channels),
            std: [Float](repeating: 1, count: channels))
    }

    /// Number of channels this normalisation applies to.
    public var channels: Int { mean.count }

    /// The normalised value of `byte` in `channel`: `(byte / 255 - mean) / std`.
    /// - Precondition: `0 <= channel < channels`.
    @inline(__always)
    public func value(of byte: UInt8, channel: Int) -> Float {
        (Float(byte) / 255 - mean[channel]) / std[channel]
    }

    /// All `channels × 256` normalised values, indexed `channel * 256 + byte`; the batch
    /// kernels look pixels up here instead of recomputing them.
    public func lookupTable() -> [Float] {
        var table = [Float](repeating: 0, count: channels * 256)
        for channel in 0..<channels {
            for byte in 0...255 {
                table[channel * 256 + byte] = value(of: UInt8(byte), channel: channel)
            }
        }
        return table
    }

    /// Normalises one `C×H×W` image (`image.count` must be a multiple of `channels`;
    /// each channel plane is `image.count / channels` bytes).
    /// - Returns: `image.count` floats in the same layout.
    public func apply<Bytes: Collection<UInt8>>(to image: Bytes) -> [Float] {
        precondition(
            image.count % channels == 0,
            "\(image.count) bytes do not split into \(channels) channel planes")
        let plane = image.count / channels
        return image.enumerated().map { offset, byte in value(of: byte, channel: offset / plane) }
    }
}
