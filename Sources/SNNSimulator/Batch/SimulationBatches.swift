/// A run over many images in consecutive batches: all images in one batch, or (when a caller
/// looks at each batch's traces, e.g. `snnc simulate --compare`) in batches whose traces are
/// handed over and then dropped, so memory stays bounded.
public struct SimulationBatches: Sendable {
    /// The simulator that runs every batch.
    public var simulator: EventSimulator
    /// Number of images.
    public var count: Int
    /// The class of each image (`count` of them).
    public var labels: [Int]
    /// Float image `i` (C-order, normalised as in training); quantised by `simulator`.
    /// Called from the worker threads.
    public var image: @Sendable (Int) -> [Float]
    /// Worker threads per batch.
    public var threads: Int
    /// When set, every image also runs on this dense reference (see `BatchOptions.reference`).
    public var reference: DenseReference?
    /// Keep every image's trace in the result.
    public var keepTraces: Bool
    /// Record traces for `each`, dropping them after it unless `keepTraces`.
    public var tracesForEach: Bool
    /// Count events per unit (see `BatchOptions.unitCounts`).
    public var unitCounts: Bool
    /// Images per batch.
    public var batchSize: Int

    /// Creates a batched run.
    public init(
        simulator: EventSimulator, count: Int, labels: [Int], image: @escaping @Sendable (Int) -> [Float],
        threads: Int, reference: DenseReference?, keepTraces: Bool, tracesForEach: Bool, unitCounts: Bool,
        batchSize: Int
    ) {
        self.simulator = simulator
        self.count = count
        self.labels = labels
        self.image = image
        self.threads = threads
        self.reference = reference
        self.keepTraces = keepTraces
        self.tracesForEach = tracesForEach
        self.unitCounts = unitCounts
        self.batchSize = batchSize
    }

    /// Runs every image; calls `progress` with the number of images finished and `each` with
    /// each batch's image range and result (traces included) before the next batch starts.
    /// Stops after the batch holding the first mismatch with the reference; the result's
    /// mismatch then names the image's index among all images.
    /// With no images it runs one empty batch. `batchSize` must be at least 1 when there are images.
    /// - Throws: what `EventSimulator.run(batch:labels:options:image:)` or `each` throws.
    public func run(
        progress: @escaping @Sendable (Int) -> Void,
        each: (Range<Int>, BatchResult) throws -> Void = { _, _ in }
    ) throws -> BatchResult {
        precondition(batchSize > 0 || count == 0, "batches of \(batchSize) images")
        var merged: BatchResult?
        var start = 0
        repeat {
            let range = start..<min(start + batchSize, count)
            let offset = range.lowerBound
            let options = BatchOptions(
                threads: threads, trace: keepTraces || tracesForEach, unitCounts: unitCounts,
                reference: reference
            ) { done, _ in progress(offset + done) }
            let (simulator, image) = (self.simulator, self.image)
            var batch = try simulator.run(batch: range.count, labels: Array(labels[range]), options: options) { i in
                try simulator.quantize(image: image(offset + i))
            }
            batch.mismatch?.image += offset
            if batch.mismatch == nil { try each(range, batch) }
            if !keepTraces { batch.traces = nil }
            merged = merged.map { $0.appending(batch) } ?? batch
            start = range.upperBound
            if batch.mismatch != nil { break }
        } while start < count
        guard let merged else { preconditionFailure("no images to simulate") }
        return merged
    }
}

extension BatchResult {
    /// This result followed by `next` (images in order): counts add, lists concatenate, the
    /// first mismatch is kept; per-unit counts add when both have them.
    public func appending(_ next: BatchResult) -> BatchResult {
        let cost: InferenceCost? =
            switch (self.cost, next.cost) {
            case (let a?, let b?): a + b
            case (let a, let b): a ?? b
            }
        let units = unitEvents.flatMap { a in next.unitEvents.map { b in a.merging(b) { zip($0, $1).map(+) } } }
        return BatchResult(
            images: images + next.images, predictions: predictions + next.predictions, logits: logits + next.logits,
            labels: labels.map { $0 + (next.labels ?? []) }, spikes: spikes + next.spikes,
            membraneChanges: membraneChanges + next.membraneChanges, work: work + next.work,
            cost: cost, traces: traces.map { $0 + (next.traces ?? []) }, unitEvents: units,
            checkedImages: checkedImages + next.checkedImages, mismatch: mismatch ?? next.mismatch)
    }
}
