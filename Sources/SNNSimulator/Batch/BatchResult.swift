import SNNIR

/// What a batch of inferences produced, reduced in image order (so the figures do not depend on
/// the number of threads).
public struct BatchResult: Sendable, Equatable {
    /// Images run (all of them, or up to and including the first mismatching image).
    public var images: Int
    /// The predicted class of each image.
    public var predictions: [Int]
    /// The readout's integer logits of each image, summed over the steps.
    public var logits: [[Int64]]
    /// The labels given, if any.
    public var labels: [Int]?
    /// Events per step of every LIF group and pool, summed over images.
    public var spikes: StepCounts
    /// Per LIF group and step, the neurons whose membrane changed (`Inference.membraneChanges`),
    /// summed over images.
    public var membraneChanges: StepCounts
    /// Synaptic events and neuron updates, summed over images.
    public var work: Work
    /// Cycles, latency and energy summed over images (with a cost model).
    public var cost: InferenceCost?
    /// Each image's spike trace, when requested.
    public var traces: [SpikeTrace]?
    /// With `BatchOptions.unitCounts`: per LIF group and pool, the events of each unit (C-order)
    /// summed over steps and images; for the input layer, the images in which each input value
    /// is non-zero (the encoder reads the image once). Nil otherwise, and when the batch stopped
    /// early (a mismatch), since workers may have run images past the stop.
    public var unitEvents: [String: [Int]]?
    /// Images compared with the dense reference (0 when no reference was given).
    public var checkedImages: Int
    /// The first mismatch with the dense reference (lowest image index), if any.
    public var mismatch: Mismatch?

    /// Creates a batch result.
    public init(
        images: Int, predictions: [Int], logits: [[Int64]], labels: [Int]?, spikes: StepCounts,
        membraneChanges: StepCounts, work: Work, cost: InferenceCost?, traces: [SpikeTrace]?, unitEvents: [String: [Int]]? = nil,
        checkedImages: Int, mismatch: Mismatch?
    ) {
        self.images = images
        self.predictions = predictions
        self.logits = logits
        self.labels = labels
        self.spikes = spikes
        self.membraneChanges = membraneChanges
        self.work = work
        self.cost = cost
        self.traces = traces
        self.unitEvents = unitEvents
        self.checkedImages = checkedImages
        self.mismatch = mismatch
    }

    /// Images whose prediction equals the label (nil without labels).
    public var correct: Int? {
        labels.map { labels in zip(predictions, labels).filter { $0 == $1 }.count }
    }

    /// `correct / images` (nil without labels or images).
    public var accuracy: Double? {
        guard let correct, images > 0 else { return nil }
        return Double(correct) / Double(images)
    }

    /// Cycles, latency and energy per inference (the mean over the batch).
    public var meanCost: InferenceCost? { cost?.divided(by: images) }

    /// The measured activity as the compiler's estimate pass takes it: the mean number of
    /// events per image at each step, for every LIF group and pool, and (when counted) the mean
    /// events of each unit per image.
    public func calibration() -> Calibration {
        var events: [String: [Double]] = [:]
        var perUnit: [String: [Double]] = [:]
        let n = Double(max(images, 1))
        for (l, name) in spikes.layers.enumerated() { events[name] = spikes.counts[l].map { Double($0) / n } }
        for (name, counts) in unitEvents ?? [:] { perUnit[name] = counts.map { Double($0) / n } }
        return Calibration(images: images, events: events, unitEvents: perUnit)
    }
}
