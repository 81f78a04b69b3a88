import Foundation

/// Everything about a training run other than the model: optimiser, schedule, data, seed.
///
/// Stored in every checkpoint, so `--resume` continues with exactly the same settings.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// Epochs in the cosine schedule (the run's length).
    public var epochs: Int
    public var batchSize: Int
    /// Peak learning rate (the paper: 0.3).
    public var learningRate: Float
    public var momentum: Float
    /// L2 weight decay added to the gradient (the released code effectively uses 0).
    public var weightDecay: Float
    /// Seed for initialisation, shuffling and augmentation.
    public var seed: UInt64
    /// Random crop (pad 4) + horizontal flip on training batches.
    public var augment: Bool
    public var initScheme: InitScheme
    /// Where the training and test images come from.
    public var data: DataConfig

    public init(
        epochs: Int, batchSize: Int = 128, learningRate: Float = 0.3, momentum: Float = 0.9,
        weightDecay: Float = 0, seed: UInt64 = 0, augment: Bool = true, initScheme: InitScheme = .pytorch,
        data: DataConfig
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.seed = seed
        self.augment = augment
        self.initScheme = initScheme
        self.data = data
    }

    /// Cosine annealing stepped once per epoch, η_min = 0:
    /// `lr(e) = lr · (1 + cos(π·e/E)) / 2` for epoch index e in 0..<E.
    public func learningRate(atEpoch epoch: Int) -> Float {
        guard epochs > 0 else { return learningRate }
        let phase = Double.pi * Double(epoch) / Double(epochs)
        return Float(Double(learningRate) * (1 + cos(phase)) / 2)
    }
}

/// The data a run trains and tests on.
public struct DataConfig: Codable, Equatable, Sendable {
    /// `fmnist`, `cifar10` or `cifar100`.
    public var dataset: String
    /// Folder with the dataset's files.
    public var directory: String
    /// Stratified training subset size (`nil`: the whole training set).
    public var trainSubset: Int?
    /// Stratified test subset size (`nil`: the whole test set).
    public var testSubset: Int?
    /// Zero padding added on every side (2 turns 28×28 into 32×32).
    public var padding: Int
    /// The model's input normalisation when it is not the data set's default (`snnc import
    /// --normalize`, or `unknown`); nil, the default, is not written, so configs of models
    /// `snnc train` makes are what they were before models recorded it.
    public var normalization: InputNormalization?
    /// The seed the stratified subsets are drawn with (`--data-seed`); nil means the training seed,
    /// as in files written before the two were separate (and then it is not written).
    public var subsetSeed: UInt64?

    public init(
        dataset: String, directory: String, trainSubset: Int? = nil, testSubset: Int? = nil, padding: Int = 0,
        normalization: InputNormalization? = nil
    ) {
        self.dataset = dataset
        self.directory = directory
        self.trainSubset = trainSubset
        self.testSubset = testSubset
        self.padding = padding
        self.normalization = normalization
    }
}
