import SNNData
import SNNIR

/// The input normalisation a model records (`DataConfig.normalization`), when it is not the data
/// set's default.
///
/// In the checkpoint's `training_config` JSON it is `"normalization": {"mean": [...], "std": [...]}`
/// or `"normalization": "unknown"`; a config without the key (every model `snnc train` makes, and
/// every file written before models recorded it) means the data set's default statistics.
public enum InputNormalization: Equatable, Sendable {
    /// Per-channel statistics on [0, 1] pixels, one entry per channel:
    /// `(p − mean[c]) / std[c]` (`snnc import --normalize`).
    case given(mean: [Float], std: [Float])
    /// Not known (imported without `--normalize`): the data set's default is used, and the
    /// commands that report accuracy say so.
    case unknown

    /// `--normalize none`: pixels in [0, 1] as they are (mean 0, std 1) for `channels` channels.
    public static func unitRange(channels: Int) -> InputNormalization {
        .given(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    /// What is wrong with given statistics (counts, signs, finiteness), or nil.
    public var problem: String? {
        guard case .given(let mean, let std) = self else { return nil }
        return InputPreprocessing(dataset: "", origin: .given, mean: mean, std: std, padding: 0).problem
    }
}

extension InputNormalization: Codable {
    private enum CodingKeys: String, CodingKey { case mean, std }
    private static let unknownText = "unknown"

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == Self.unknownText else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expected \"unknown\" or {mean, std}, found \"\(text)\""))
            }
            self = .unknown
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .given(mean: try container.decode([Float].self, forKey: .mean), std: try container.decode([Float].self, forKey: .std))
        if let problem {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "normalization \(problem)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .unknown:
            var single = encoder.singleValueContainer()
            try single.encode(Self.unknownText)
        case .given(let mean, let std):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mean, forKey: .mean)
            try container.encode(std, forKey: .std)
        }
    }
}

extension DataConfig {
    /// The preprocessing of this data: the recorded normalisation (or the data set's default),
    /// the padding and direct encoding; nil for a data set snnc does not know that records no
    /// statistics. `imported` (the model came from `snnc import`) turns a missing record into
    /// `unknown`: checkpoints imported before models recorded their normalisation did not know it.
    public func inputPreprocessing(imported: Bool) -> InputPreprocessing? {
        let name = DatasetName(rawValue: dataset)
        switch normalization {
        case .given(let mean, let std):
            return InputPreprocessing(dataset: dataset, origin: .given, mean: mean, std: std, padding: padding)
        case .unknown, nil:
            guard let n = name?.normalization else { return nil }
            let origin: InputPreprocessing.Origin = normalization == .unknown || imported ? .unknown : .datasetDefault
            return InputPreprocessing(dataset: dataset, origin: origin, mean: n.mean, std: n.std, padding: padding)
        }
    }

    /// The byte-to-float normalisation of `name`'s images for this config: the recorded
    /// statistics, or the data set's default.
    /// - Throws: `DataError.inconsistent` when the recorded statistics do not fit the data set.
    func resolvedNormalization(for name: DatasetName) throws -> Normalization {
        guard case .given(let mean, let std) = normalization else { return name.normalization }
        if let problem = normalization?.problem {
            throw DataError.inconsistent(reason: "the model's input normalisation \(problem)")
        }
        guard mean.count == name.imageShape[0] else {
            throw DataError.inconsistent(
                reason: "the model's input normalisation has \(mean.count) channels, \(dataset) images have \(name.imageShape[0])")
        }
        return Normalization(mean: mean, std: std)
    }
}

extension TrainingState {
    /// The model's input preprocessing (`DataConfig.inputPreprocessing(imported:)`), nil for an
    /// unknown data set without recorded statistics.
    public var inputPreprocessing: InputPreprocessing? {
        config.data.inputPreprocessing(imported: spec.architecture == .imported)
    }
}

extension Normalization {
    /// The byte-to-float normalisation `preprocessing` describes.
    /// - Throws: `DataError.inconsistent` for statistics that are not usable or a pixel divisor
    ///   other than 255 (snnc reads 8-bit images).
    public init(_ preprocessing: InputPreprocessing) throws {
        if let problem = preprocessing.problem {
            throw DataError.inconsistent(reason: "the model's input preprocessing \(problem)")
        }
        guard preprocessing.pixelDivisor == InputPreprocessing.bytePixelDivisor else {
            throw DataError.inconsistent(
                reason: "the model divides raw pixels by \(preprocessing.pixelDivisor); snnc reads 8-bit images (divisor 255)")
        }
        self.init(mean: preprocessing.mean, std: preprocessing.std)
    }
}
