/// Early-bird settings (You et al. 2020 as used by Kim et al.; reference-code-notes §5).
public struct EarlyBirdConfig: Codable, Equatable, Sendable {
    /// Masks in the window, the newest included (the code's FIFO of 5: the newest is compared
    /// with the 4 before it; the paper's text reads q = 5 previous masks).
    public var window: Int = 5
    /// The ticket is drawn when the largest distance in the window is strictly below this.
    public var tau: Double = 0.02
    /// The search trains dense at this multiple of the base learning rate (the code: 2×).
    public var learningRateScale: Float = 2
    /// Mask checks per epoch, at evenly spaced batches starting with the epoch's first (the
    /// code: 1, at every epoch start including epoch 0 with the initial weights).
    public var checksPerEpoch: Int = 1
    /// Replays the code's bug of stepping the retrain's cosine twice per epoch (the lr reaches 0
    /// halfway and climbs back). Off by default: one cosine over the retrain, as intended.
    public var doubleSchedulerStep: Bool = false
    /// Counts BatchNorm γ entries (always kept) in the distance's denominator, as the code's
    /// pooled mask list does.
    public var countBatchNormInDistance: Bool = true

    public init() {}
}

/// The sliding window of recent masks and the stopping rule.
public struct EarlyBirdWindow: Equatable, Sendable {
    public let size: Int
    public let tau: Double
    /// Positions added to every distance's denominator (see `WeightMask.distance`).
    public let extraPositions: Int
    /// Oldest first; at most `size`.
    public private(set) var masks: [WeightMask]
    /// Distances from the newest mask to each older one in the window (oldest first), after the
    /// last `push`.
    public private(set) var distances: [Double] = []

    public init(size: Int, tau: Double, extraPositions: Int = 0, masks: [WeightMask] = []) {
        precondition(size >= 2, "an early-bird window needs at least two masks")
        self.size = size
        self.tau = tau
        self.extraPositions = extraPositions
        self.masks = Array(masks.suffix(size))
        if let newest = self.masks.last {
            distances = self.masks.dropLast().map { newest.distance(to: $0, extraPositions: extraPositions) }
        }
    }

    /// Largest distance in the window (0 when fewer than two masks).
    public var maximumDistance: Double { distances.max() ?? 0 }

    /// Whether the window is full and every distance is strictly below `tau`.
    public var isSettled: Bool { masks.count == size && maximumDistance < tau }

    /// Adds the newest mask (dropping the oldest beyond `size`) and returns `isSettled`.
    @discardableResult
    public mutating func push(_ mask: WeightMask) -> Bool {
        masks.append(mask)
        if masks.count > size { masks.removeFirst(masks.count - size) }
        distances = masks.dropLast().map { mask.distance(to: $0, extraPositions: extraPositions) }
        return isSettled
    }
}

/// Where an early-bird search drew the ticket for one target.
public struct EarlyBirdDetection: Codable, Equatable, Sendable {
    /// The target density.
    public var target: DensityTarget
    /// Weights the ticket keeps.
    public var kept: Int
    /// Whether the window settled; `false` means the search ran out and took the last mask.
    public var fired: Bool
    /// The check that drew it: epoch index plus the fraction of the epoch trained (3.25 = a
    /// quarter into epoch 3; 0 = the initial weights).
    public var epoch: Double
    /// Number of masks computed for this target so far (the window's total pushes).
    public var checks: Int
    /// Distances of the window at that check, oldest mask first.
    public var distances: [Double]
    /// Search work and wall time up to that check (early-time probe included).
    public var cost: CostTotals

    public init(target: DensityTarget, kept: Int, fired: Bool, epoch: Double, checks: Int, distances: [Double], cost: CostTotals) {
        self.target = target
        self.kept = kept
        self.fired = fired
        self.epoch = epoch
        self.checks = checks
        self.distances = distances
        self.cost = cost
    }
}
