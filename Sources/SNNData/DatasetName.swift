/// Which half of a data set to read.
public enum Split: String, CaseIterable, Sendable {
    /// The training examples (60,000 for Fashion-MNIST, 50,000 for CIFAR).
    case train
    /// The held-out test examples (10,000 for each supported data set).
    case test
}

/// The image-classification data sets snnc knows how to read.
///
/// Raw values are the names used on the command line (`--dataset fmnist`).
public enum DatasetName: String, CaseIterable, Sendable {
    /// Fashion-MNIST (Zalando Research): 1×28×28 grayscale, 10 classes, IDX files.
    case fmnist
    /// CIFAR-10 (binary version): 3×32×32 colour, 10 classes.
    case cifar10
    /// CIFAR-100 (binary version): 3×32×32 colour, 100 fine classes.
    case cifar100
    /// Fashion-MNIST for chips with 16 inputs and 8 outputs (Xylo): read from the Fashion-MNIST
    /// files, each image averaged over 7×7 blocks to 1×4×4 (`LabeledImages.blockAveraged`),
    /// only classes 0–7 (T-shirt … sneaker; bag and ankle boot left out). Pixels x/255 in [0, 1]
    /// (mean 0, std 1), so the inputs are never negative: Xylo takes them as 0…15 events.
    case fmnist4x4 = "fmnist-4x4"

    /// Where the files are looked for when no `--data-dir` is given.
    ///
    /// Fashion-MNIST: `/usr/share/datasets/fashion-mnist` (Debian package
    /// `dataset-fashion-mnist`). CIFAR: `/usr/share/datasets/cifar-10-batches-bin` and
    /// `/usr/share/datasets/cifar-100-binary`, the directory names the official binary
    /// archives extract to.
    public var defaultDirectory: String {
        switch self {
        case .fmnist, .fmnist4x4: "/usr/share/datasets/fashion-mnist"
        case .cifar10: "/usr/share/datasets/cifar-10-batches-bin"
        case .cifar100: "/usr/share/datasets/cifar-100-binary"
        }
    }

    /// Number of classes; labels lie in `0..<classCount`.
    public var classCount: Int {
        switch self {
        case .fmnist, .cifar10: 10
        case .cifar100: 100
        case .fmnist4x4: 8
        }
    }

    /// Image shape `[C, H, W]` as stored on disk (before any padding).
    public var imageShape: [Int] {
        switch self {
        case .fmnist: [1, 28, 28]
        case .cifar10, .cifar100: [3, 32, 32]
        case .fmnist4x4: [1, 4, 4]
        }
    }

    /// The standard per-channel normalisation for this data set (see `Normalization`).
    public var normalization: Normalization {
        switch self {
        case .fmnist: .fashionMNIST
        case .cifar10: .cifar10
        case .cifar100: .cifar100
        case .fmnist4x4: Normalization(mean: [0], std: [1])
        }
    }

    /// How to obtain the files; attached to `DataError.missingFile`.
    public var missingFileHint: String {
        switch self {
        case .fmnist, .fmnist4x4:
            IDXReader.defaultMissingFileHint
        case .cifar10:
            "download the binary version (cifar-10-binary.tar.gz) from "
                + "https://www.cs.toronto.edu/~kriz/cifar.html, extract it, and pass `--data-dir`"
        case .cifar100:
            "download the binary version (cifar-100-binary.tar.gz) from "
                + "https://www.cs.toronto.edu/~kriz/cifar.html, extract it, and pass `--data-dir`"
        }
    }
}
