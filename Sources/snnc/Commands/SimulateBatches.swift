import SNNCompare
import SNNIR
import SNNSimulator

/// `snnc simulate`'s runs: all images in one batch, or (with `--compare`) in batches whose
/// spike traces are compared with the float model and then dropped, so memory stays bounded.
struct SimulationBatches {
    var simulator: EventSimulator
    var inputs: SimulationInputs
    var threads: Int
    var reference: DenseReference?
    /// Keep every image's trace in the result (`--trace`).
    var keepTraces: Bool
    /// Record traces for `each` (`--compare`), dropping them after it unless `keepTraces`.
    var tracesForEach: Bool
    /// Count events per unit (`--calibration-out`).
    var unitCounts: Bool
    /// Images per batch.
    var batchSize: Int

    /// Runs every image; calls `progress` with the number of images finished and `each` with
    /// each batch's image range and result (traces included) before the next batch starts.
    /// Stops after the batch holding the first mismatch with the reference; the result's
    /// mismatch then names the image's index among all inputs.
    func run(progress: @escaping @Sendable (Int) -> Void,
             each: (Range<Int>, BatchResult) throws -> Void = { _, _ in }) throws -> BatchResult {
        var merged: BatchResult?
        var start = 0
        let labels = inputs.labels
        repeat {
            let range = start..<min(start + batchSize, inputs.count)
            let offset = range.lowerBound
            let options = BatchOptions(threads: threads, trace: keepTraces || tracesForEach, unitCounts: unitCounts,
                                       reference: reference) { done, _ in progress(offset + done) }
            let (simulator, inputs) = (self.simulator, self.inputs)
            var batch = try simulator.run(batch: range.count, labels: Array(labels[range]), options: options) { i in
                try simulator.quantize(image: inputs.image(offset + i))
            }
            batch.mismatch?.image += offset
            if batch.mismatch == nil { try each(range, batch) }
            if !keepTraces { batch.traces = nil }
            merged = merged.map { $0.appending(batch) } ?? batch
            start = range.upperBound
            if batch.mismatch != nil { break }
        } while start < inputs.count
        guard let merged else { preconditionFailure("no images to simulate") }
        return merged
    }
}

extension BatchResult {
    /// This result followed by `next` (images in order): counts add, lists concatenate, the
    /// first mismatch is kept; per-unit counts add when both have them.
    func appending(_ next: BatchResult) -> BatchResult {
        let cost: InferenceCost? = switch (self.cost, next.cost) {
        case let (a?, b?): a + b
        case let (a, b): a ?? b
        }
        return BatchResult(images: images + next.images, predictions: predictions + next.predictions, logits: logits + next.logits,
                           labels: labels.map { $0 + (next.labels ?? []) }, spikes: spikes + next.spikes, work: work + next.work,
                           cost: cost, traces: traces.map { $0 + (next.traces ?? []) },
                           unitEvents: unitEvents.flatMap { a in next.unitEvents.map { b in a.merging(b) { zip($0, $1).map(+) } } },
                           checkedImages: checkedImages + next.checkedImages, mismatch: mismatch ?? next.mismatch)
    }
}

/// The float side of `snnc simulate --compare`: the model and the running comparison.
struct FloatComparisonRun {
    var source: ComparisonSource
    var model: FloatModel
    var comparison: SpikeComparison

    /// Prepares the float model of `source` for `graph`.
    /// - Throws: `Diagnostic` when the model cannot run or its LIF layers differ from the graph's.
    init(source: ComparisonSource, graph: Graph) throws {
        self.source = source
        do {
            model = try FloatModel(source.state)
            comparison = try SpikeComparison(model: model, deployment: graph)
        } catch let error as ComparisonError {
            throw Diagnostic(message: error.reason, location: source.path, hint: error.hint)
        }
    }

    /// Runs the float model on the batch's images and adds it to the comparison.
    mutating func add(_ range: Range<Int>, _ batch: BatchResult, inputs: SimulationInputs) throws {
        do {
            let run = try model.run(images: range.map { inputs.image($0) })
            try comparison.add(run, traces: batch.traces ?? [], predictions: batch.predictions, labels: batch.labels)
        } catch let error as ComparisonError {
            throw Diagnostic(message: error.reason, location: source.path, hint: error.hint)
        }
    }
}
