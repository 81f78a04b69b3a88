import SNNTrain

/// The fit of every level (`SearchConfig.fit`, checked by the caller's `fitCheck`) and the
/// `untilFits` of IMP and IMP+ET: round after round until a level fits every target and budget,
/// then `extraRoundsAfterFit` more. IMP+ET retrains every round at the full T (every round is
/// reported), and a level's fit is that of the level as stored (IMP+ET's level 0 at T_early).
extension TicketSearch {
    /// Checks every stored level without a fit, in level order, when the search has targets and
    /// a `fitCheck`; a resumed search so computes what a killed one had not.
    /// - Returns: whether any level was checked.
    /// - Throws: errors of `fitCheck`.
    func checkMissingFits() throws -> Bool {
        guard search.fit != nil, let fitCheck else { return false }
        var checked = false
        for k in document.levels.keys.sorted() where document.levels[k]?.fit == nil {
            guard let state = document.levels[k]?.state else { continue }
            let fit = try fitCheck(state)
            document.levels[k]?.fit = fit
            onEvent(.levelFit(k, fit))
            checked = true
        }
        return checked
    }

    /// Under `untilFits`, throws when the newest level violates a constraint that pruning
    /// cannot remove (a neuron count, a non-capacity compile error), so no round is wasted on it.
    /// With `structured`, a neuron count is removable while a hidden layer has a channel to lose.
    /// - Throws: `SearchCannotFit`.
    func stopIfCannotFit() throws {
        guard let settings = search.fit, settings.untilFits,
            let newest = document.levels.max(by: { $0.key < $1.key }),
            let fit = newest.value.fit, !fit.fits
        else { return }
        for target in fit.targets {
            for violation in target.violations where !violation.prunable {
                guard search.structured != nil, violation.isNeuronCount else {
                    throw SearchCannotFit(
                        reason: "level \(newest.key) does not fit '\(target.target)', and pruning weights cannot fix it: "
                            + violation.text,
                        hint: violation.hint ?? Self.unstructuredHint(neurons: violation.isNeuronCount))
                }
                guard let graph = try? LayerGraph(newest.value.state.spec),
                    ChannelPruning.layerToPrune(graph, named: violation.layer) != nil
                else {
                    throw SearchCannotFit(
                        reason: "level \(newest.key) does not fit '\(target.target)', and every hidden layer is down to one "
                            + "channel: " + violation.text,
                        hint: "choose a larger target or a looser budget")
                }
            }
        }
    }

    /// The advice for a level that weight pruning cannot fit.
    static func unstructuredHint(neurons: Bool) -> String {
        let choices = "choose a larger target, a smaller model (--width) or a looser budget"
        guard neurons else { return "unstructured pruning keeps every neuron; " + choices }
        return "unstructured pruning keeps every neuron; add --structured to remove whole channels of the layers "
            + "short of neurons, or " + choices
    }

    /// The layer a round removes channels from instead of weights: with `structured`, when level
    /// k − 1 (the last one stored before round k; IMP+ET's final and search runs of round k both
    /// read it) breaks a neuron count on some target, the layer that count names (see
    /// `ChannelPruning.layerToPrune`); nil for a weight round.
    /// - Throws: `SearchCannotFit` when no hidden layer has a channel left to remove.
    func structuredLayer(round k: Int, carry: TrainingState) throws -> String? {
        guard search.structured != nil, let bound = document.levels[k - 1]?.fit?.neuronBound else { return nil }
        guard let layer = ChannelPruning.layerToPrune(try LayerGraph(carry.spec), named: bound.violation.layer) else {
            throw SearchCannotFit(
                reason: "level \(k - 1) does not fit '\(bound.target)', and every hidden layer is down to one channel: "
                    + bound.violation.text,
                hint: "choose a larger target or a looser budget")
        }
        return layer
    }

    /// Under `untilFits` (IMP and IMP+ET): the number of rounds the search must run to, when that is
    /// more than it plans now; nil when it has enough (a level fits and the extra rounds after it
    /// are planned), or without `untilFits` or fits to judge by.
    /// - Throws: `SearchCannotFit` when the newest level cannot be fixed by pruning, or no level
    ///   up to `maxRounds` fits.
    func roundsNeededForFit() throws -> Int? {
        guard let settings = search.fit, settings.untilFits, header.method == .imp || header.method == .impET else { return nil }
        let levels = document.levels.sorted { $0.key < $1.key }
        if let first = levels.first(where: { $0.value.fit?.fits == true })?.key {
            let wanted = max(1, first + settings.extraRoundsAfterFit)
            return search.rounds < wanted ? search.rounds + 1 : nil
        }
        guard let last = levels.last, let fit = last.value.fit else { return nil }
        try stopIfCannotFit()
        guard search.rounds < settings.maxRounds else {
            let binding = fit.binding.map { " '\($0.target)': \($0.violation.text)" } ?? ""
            throw SearchCannotFit(
                reason: "no level up to round \(search.rounds) (--max-rounds) fits; the last one fails\(binding)",
                hint: "raise --max-rounds, loosen the budget or choose a larger target")
        }
        return search.rounds + 1
    }
}
