import SNNTrain

/// What a running search reports.
public enum SearchEvent: Sendable {
    /// After every optimiser step.
    case batch(SearchStatus)
    /// After every finished epoch (before the file is written).
    case epochFinished(SearchStatus, EpochRecord)
    /// A level was stored.
    case levelFinished(LevelInfo)
    /// A level was checked against the search's targets and budgets (`SearchConfig.fit`).
    case levelFit(Int, LevelFit)
    /// A level was evaluated on the search's validation set (`SearchConfig.validationImages`).
    case levelValidated(LevelInfo)
    /// Something worth a line: a rewind point, a probe result, an early-bird detection.
    case note(String)
}

/// Where a search is, for progress lines.
public struct SearchStatus: Sendable {
    public var method: TicketMethod
    public var run: String
    public var level: Int
    /// The largest level the search will store.
    public var lastLevel: Int
    /// Epoch index within the run and the run's length.
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    public var timeSteps: Int
    public var meanLoss: Double
    /// Test accuracy of the last finished run.
    public var lastAccuracy: Double?
    /// Estimated seconds left, from this session's throughput and the planned work.
    public var remainingSeconds: Double?
    /// Percentage of the prunable weights at exactly 0 after the epoch, for the runs that learn
    /// their mask as they train (Grad R, Deep R), so that the sparsity the run has reached shows
    /// while it runs; `nil` otherwise (and in `.batch` events).
    public var weightSparsity: Double?
}

/// Thrown by `TicketSearch.run()` when `stopAfterEpochs` is reached (after the file was written):
/// the same state a SIGKILL right after that write would leave.
public struct SearchInterrupted: Error, Equatable {}
