import SNNData
import SNNTensor

/// The training and test sets a `DataConfig` describes, padded and subset as asked.
public struct TrainingData: Sendable {
    public var train: LabeledImages
    public var test: LabeledImages
    public var normalization: Normalization
    public var name: DatasetName
    /// Images of the data set's training split held out from `train` (never trained on), on which
    /// `snnc prune --validation-subset` evaluates every level; nil unless asked for.
    public var validation: LabeledImages? = nil

    /// The random stream of the validation draw, derived from the subset seed (`"validate"`): a
    /// stream of its own, so the training subset's draw is what it was before validation sets
    /// existed.
    public static let validationStream: UInt64 = 0x7661_6C69_6461_7465

    /// Loads the data of `config`, normalised with the statistics it records (default: the data
    /// set's). Subsets are stratified and drawn with `config.subsetSeed`, or `seed` when it is nil.
    /// With `validationImages`, `validation` holds that many images of the training split outside
    /// the training subset (see `validationIndices`), padded like the others.
    /// - Throws: `DataError` for missing or malformed files, impossible subset sizes, or recorded
    ///   statistics that do not fit the data set; `ValidationSetError` when the training subset
    ///   leaves too few images for the validation set.
    public static func load(_ config: DataConfig, seed: UInt64, validationImages: Int? = nil) throws -> TrainingData {
        guard let name = DatasetName(rawValue: config.dataset) else {
            throw DataError.inconsistent(
                reason: "unknown dataset '\(config.dataset)' (known: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let normalization = try config.resolvedNormalization(for: name)
        let split = try LabeledImages.load(name, directory: config.directory, split: .train)
        var test = try LabeledImages.load(name, directory: config.directory, split: .test)
        let subsetSeed = config.subsetSeed ?? seed
        var trainIndices: [Int]?
        var train = split
        if let n = config.trainSubset, n < split.count {
            let quotas = LabeledImages.stratifiedQuotas(count: n, classCount: split.classCount)
            let indices = try split.stratifiedIndices(quotas: quotas, seed: subsetSeed)  // = stratifiedSubset(count:seed:)
            train = split.selecting(indices)
            trainIndices = indices
        }
        var validation = try validationImages.map { count in
            split.selecting(try validationIndices(of: split, count: count, trainingSubset: trainIndices, subsetSeed: subsetSeed))
        }
        if let n = config.testSubset, n < test.count { test = try test.stratifiedSubset(count: n, seed: subsetSeed) }
        if config.padding > 0 {
            train = train.padded(by: config.padding)
            test = test.padded(by: config.padding)
            validation = validation?.padded(by: config.padding)
        }
        return TrainingData(train: train, test: test, normalization: normalization, name: name, validation: validation)
    }

    /// The indices into the training split of the validation set: `count` images stratified over
    /// the classes, drawn from the images outside the training subset with the subset seed on
    /// `validationStream`. It depends only on the split, the training subset and the subset seed,
    /// so runs that differ only in their training seed (`--data-seed` fixed) hold out the same images.
    /// - Parameter trainingSubset: the training subset's indices; nil when it is the whole split.
    /// - Throws: `ValidationSetError` when no image is left or a class has too few.
    public static func validationIndices(
        of split: LabeledImages, count: Int, trainingSubset: [Int]?, subsetSeed: UInt64
    ) throws -> [Int] {
        guard count >= 1 else { throw ValidationSetError.empty }
        guard let trainingSubset else { throw ValidationSetError.wholeSplitTrained(images: split.count) }
        var stream = SeededRNG(seed: subsetSeed).derived(validationStream)
        let seed = stream.next()
        do {
            return try split.stratifiedIndices(count: count, excluding: trainingSubset, seed: seed)
        } catch DataError.notEnoughExamples(let label, let requested, let available) {
            throw ValidationSetError.tooFewLeft(
                requested: count, left: split.count - trainingSubset.count, label: label, quota: requested, available: available)
        }
    }
}

/// Why the validation set (`snnc prune --validation-subset N`) cannot be drawn.
public enum ValidationSetError: Error, Equatable, CustomStringConvertible {
    /// N was not positive.
    case empty
    /// The training subset is the whole training split: no image is left to hold out.
    case wholeSplitTrained(images: Int)
    /// Fewer images are left than asked for (in class `label`: `available` left for a quota of `quota`).
    case tooFewLeft(requested: Int, left: Int, label: Int, quota: Int, available: Int)

    /// What went wrong.
    public var reason: String {
        switch self {
        case .empty:
            "the validation set needs at least one image"
        case .wholeSplitTrained(let images):
            "the validation set must be images the search never trains on, but the training subset is the whole "
                + "training split (\(images) images): none is left to hold out"
        case .tooFewLeft(let requested, let left, let label, let quota, let available):
            "the validation set needs \(requested) images outside the training subset, stratified (\(quota) of class \(label)), "
                + "but only \(available) of class \(label) are left (\(left) in all)"
        }
    }

    /// What to try next.
    public var hint: String? {
        switch self {
        case .empty: "give --validation-subset a positive number of images"
        case .wholeSplitTrained:
            "train on a subset (--train-subset smaller than the split; with --from, train the checkpoint with "
                + "'snnc train --train-subset N'), or drop --validation-subset"
        case .tooFewLeft: "ask for fewer validation images, or train on a smaller --train-subset"
        }
    }

    public var description: String { reason + (hint.map { " (hint: \($0))" } ?? "") }
}
