import SNNTrain

/// The validation set of a search (`SearchConfig.validationImages`, `--validation-subset`):
/// held-out training images every stored level is evaluated on, with the same evaluation as its
/// test set, so `snnc export --level best-fit` can choose among levels without looking at the test
/// set.
extension TicketSearch {
    /// Evaluates every stored level that has no validation accuracy yet, in level order, when the
    /// search has a validation set; a resumed search (or one that adds the set to an older file)
    /// so computes what is missing. The cost is not charged to the ledger (like the test evaluation).
    /// - Returns: whether any level was evaluated.
    /// - Throws: `SearchConfigError` when the data hold no validation set of the recorded size.
    func checkMissingValidation() throws -> Bool {
        guard let wanted = search.validationImages else { return false }
        guard let images = data.validation, images.count == wanted else {
            throw SearchConfigError(
                "the search evaluates every level on \(wanted) held-out training images, but the data given to it hold "
                    + "\(data.validation?.count ?? 0); load them with TrainingData.load(_:seed:validationImages:)")
        }
        var evaluated = false
        for k in document.levels.keys.sorted() where document.levels[k]?.info.validationAccuracy == nil {
            guard let state = document.levels[k]?.state else { continue }
            var trainer = try Trainer(state: state, normalization: data.normalization)
            let result = trainer.evaluate(on: images)
            document.levels[k]?.info.validationAccuracy = result.accuracy
            document.levels[k]?.info.validationImages = result.images
            if let info = document.levels[k]?.info { onEvent(.levelValidated(info)) }
            evaluated = true
        }
        return evaluated
    }
}
