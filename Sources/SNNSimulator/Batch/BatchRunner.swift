import Dispatch
import Foundation
import SNNIR

extension EventSimulator {
    /// Runs `count` images on `options.threads` threads.
    ///
    /// The calling thread and `threads − 1` new threads each take the next unclaimed image and
    /// run it whole in their own workspace;
    /// results are stored by image index and reduced in index order, so every figure is the
    /// same for any number of threads.
    /// - Parameters:
    ///   - count: number of images.
    ///   - labels: the class of each image, for accuracy (nil: no accuracy).
    ///   - image: the quantised image `i` (C-order integers); called from the worker threads.
    /// - Throws: the error of the lowest-numbered image that failed (an image of the wrong size
    ///   is `SimulatorError.imageSize`), or the error `image` threw.
    public func run(
        batch count: Int, labels: [Int]? = nil, options: BatchOptions = BatchOptions(),
        image: @escaping @Sendable (Int) throws -> [Int32]
    ) throws -> BatchResult {
        precondition(labels == nil || labels?.count == count, "\(labels?.count ?? 0) labels for \(count) images")
        let slots = BatchSlots(count: count)
        let threads = max(1, min(options.threads, count))
        let work: @Sendable () -> Void = { worker(slots: slots, options: options, image: image) }
        // Plain threads, not GCD: libdispatch on Linux adds no worker to `concurrentPerform`
        // while the machine looks busy, which left a shared 2-core machine running one thread.
        let finished = DispatchSemaphore(value: 0)
        for _ in 1..<threads {
            Thread {
                work()
                finished.signal()
            }.start()
        }
        work()
        for _ in 1..<threads { finished.wait() }
        return try reduce(slots.finished(), labels: labels, options: options)
    }

    /// Runs an array of quantised images (see `run(batch:labels:options:image:)`).
    public func run(
        quantizedImages images: [[Int32]], labels: [Int]? = nil,
        options: BatchOptions = BatchOptions()
    ) throws -> BatchResult {
        try run(batch: images.count, labels: labels, options: options) { images[$0] }
    }

    /// One worker thread: claim images until none are left.
    private func worker(slots: BatchSlots, options: BatchOptions, image: @Sendable (Int) throws -> [Int32]) {
        let workspace = makeWorkspace()
        let readout = plan.populations[plan.readout].name
        var unitEvents: [[Int]] = []
        defer { if options.unitCounts { slots.add(unitEvents: unitEvents) } }
        while let i = slots.claim() {
            do {
                let pixels = try image(i)
                guard pixels.count == plan.inputGrid.count else {
                    throw SimulatorError.imageSize(expected: plan.inputGrid.count, found: pixels.count)
                }
                var inference = run(
                    pixels, trace: options.trace || options.unitCounts || options.reference != nil,
                    workspace: workspace)
                var mismatch: Mismatch?
                if let reference = options.reference {
                    let expected = try reference.run(quantizedImage: pixels, trace: true)
                    mismatch = Verification.firstMismatch(inference, expected, readout: readout, image: i)
                }
                if options.unitCounts, let trace = inference.trace { Self.count(trace, input: pixels, into: &unitEvents) }
                if !options.trace { inference.trace = nil }
                let done = slots.store(i, inference: inference, mismatch: mismatch)
                options.progress?(done, slots.count)
            } catch {
                slots.fail(i, error: error)
            }
        }
    }

    /// Adds one image's events to per-unit counts (created on first use): one row per traced
    /// layer, then the input's non-zero values.
    private static func count(_ trace: SpikeTrace, input: [Int32], into counts: inout [[Int]]) {
        if counts.isEmpty {
            counts = trace.layers.map { [Int](repeating: 0, count: $0.shape.reduce(1, *)) } + [[Int](repeating: 0, count: input.count)]
        }
        for (l, layer) in trace.layers.enumerated() {
            for step in layer.steps {
                for unit in step.indices { counts[l][Int(unit)] += 1 }
            }
        }
        for (u, value) in input.enumerated() where value != 0 { counts[trace.layers.count][u] += 1 }
    }

