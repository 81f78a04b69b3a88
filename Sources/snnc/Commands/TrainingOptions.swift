import ArgumentParser
import SNNData
import SNNTensor
import SNNTrain

/// Data, optimiser and seed options shared by `train` and `prune` (each adds its own epoch count).
struct TrainingOptions: ParsableArguments {
    @Option(
        help: "Data set: fmnist, cifar10, cifar100 or fmnist-4x4 (Fashion-MNIST as 1×4×4 block means, classes 0–7). (default: fmnist)"
    )
    var dataset: String?
    @Option(help: "Folder with the data set's files (default: the Debian package's folder).")
    var dataDir: String?
    @Option(help: "Train on a stratified subset of this many images.")
    var trainSubset: Int?
    @Option(help: "Test on a stratified subset of this many images (default: the whole test set).")
    var testSubset: Int?
    @Option(
        help: """
            Zero padding on every side of each image (default: 2 for 28×28 images, making them 32×32, except for \
            --model small; 0 otherwise).
            """
    )
    var pad: Int?
    @Option(help: "Images per batch. (default: 128)")
    var batchSize: Int?
    @Option(help: "Peak learning rate. (default: 0.3)")
    var lr: Float?
    @Option(help: "SGD momentum. (default: 0.9)")
    var momentum: Float?
    @Option(help: "L2 weight decay. (default: 0, as the paper's released code effectively uses)")
    var weightDecay: Float?
    @Option(help: "Initialisation: pytorch or paper. (default: pytorch)")
    var initScheme: InitScheme?
    @Flag(help: "Turn off random crop and flip.")
    var noAugment = false
    @Option(help: "Seed for initialisation, subsets, batches, augmentation (and prune's random masks). (default: 0)")
    var seed: UInt64?
    @Option(
        help: """
            Seed for the stratified --train-subset and --test-subset only, so that runs with different --seed values \
            see the same images. (default: --seed)
            """)
    var dataSeed: UInt64?

    /// Options that change what is trained (all but --data-dir, which only says where the files are).
    var definesTraining: Bool {
        dataset != nil || trainSubset != nil || testSubset != nil || pad != nil || batchSize != nil
            || lr != nil || momentum != nil || weightDecay != nil || initScheme != nil || noAugment || seed != nil
            || dataSeed != nil
    }

    /// Whether any of these options was given.
    var isGiven: Bool { definesTraining || dataDir != nil }

    func validate() throws {
        if let batchSize, batchSize < 2 { throw ValidationError("--batch-size must be at least 2 (batch norm needs two images)") }
        if let trainSubset, trainSubset < 1 { throw ValidationError("--train-subset must be at least 1") }
        if let testSubset, testSubset < 1 { throw ValidationError("--test-subset must be at least 1") }
        if let pad, pad < 0 { throw ValidationError("--pad must not be negative") }
    }

    /// The model (from `model`, sized for the data set's images after padding) and the training
    /// configuration with `epochs` epochs and the defaults of Kim et al. for what is not given.
    func specAndConfig(_ model: ModelOptions, epochs: Int) throws -> (ModelSpec, TrainingConfig) {
        let name = try parseDataset(dataset ?? "fmnist")
        let pad = self.pad ?? (name.imageShape[1] == 28 && model.architecture != .small ? 2 : 0)
        var data = DataConfig(
            dataset: name.rawValue, directory: dataDir ?? name.defaultDirectory,
            trainSubset: trainSubset, testSubset: testSubset, padding: pad)
        data.subsetSeed = dataSeed
        let shape = name.imageShape
        let spec = try model.spec(
            inputChannels: shape[0], height: shape[1] + 2 * pad, width: shape[2] + 2 * pad,
            classes: name.classCount)
        let config = TrainingConfig(
            epochs: epochs, batchSize: batchSize ?? 128, learningRate: lr ?? 0.3,
            momentum: momentum ?? 0.9, weightDecay: weightDecay ?? 0, seed: seed ?? 0,
            augment: !noAugment, initScheme: initScheme ?? .pytorch, data: data)
        return (spec, config)
    }
}
