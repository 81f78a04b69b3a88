import SNNDiagnostics

/// A rule of a ticket file (docs/HARDENING.md lists them with what each checks). Every rule holds
/// for every file `snnc prune` writes; `TicketFile.open`, `loadLevel` and `readDocument` refuse a
/// file that breaks one (`TicketValidator`).
public enum TicketRule: String, Sendable, Hashable, CaseIterable {
    /// Level groups are named by their index (`/levels/<k>`, k a non-negative integer written
    /// plainly), which `level.json`'s `level` repeats; a level's `round` is its index, a one-shot
    /// target's level is that target's place in the search's targets, and the levels a method
    /// stores have no gaps.
    case levelIndices = "level indices"
    /// Counts agree: kept ≤ prunable ≤ parameters, the per-layer counts sum to the level's, both
    /// sparsities follow from the counts, the layers are the model's prunable weights, the spikes
    /// sum to the per-image total, the ledger sums to the training and evaluation costs.
    case totals = "consistent totals"
    /// Accuracies in 0…1; losses, costs, ledger entries, spike counts and fit estimates finite
    /// and not negative.
    case ranges = "values in range"
    /// A level's `fit.json`: one entry per target of the search, each named once, the same
    /// targets in every level; `fits` is true exactly when there are no violations.
    case fitTable = "consistent fit table"
    /// Every run named in `progress.json` and in the ledgers is a step snnc knows (`round3`,
    /// `eb.retrain2`, …), with a known ledger phase; no step is finished twice, and the run in
    /// progress is not a finished one.
    case runs = "known runs"
    /// Masks are uint8 0/1 datasets of prunable weights (conv and linear weights), of their
    /// parameter's shape; a mask set under `/masks` has one per prunable weight.
    case masks = "masks of prunable weights"
    /// Where a level's mask is 0 its weight is exactly 0 (checked when the level is loaded).
    case prunedWeights = "pruned weights are zero"
    /// A level's kept counts (`level.json`) are its masks' sums (checked when it is loaded).
    case keptCounts = "kept counts match the masks"
    /// The root's `status` is `complete` exactly when `progress.json` says finished, its `method`
    /// is the header's, and a finished search keeps no run in progress, no state but the rewind
    /// states and no mask set.
    case status = "status matches progress"
}

extension TicketRule: FileRule {
    /// Named in the refusal's hint.
    public static let fileKind = "ticket file"
    /// What the refusal's hint advises.
    public static let remedy = "run the search again with 'snnc prune'"
}

/// A ticket file that breaks a rule: names the HDF5 object, the JSON key in it, the rule and
/// what was found.
public typealias TicketValidationError = RuleViolation<TicketRule>
