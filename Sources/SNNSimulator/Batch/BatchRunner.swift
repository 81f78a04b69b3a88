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
    public func run(batch count: Int, labels: [Int]? = nil, options: BatchOptions = BatchOptions(),
                    image: @escaping @Sendable (Int) throws -> [Int32]) throws -> BatchResult {
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
    public func run(quantizedImages images: [[Int32]], labels: [Int]? = nil,
                    options: BatchOptions = BatchOptions()) throws -> BatchResult {
        try run(batch: images.count, labels: labels, options: options) { images[$0] }
    }

    /// One worker thread: claim images until none are left.
    private func worker(slots: BatchSlots, options: BatchOptions, image: @Sendable (Int) throws -> [Int32]) {
        let workspace = makeWorkspace()
        let readout = plan.populations[plan.readout].name
        while let i = slots.claim() {
            do {
                let pixels = try image(i)
                guard pixels.count == plan.inputGrid.count else {
                    throw SimulatorError.imageSize(expected: plan.inputGrid.count, found: pixels.count)
                }
                var inference = run(pixels, trace: options.trace || options.reference != nil, workspace: workspace)
                var mismatch: Mismatch?
                if let reference = options.reference {
                    let expected = try reference.run(quantizedImage: pixels, trace: true)
                    mismatch = Verification.firstMismatch(inference, expected, readout: readout, image: i)
                    if !options.trace { inference.trace = nil }
                }
                let done = slots.store(i, inference: inference, mismatch: mismatch)
                options.progress?(done, slots.count)
            } catch {
                slots.fail(i, error: error)
            }
        }
    }

    /// Sums the finished images in index order.
    private func reduce(_ finished: BatchSlots.Finished, labels: [Int]?, options: BatchOptions) throws -> BatchResult {
        if let (_, error) = finished.error { throw error }
        let inferences = finished.inferences
        var spikes = StepCounts(layers: recordedLayers, steps: timeSteps)
        var work = Work(synapticEvents: StepCounts(layers: synapticLayers, steps: timeSteps),
                        neuronUpdates: StepCounts(layers: populations, steps: timeSteps))
        var cost: InferenceCost?
        for inference in inferences {
            spikes = spikes + inference.spikes
            if let w = inference.work { work = work + w }
            if let c = inference.cost { cost = cost.map { $0 + c } ?? c }
        }
        return BatchResult(images: inferences.count, predictions: inferences.map(\.prediction), logits: inferences.map(\.logits),
                           labels: labels.map { Array($0.prefix(inferences.count)) }, spikes: spikes, work: work,
                           cost: cost, traces: options.trace ? inferences.compactMap(\.trace) : nil,
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
    }

    let count: Int
    private let lock = NSLock()
    private var next = 0
    private var done = 0
    private var results: [Inference?]
    private var mismatch: Mismatch?
    private var error: (Int, any Error)?

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
            return Finished(inferences: results.compactMap { $0 }, mismatch: nil, error: nil)
        }
    }
}
