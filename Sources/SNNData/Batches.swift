import SNNTensor

/// One mini-batch: normalised (and possibly augmented) images with their labels.
public struct Batch: Equatable, Sendable {
    /// Images as a `[B, C, H, W]` tensor of normalised floats.
    public var images: Tensor
    /// The `B` labels, in `0..<classCount`.
    public var labels: [Int32]
    /// The `B` positions in the source data set the examples came from.
    public var indices: [Int]

    /// Number of examples in the batch (`B`).
    public var count: Int { labels.count }

    /// A batch from already prepared images `[B, C, H, W]`, their labels and source indices.
    public init(images: Tensor, labels: [Int32], indices: [Int]) {
        precondition(
            images.shape.first == labels.count && indices.count == labels.count,
            "batch of \(images.shape) with \(labels.count) labels and \(indices.count) indices")
        self.images = images
        self.labels = labels
        self.indices = indices
    }
}

/// The mini-batches of one epoch, in a deterministic order.
///
/// Determinism contract (what makes bit-exact resume possible). With
/// `epochRNG = SeededRNG(seed: seed).derived(UInt64(epoch))`:
/// - the example order is `0..<count` shuffled by a copy of `epochRNG` (identity when
///   `shuffle` is false), so epoch `e`'s order depends only on `seed`, `e` and the data size;
/// - batch `b` holds `order[b·batchSize ..< min((b+1)·batchSize, count)]`;
/// - batch `b`'s augmentation draws come from `epochRNG.derived(UInt64(b) + 1)`, one
///   `Augmentation.draw` per example in batch order.
///
/// So any batch can be rebuilt alone (`batch(at:)`), independent of which epochs or batches
/// were produced before. Iterating (`next()`, `for batch in iterator`) yields batches
/// `startBatch ..< batchCount`.
public struct BatchIterator: Sequence, IteratorProtocol, Sendable {
    /// The examples being batched.
    public let data: LabeledImages
    /// Examples per batch (the last batch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// The epoch these batches belong to.
    public let epoch: Int
    /// The run's seed.
    public let seed: UInt64
    /// The augmentation applied to every example (`.none` for evaluation).
    public let augmentation: Augmentation
    /// The normalisation from bytes to floats.
    public let normalization: Normalization
    /// Whether a final batch smaller than `batchSize` is dropped.
    public let dropLast: Bool
    /// The epoch's example order: a permutation of `0..<data.count`.
    public let order: [Int]
    /// The index of the batch the next call to `next()` returns.
    public private(set) var nextBatch: Int

    private let table: [Float]
    private let epochRNG: SeededRNG

    /// Prepares the batches of `epoch`.
    /// - Parameters:
    ///   - data: the examples.
    ///   - batchSize: examples per batch.
    ///   - epoch: the epoch index (selects the order and the augmentation draws).
    ///   - seed: the run's seed.
    ///   - shuffle: whether to permute the examples (false keeps data order, for evaluation).
    ///   - augmentation: the per-example augmentation (default none).
    ///   - normalization: bytes-to-float statistics; one entry per channel of `data`.
    ///   - dropLast: whether to drop a final partial batch.
    ///   - startBatch: the first batch `next()` returns (to resume mid-epoch).
    /// - Precondition: `batchSize > 0`, `epoch >= 0`, `startBatch >= 0`,
    ///   `normalization.channels == data.channels`.
    public init(
        data: LabeledImages, batchSize: Int, epoch: Int, seed: UInt64, shuffle: Bool = true,
        augmentation: Augmentation = .none, normalization: Normalization,
        dropLast: Bool = false, startBatch: Int = 0
    ) {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        precondition(epoch >= 0, "epoch must be non-negative, got \(epoch)")
        precondition(startBatch >= 0, "start batch must be non-negative, got \(startBatch)")
        precondition(
            normalization.channels == data.channels,
            "normalisation has \(normalization.channels) channels, data has \(data.channels)")
        self.data = data
        self.batchSize = batchSize
        self.epoch = epoch
        self.seed = seed
        self.augmentation = augmentation
        self.normalization = normalization
        self.dropLast = dropLast
        self.nextBatch = startBatch
        self.table = normalization.lookupTable()
        self.epochRNG = SeededRNG(seed: seed).derived(UInt64(epoch))
        self.order =
            shuffle
            ? Self.permutation(count: data.count, rng: epochRNG)
            : Array(0..<data.count)
    }

    /// The example order of epoch `epoch` for a data set of `count` examples under `seed`
    /// (the order a shuffling `BatchIterator` uses).
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        precondition(count >= 0 && epoch >= 0, "invalid permutation request")
        return permutation(count: count, rng: SeededRNG(seed: seed).derived(UInt64(epoch)))
    }

    private static func permutation(count: Int, rng: SeededRNG) -> [Int] {
        var rng = rng
        var order = Array(0..<count)
        rng.shuffle(&order)
        return order
    }

    /// Number of batches in the epoch: `⌈count / batchSize⌉`, or `⌊count / batchSize⌋` when
    /// `dropLast`.
    public var batchCount: Int {
        dropLast ? data.count / batchSize : (data.count + batchSize - 1) / batchSize
    }

    /// Builds batch `index` of the epoch, independently of any other batch.
    /// - Precondition: `0 <= index < batchCount`.
    /// - Returns: a batch of `min(batchSize, count - index·batchSize)` examples, images shaped
    ///   `[B, C, H, W]`.
    public func batch(at index: Int) -> Batch {
        precondition(index >= 0 && index < batchCount, "batch \(index) outside 0..<\(batchCount)")
        let start = index * batchSize
        let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
        var rng = epochRNG.derived(UInt64(index) + 1)
        let transforms = indices.map { _ in augmentation.draw(using: &rng) }
        let images = fill(indices: indices, transforms: transforms)
        return Batch(images: images, labels: indices.map { data.labels[$0] }, indices: indices)
    }

    /// The next batch of the epoch, or nil after the last one.
    public mutating func next() -> Batch? {
        guard nextBatch < batchCount else { return nil }
        defer { nextBatch += 1 }
        return batch(at: nextBatch)
    }

    /// Normalises (and crop-flips) the images at `indices` into one `[B, C, H, W]` tensor.
    private func fill(indices: [Int], transforms: [CropFlip]) -> Tensor {
        let (channels, height, width) = (data.channels, data.height, data.width)
        let imageSize = data.imageSize
        let scalars = [Float](unsafeUninitializedCapacity: indices.count * imageSize) {
            buffer, initialized in
            data.images.withUnsafeBufferPointer { pixels in
                table.withUnsafeBufferPointer { table in
                    guard let source = pixels.baseAddress, let lut = table.baseAddress,
                        let dest = buffer.baseAddress
                    else { return }
                    for (slot, index) in indices.enumerated() {
                        Kernels.normalizeImage(
                            source + index * imageSize, into: dest + slot * imageSize,
                            channels: channels, height: height, width: width,
                            table: lut, transform: transforms[slot])
                    }
                }
            }
            initialized = indices.count * imageSize
        }
        return Tensor(shape: [indices.count, channels, height, width], scalars: scalars)
    }
}
