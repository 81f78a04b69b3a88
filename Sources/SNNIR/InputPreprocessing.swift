/// How raw image pixels become the values a model's first layer reads: part of the model, recorded
/// with its checkpoint and its deployment file.
///
/// Images are first padded by `padding` raw zero pixels on every side, then every raw pixel `r`
/// of channel `c` becomes `(r / pixelDivisor − mean[c]) / std[c]` (so a padded pixel reads
/// `−mean[c]/std[c]`, as if the picture had been padded before normalising). Under `direct`
/// encoding these analog values are the input of the first layer at every time step.
public struct InputPreprocessing: Codable, Equatable, Sendable {
    /// Where the normalisation's statistics come from.
    public enum Origin: String, Codable, CaseIterable, Sendable {
        /// snnc's published statistics of the data set (what `snnc train` trains with; every
        /// file written before models recorded their preprocessing).
        case datasetDefault = "dataset_default"
        /// Given for the model (`snnc import --normalize`).
        case given
        /// Not known (imported without `--normalize`): the data set's default statistics are
        /// used, and commands say so.
        case unknown
    }

    /// How the preprocessed image enters the network.
    public enum Encoding: String, Codable, CaseIterable, Sendable {
        /// The analog values drive the first layer directly (no spike coding of the image).
        case direct
    }

    /// The data set the model reads (`fmnist`, `cifar10`, `cifar100`).
    public var dataset: String
    /// Where `mean` and `std` come from.
    public var origin: Origin
    /// Raw pixels are divided by it to reach [0, 1] (255 for 8-bit images).
    public var pixelDivisor: Float
    /// Per-channel mean on [0, 1] pixels; one entry per channel.
    public var mean: [Float]
    /// Per-channel standard deviation on [0, 1] pixels; one positive entry per channel.
    public var std: [Float]
    /// Zero pixels added on every side before normalising.
    public var padding: Int
    /// How the values enter the network.
    public var encoding: Encoding

    /// The divisor of 8-bit images, the only one snnc's data readers produce.
    public static let bytePixelDivisor: Float = 255

    /// Creates a record; `mean` and `std` must have one entry per channel.
    public init(
        dataset: String, origin: Origin, mean: [Float], std: [Float], padding: Int,
        pixelDivisor: Float = InputPreprocessing.bytePixelDivisor, encoding: Encoding = .direct
    ) {
        self.dataset = dataset
        self.origin = origin
        self.pixelDivisor = pixelDivisor
        self.mean = mean
        self.std = std
        self.padding = padding
        self.encoding = encoding
    }

    /// Number of channels the statistics cover.
    public var channels: Int { mean.count }

    /// What is wrong with the values (counts, signs, finiteness), or nil when they are usable.
    public var problem: String? {
        if mean.isEmpty || mean.count != std.count {
            return "needs one mean and one std per channel, has \(mean.count) means and \(std.count) stds"
        }
        if let bad = std.first(where: { !($0 > 0 && $0.isFinite) }) { return "std \(bad) is not a positive number" }
        if let bad = mean.first(where: { !$0.isFinite }) { return "mean \(bad) is not a finite number" }
        if !(pixelDivisor > 0 && pixelDivisor.isFinite) { return "pixel divisor \(pixelDivisor) is not a positive number" }
        if padding < 0 { return "padding \(padding) is negative" }
        return nil
    }

    /// The largest magnitude a preprocessed value takes for pixels in [0, 1] (and padding, which
    /// reads as pixel 0): `max_c max(|mean_c|, |1 − mean_c|) / std_c`, in double precision.
    public var maxAbs: Double {
        var result = 0.0
        for c in 0..<channels {
            let m = Double(mean[c])
            result = max(result, max(abs(m), abs(1 - m)) / Double(std[c]))
        }
        return result
    }

    /// The formula per channel, e.g. `(x/255 − 0.286)/0.353`, or `x/255` for mean 0 and std 1;
    /// channels are joined by `, `.
    public var formula: String {
        let divisor = pixelDivisor == pixelDivisor.rounded() ? String(Int(pixelDivisor)) : "\(pixelDivisor)"
        let perChannel = (0..<channels).map { c in
            mean[c] == 0 && std[c] == 1 ? "x/\(divisor)" : "(x/\(divisor) − \(mean[c]))/\(std[c])"
        }
        return perChannel.count > 1 && Set(perChannel).count == 1 ? perChannel[0] : perChannel.joined(separator: ", ")
    }

    /// One line for reports: formula, padding, encoding and origin.
    public var summary: String {
        let source: String =
            switch origin {
            case .datasetDefault: "\(dataset)'s default"
            case .given: "given at import"
            case .unknown: "UNKNOWN (imported without --normalize; \(dataset)'s default used)"
            }
        return "\(formula), padding \(padding), \(encoding.rawValue) encoding; normalisation \(source)"
    }
}
