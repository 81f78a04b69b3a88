import SNNTickets

/// The `sweep status` words for a search's run in progress: which run, how many of its epochs
/// are stored, the time its remaining epochs take at the pace of those stored, and the search's
/// own estimate of the time left in all of it (recorded with the last epoch).
///
/// Epochs are the run's training images in its ledger over the images of one epoch: the cursor's
/// own count, or for files written before it was stored the header's `--train-subset` (a search on
/// a whole training set then shows the run only).
enum RunCursorText {
    /// `in round3, 6 of 19 epochs done, ≈ 14m left in round3, ≈ 3h20m of training left in the search
    /// at its last epoch`; without an epoch size no epochs, without the search's estimate (files of
    /// older snnc) no last part.
    static func describe(_ cursor: RunCursor, trainSubset: Int?) -> String {
        let id = cursor.setup.id
        var text = "in \(id)"
        if let imagesPerEpoch = cursor.imagesPerEpoch ?? trainSubset, imagesPerEpoch > 0 {
            let training = cursor.ledger.entries.filter { $0.phase == "train" && $0.run == id }
            let epochs = training.reduce(0) { $0 + $1.images } / imagesPerEpoch
            let total = cursor.setup.trainEpochs
            text += ", \(min(epochs, total)) of \(total) epochs done"
            let seconds = training.reduce(0.0) { $0 + $1.seconds }
            if epochs > 0, epochs < total, seconds > 0 {
                text += ", ≈ \(formatDuration(seconds / Double(epochs) * Double(total - epochs))) left in \(id)"
            }
        }
        if let left = cursor.searchSecondsLeft { text += ", ≈ \(formatDuration(left)) of training left in the search at its last epoch" }
        return text
    }
}
