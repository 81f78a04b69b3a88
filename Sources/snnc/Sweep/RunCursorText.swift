import SNNTickets

/// The `sweep status` words for a search's run in progress: which run, how many of its epochs
/// are stored, and the time its remaining epochs take at the pace of those stored.
///
/// Epochs are the run's training images in its ledger over the images of one epoch: the cursor's
/// own count, or for files written before it was stored the header's `--train-subset` (a search on
/// a whole training set then shows the run only).
enum RunCursorText {
    /// `in round3, 6 of 19 epochs done, ≈ 14m left in the run`; without an epoch size only
    /// `in round3`.
    static func describe(_ cursor: RunCursor, trainSubset: Int?) -> String {
        let id = "in \(cursor.setup.id)"
        guard let imagesPerEpoch = cursor.imagesPerEpoch ?? trainSubset, imagesPerEpoch > 0 else { return id }
        let training = cursor.ledger.entries.filter { $0.phase == "train" && $0.run == cursor.setup.id }
        let epochs = training.reduce(0) { $0 + $1.images } / imagesPerEpoch
        let total = cursor.setup.trainEpochs
        var text = "\(id), \(min(epochs, total)) of \(total) epochs done"
        let seconds = training.reduce(0.0) { $0 + $1.seconds }
        if epochs > 0, epochs < total, seconds > 0 {
            text += ", ≈ \(formatDuration(seconds / Double(epochs) * Double(total - epochs))) left in the run"
        }
        return text
    }
}
