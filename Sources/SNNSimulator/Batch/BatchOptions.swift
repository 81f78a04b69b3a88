/// How `EventSimulator.run(batch:…)` runs a batch of images.
public struct BatchOptions: Sendable {
    /// Worker threads; each runs whole images. Results do not depend on this number.
    public var threads: Int
    /// Whether to keep every image's spike trace.
    public var trace: Bool
    /// Whether to count events per unit of every LIF group and pool (summed over steps and
    /// images: `BatchResult.unitEvents`), for a calibration with per-unit activity.
    public var unitCounts: Bool
    /// When set, every image also runs on this dense reference and the batch stops at the first
    /// image whose spike trains differ (`BatchResult.mismatch`).
    public var reference: DenseReference?
    /// Called after each image with (images finished, batch size), from the worker threads.
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates batch options.
    public init(
        threads: Int = 1, trace: Bool = false, unitCounts: Bool = false, reference: DenseReference? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.threads = threads
        self.trace = trace
        self.unitCounts = unitCounts
        self.reference = reference
        self.progress = progress
    }
}
