/// The two CIFAR binary layouts.
public enum CIFARVariant: String, CaseIterable, Sendable {
    /// CIFAR-10: records of 1 label byte + 3072 pixel bytes; 10 classes.
    case cifar10
    /// CIFAR-100: records of 1 coarse-label byte + 1 fine-label byte + 3072 pixel bytes;
    /// the fine label (100 classes) is the one used.
    case cifar100

    /// Label bytes before the pixels of each record (1 or 2).
    public var labelBytes: Int {
        switch self {
        case .cifar10: 1
        case .cifar100: 2
        }
    }

    /// Bytes per record: `labelBytes + 3072`.
    public var recordSize: Int { labelBytes + CIFARReader.imageBytes }

    /// Number of classes of the label that is kept (10 or 100).
    public var classCount: Int {
        switch self {
        case .cifar10: 10
        case .cifar100: 100
        }
    }

    /// The file names of a split, in reading order: `data_batch_1.bin` … `data_batch_5.bin`
    /// and `test_batch.bin` for CIFAR-10; `train.bin` and `test.bin` for CIFAR-100.
    public func fileNames(split: Split) -> [String] {
        switch (self, split) {
        case (.cifar10, .train): (1...5).map { "data_batch_\($0).bin" }
        case (.cifar10, .test): ["test_batch.bin"]
        case (.cifar100, .train): ["train.bin"]
        case (.cifar100, .test): ["test.bin"]
        }
    }

    /// The directory the official binary archive extracts to (`cifar-10-batches-bin` or
    /// `cifar-100-binary`); `CIFARReader.read(directory:…)` also looks inside it.
    public var archiveDirectoryName: String {
        switch self {
        case .cifar10: "cifar-10-batches-bin"
        case .cifar100: "cifar-100-binary"
        }
    }

    /// The matching `DatasetName`.
    public var datasetName: DatasetName {
        switch self {
        case .cifar10: .cifar10
        case .cifar100: .cifar100
        }
    }
}

/// Reader for the CIFAR-10 and CIFAR-100 binary versions.
///
/// Each file is a sequence of fixed-size records; each record's 3072 pixel bytes are one
/// 3×32×32 image, channel-planar (1024 red, then 1024 green, then 1024 blue bytes, each
/// plane row-major), which is already the `C×H×W` layout of `LabeledImages`. Files may be
/// raw or gzip-compressed.
public enum CIFARReader {
    /// Pixel bytes per record: 3 × 32 × 32.
    public static let imageBytes = 3 * 32 * 32
    /// Number of CIFAR-100 coarse classes (checked, then discarded).
    public static let coarseClassCount = 20

    /// Reads a split from `directory` (or from its `archiveDirectoryName` subdirectory, if the
    /// files are not directly in `directory` but are there).
    /// - Throws: `DataError.missingFile` naming the first absent file, or any error of
    ///   `read(files:variant:)`.
    public static func read(
        directory: String, variant: CIFARVariant, split: Split
    ) throws(DataError) -> LabeledImages {
        let names = variant.fileNames(split: split)
        let nested = FileIO.join(directory, variant.archiveDirectoryName)
        let useNested =
            !FileIO.exists(FileIO.join(directory, names[0]))
            && FileIO.exists(FileIO.join(nested, names[0]))
        let base = useNested ? nested : directory
        return try read(files: names.map { FileIO.join(base, $0) }, variant: variant)
    }

    /// Reads and concatenates the records of `files`, in order.
    /// - Throws: `DataError.missingFile`, `.unreadable`, `.truncated` (empty file),
    ///   `.badRecordSize` (size not a multiple of `variant.recordSize`) or `.labelOutOfRange`.
    public static func read(files: [String], variant: CIFARVariant) throws(DataError) -> LabeledImages {
        let hint = variant.datasetName.missingFileHint
        // Report a missing file before spending time on the ones before it.
        if let absent = files.first(where: { !FileIO.exists($0) }) {
            throw .missingFile(path: absent, hint: hint)
        }
        var images: [UInt8] = []
        var labels: [Int32] = []
        for path in files {
            let bytes = try FileIO.readAll(path: path, missingFileHint: hint)
            try parse(bytes, variant: variant, path: path, images: &images, labels: &labels)
        }
        return LabeledImages(
            unchecked: images, labels: labels, channels: 3, height: 32,
            width: 32, classCount: variant.classCount)
    }

    /// Decodes the records in `bytes` (one file's contents), appending their pixels to
    /// `images` and their labels to `labels`; `path` is only for errors. Nothing is appended
    /// when an error is thrown.
    /// - Throws: `DataError.truncated`, `.badRecordSize` or `.labelOutOfRange` (the index is
    ///   the record's position within this file).
    public static func parse(
        _ bytes: [UInt8], variant: CIFARVariant, path: String,
        images: inout [UInt8], labels: inout [Int32]
    ) throws(DataError) {
        let recordSize = variant.recordSize
        guard !bytes.isEmpty else {
            throw .truncated(path: path, expectedBytes: recordSize, gotBytes: 0)
        }
        guard bytes.count % recordSize == 0 else {
            throw .badRecordSize(path: path, size: bytes.count, recordSize: recordSize)
        }
        let records = bytes.count / recordSize
        var newLabels = [Int32](repeating: 0, count: records)
        for record in 0..<records {
            let start = record * recordSize
            if variant == .cifar100 {
                let coarse = Int(bytes[start])
                guard coarse < coarseClassCount else {
                    throw .labelOutOfRange(
                        path: path, index: record, label: coarse,
                        classCount: coarseClassCount)
                }
            }
            let label = Int(bytes[start + variant.labelBytes - 1])
            guard label < variant.classCount else {
                throw .labelOutOfRange(
                    path: path, index: record, label: label,
                    classCount: variant.classCount)
            }
            newLabels[record] = Int32(label)
        }
        images.reserveCapacity(images.count + records * imageBytes)
        for record in 0..<records {
            let start = record * recordSize + variant.labelBytes
            images.append(contentsOf: bytes[start..<(start + imageBytes)])
        }
        labels.append(contentsOf: newLabels)
    }
}
