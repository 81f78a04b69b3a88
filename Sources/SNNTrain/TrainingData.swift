import SNNData

/// The training and test sets a `DataConfig` describes, padded and subset as asked.
public struct TrainingData: Sendable {
    public var train: LabeledImages
    public var test: LabeledImages
    public var normalization: Normalization
    public var name: DatasetName

    /// Loads the data of `config`, normalised with the statistics it records (default: the data
    /// set's). Subsets are stratified and drawn with `config.subsetSeed`, or `seed` when it is nil.
    /// - Throws: `DataError` for missing or malformed files, impossible subset sizes, or recorded
    ///   statistics that do not fit the data set.
    public static func load(_ config: DataConfig, seed: UInt64) throws -> TrainingData {
        guard let name = DatasetName(rawValue: config.dataset) else {
            throw DataError.inconsistent(
                reason: "unknown dataset '\(config.dataset)' (known: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let normalization = try config.resolvedNormalization(for: name)
        var train = try LabeledImages.load(name, directory: config.directory, split: .train)
        var test = try LabeledImages.load(name, directory: config.directory, split: .test)
        let subsetSeed = config.subsetSeed ?? seed
        if let n = config.trainSubset, n < train.count { train = try train.stratifiedSubset(count: n, seed: subsetSeed) }
        if let n = config.testSubset, n < test.count { test = try test.stratifiedSubset(count: n, seed: subsetSeed) }
        if config.padding > 0 {
            train = train.padded(by: config.padding)
            test = test.padded(by: config.padding)
        }
        return TrainingData(train: train, test: test, normalization: normalization, name: name)
    }
}