    /// Per-unit counts by layer name (the traced layers, then the input).
    private func namedUnitEvents(_ rows: [[Int]]) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: zip(recordedLayers + [plan.inputName], rows).map { ($0, $1) })
    }

    /// Sums the finished images in index order.
    private func reduce(_ finished: BatchSlots.Finished, labels: [Int]?, options: BatchOptions) throws -> BatchResult {
        if let (_, error) = finished.error { throw error }
        let inferences = finished.inferences
        var spikes = StepCounts(layers: recordedLayers, steps: timeSteps)
        var changes = StepCounts(layers: neuronGroups, steps: timeSteps)
        var work = Work(
            synapticEvents: StepCounts(layers: synapticLayers, steps: timeSteps),
            neuronUpdates: StepCounts(layers: populations, steps: timeSteps))
        var cost: InferenceCost?
        for inference in inferences {
            spikes = spikes + inference.spikes
            if let c = inference.membraneChanges { changes = changes + c }
            if let w = inference.work { work = work + w }
            if let c = inference.cost { cost = cost.map { $0 + c } ?? c }
        }
        return BatchResult(
            images: inferences.count, predictions: inferences.map(\.prediction), logits: inferences.map(\.logits),
            labels: labels.map { Array($0.prefix(inferences.count)) }, spikes: spikes, membraneChanges: changes, work: work,
            cost: cost, traces: options.trace ? inferences.compactMap(\.trace) : nil,
            unitEvents: options.unitCounts && finished.mismatch == nil ? finished.unitEvents.map(namedUnitEvents) : nil,
            checkedImages: options.reference == nil ? 0 : inferences.count, mismatch: finished.mismatch)
    }
}

/// The shared bookkeeping of a batch: which image is next, and each finished image's result.
/// Every access holds the lock; workers touch it once per image.
final class BatchSlots: @unchecked Sendable {
    /// The outcome of a batch: the results of images `0..<n` and what stopped it, if anything.
    struct Finished {
        var inferences: [Inference]
        var mismatch: Mismatch?
        var error: (Int, any Error)?
        /// The workers' per-unit event counts, summed (integers, so the order does not matter).
        var unitEvents: [[Int]]? = nil
    }

    let count: Int
    private let lock = NSLock()
    private var next = 0
    private var done = 0
    private var results: [Inference?]
    private var mismatch: Mismatch?
    private var error: (Int, any Error)?
    private var unitEvents: [[Int]]?

    init(count: Int) {
        self.count = count
        results = Array(repeating: nil, count: count)
    }

    /// The next image to run, or nil when all are claimed or an earlier image stopped the batch.
    func claim() -> Int? {
        lock.withLock {
            let stop = min(mismatch?.image ?? .max, error?.0 ?? .max)
            guard next < count, next < stop else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores image `i`'s result; returns the number of images finished.
    func store(_ i: Int, inference: Inference, mismatch found: Mismatch?) -> Int {
        lock.withLock {
            results[i] = inference
            if let found, found.image < (mismatch?.image ?? .max) { mismatch = found }
            done += 1
            return done
        }
    }

    /// Adds a worker's per-unit event counts (empty when it ran no image).
    func add(unitEvents counts: [[Int]]) {
        guard !counts.isEmpty else { return }
        lock.withLock {
            guard var sum = unitEvents else {
                unitEvents = counts
                return
            }
            for l in sum.indices { for u in sum[l].indices { sum[l][u] += counts[l][u] } }
            unitEvents = sum
        }
    }

    /// Records that image `i` failed.
    func fail(_ i: Int, error failure: any Error) {
        lock.withLock {
            if i < (error?.0 ?? .max) { error = (i, failure) }
        }
    }

    /// The results up to the first stopping image (inclusive for a mismatch).
    func finished() -> Finished {
        lock.withLock {
            let errorIndex = error?.0 ?? .max
            if let mismatch, mismatch.image < errorIndex {
                return Finished(inferences: results[0...mismatch.image].compactMap { $0 }, mismatch: mismatch, error: nil)
            }
            if let error { return Finished(inferences: [], mismatch: nil, error: error) }
            return Finished(inferences: results.compactMap { $0 }, mismatch: nil, error: nil, unitEvents: unitEvents)
        }
    }
}
