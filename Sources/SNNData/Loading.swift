/// Loading the supported data sets from their standard file layouts.
extension LabeledImages {
    /// Reads Fashion-MNIST (or MNIST, which uses the same files) from `directory`.
    ///
    /// Files: `train-images-idx3-ubyte.gz` + `train-labels-idx1-ubyte.gz` for `.train`,
    /// `t10k-images-idx3-ubyte.gz` + `t10k-labels-idx1-ubyte.gz` for `.test`; when a `.gz`
    /// file is absent but the same name without `.gz` exists, the uncompressed file is read.
    /// - Returns: `N×1×28×28` images (`N` = 60,000 / 10,000 for the full set), 10 classes.
    /// - Throws: any `IDXReader` error, or `DataError.countMismatch` when the two files hold
    ///   different numbers of examples.
    public static func fashionMNIST(
        directory: String = DatasetName.fmnist.defaultDirectory, split: Split
    ) throws(DataError) -> LabeledImages {
        let prefix = split == .train ? "train" : "t10k"
        let imagesPath = idxPath(directory, "\(prefix)-images-idx3-ubyte")
        let labelsPath = idxPath(directory, "\(prefix)-labels-idx1-ubyte")
        let classCount = DatasetName.fmnist.classCount
        let images = try IDXReader.readImages(path: imagesPath)
        let labels = try IDXReader.readLabels(path: labelsPath, classCount: classCount)
        guard images.count == labels.count else {
            throw .countMismatch(
                imagesPath: imagesPath, images: images.count,
                labelsPath: labelsPath, labels: labels.count)
        }
        return LabeledImages(
            unchecked: images.pixels, labels: labels, channels: 1,
            height: images.height, width: images.width, classCount: classCount)
    }

    /// Reads the CIFAR-10 binary version from `directory` (see `CIFARReader.read(directory:…)`).
    /// - Returns: `N×3×32×32` RGB images (`N` = 50,000 / 10,000 for the full set), 10 classes.
    /// - Throws: any `CIFARReader` error.
    public static func cifar10(
        directory: String = DatasetName.cifar10.defaultDirectory, split: Split
    ) throws(DataError) -> LabeledImages {
        try CIFARReader.read(directory: directory, variant: .cifar10, split: split)
    }

    /// Reads the CIFAR-100 binary version from `directory`, keeping the fine labels.
    /// - Returns: `N×3×32×32` RGB images (`N` = 50,000 / 10,000 for the full set), 100 classes.
    /// - Throws: any `CIFARReader` error.
    public static func cifar100(
        directory: String = DatasetName.cifar100.defaultDirectory, split: Split
    ) throws(DataError) -> LabeledImages {
        try CIFARReader.read(directory: directory, variant: .cifar100, split: split)
    }

    /// Reads data set `name` from `directory` (default: `name.defaultDirectory`).
    /// - Throws: the errors of `fashionMNIST`, `cifar10` or `cifar100`.
    public static func load(
        _ name: DatasetName, directory: String? = nil, split: Split
    ) throws(DataError) -> LabeledImages {
        let directory = directory ?? name.defaultDirectory
        switch name {
        case .fmnist: return try fashionMNIST(directory: directory, split: split)
        case .cifar10: return try cifar10(directory: directory, split: split)
        case .cifar100: return try cifar100(directory: directory, split: split)
        case .fmnist4x4:
            let full = try fashionMNIST(directory: directory, split: split)
            return try full.blockAveraged(block: 7).keepingClasses(below: DatasetName.fmnist4x4.classCount)
        }
    }

    /// Each channel averaged over `block`×`block` blocks (H and W divisible by `block`), rounded
    /// to the nearest byte (halves up): `(Σ + n/2) / n` in integers, n = block².
    /// - Throws: `DataError.inconsistent` when the image does not split into whole blocks.
    public func blockAveraged(block: Int) throws(DataError) -> LabeledImages {
        guard block >= 1, height % block == 0, width % block == 0 else {
            throw .inconsistent(reason: "\(height)×\(width) images do not split into \(block)×\(block) blocks")
        }
        let (h, w) = (height / block, width / block)
        let n = block * block
        var out = [UInt8](repeating: 0, count: count * channels * h * w)
        for plane in 0..<(count * channels) {
            for y in 0..<h {
                for x in 0..<w {
                    var sum = 0
                    for dy in 0..<block {
                        let row = (plane * height + y * block + dy) * width + x * block
                        for dx in 0..<block { sum += Int(images[row + dx]) }
                    }
                    out[(plane * h + y) * w + x] = UInt8((sum + n / 2) / n)
                }
            }
        }
        return LabeledImages(unchecked: out, labels: labels, channels: channels, height: h, width: w, classCount: classCount)
    }

    /// The images whose label is below `classes` (in their order), as a data set of that many classes.
    public func keepingClasses(below classes: Int) throws(DataError) -> LabeledImages {
        let kept = labels.indices.filter { Int(labels[$0]) < classes }
        let size = imageSize
        var out: [UInt8] = []
        out.reserveCapacity(kept.count * size)
        for i in kept { out.append(contentsOf: images[(i * size)..<((i + 1) * size)]) }
        return try LabeledImages(
            images: out, labels: kept.map { labels[$0] }, channels: channels, height: height, width: width, classCount: classes)
    }

    /// `directory/name.gz`, unless only the uncompressed `directory/name` exists.
    private static func idxPath(_ directory: String, _ name: String) -> String {
        let compressed = FileIO.join(directory, name + ".gz")
        let raw = FileIO.join(directory, name)
        return !FileIO.exists(compressed) && FileIO.exists(raw) ? raw : compressed
    }
}
