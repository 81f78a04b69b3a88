/// The rules on what the search stores beside its levels: `results.json`, `progress.json`, the
/// fit tables and the mask sets.
extension TicketValidator {
    /// Costs, accuracies and counts of `results.json` and of the run in progress.
    func resultRanges() throws(TicketValidationError) {
        let results = stored.results
        let object = "/results.json"
        for (i, cost) in results.chainCost.enumerated() { try self.cost(cost, object, "chainCost[\(i)]") }
        for (i, cost) in results.annChainCost.enumerated() { try self.cost(cost, object, "annChainCost[\(i)]") }
        for (key, cost) in [("saliencyCost", results.saliencyCost), ("sourceCost", results.sourceCost), ("replayCost", results.replayCost)]
        {
            if let cost { try self.cost(cost, object, key) }
        }
        for (i, round) in results.annRounds.enumerated() {
            if !(0...1).contains(round.testAccuracy) {
                throw fail(object, "annRounds[\(i)].testAccuracy", .ranges, "is \(round.testAccuracy); an accuracy is in 0…1")
            }
            try cost(round.trainCost, object, "annRounds[\(i)].trainCost")
        }
        for (i, target) in results.earlyBird.enumerated() {
            let distances = target.lastDistances + (target.detection?.distances ?? [])
            if let d = distances.first(where: { !(0...1).contains($0) }) {
                throw fail(object, "earlyBird[\(i)]", .ranges, "has a mask distance of \(d); a distance is in 0…1")
            }
            if let detection = target.detection { try cost(detection.cost, object, "earlyBird[\(i)].detection.cost") }
        }
        if let current = stored.progress.current {
            try ledger(current.ledger.entries, "/progress.json", "current.ledger.entries")
            if let images = current.imagesPerEpoch, images < 1 {
                throw fail("/progress.json", "current.imagesPerEpoch", .ranges, "is \(images); an epoch has at least one image")
            }
            if let seconds = current.searchSecondsLeft, !(seconds.isFinite && seconds >= 0) {
                throw fail("/progress.json", "current.searchSecondsLeft", .ranges, "is \(seconds); a time left is finite and ≥ 0")
            }
        }
    }

    /// Each level's `fit.json` against the search's targets and the other levels'.
    func fitTables() throws(TicketValidationError) {
        var names: [String]?
        for k in indices {
            guard let fit = stored.fits[k] else { continue }
            let object = "/levels/\(k)/fit.json"
            guard let settings = header.search.fit else {
                throw fail(
                    object, nil, .fitTable, "the search checks no target (header.json has no search.fit), yet the level has a fit table")
            }
            let levelNames = fit.targets.map(\.target)
            guard fit.targets.count == settings.targets.count else {
                let wanted = "\(settings.targets.count) targets (\(settings.targets.joined(separator: ", ")))"
                throw fail(object, "targets", .fitTable, "has \(fit.targets.count) entries for the search's \(wanted)")
            }
            for (i, target) in fit.targets.enumerated() {
                if levelNames[..<i].contains(target.target) {
                    throw fail(object, "targets[\(i)].target", .fitTable, "'\(target.target)' is named twice")
                }
                if let names, names[i] != target.target {
                    throw fail(
                        object, "targets[\(i)].target", .fitTable,
                        "is '\(target.target)' but the other levels' target \(i) is '\(names[i])'")
                }
                guard target.fits == target.violations.isEmpty else {
                    let why = target.fits ? "it has \(target.violations.count) violations" : "it has no violation"
                    throw fail(object, "targets[\(i)].fits", .fitTable, "is \(target.fits) but \(why)")
                }
                try estimates(target, object, "targets[\(i)]")
            }
            guard fit.fits == fit.targets.allSatisfy(\.fits) else {
                throw fail(object, "fits", .fitTable, "is \(fit.fits) but the level \(fit.fits ? "does not fit" : "fits") every target")
            }
            names = names ?? levelNames
        }
    }

    /// A target's estimates: counts not negative, figures finite and not negative.
    private func estimates(_ target: TargetFit, _ object: String, _ key: String) throws(TicketValidationError) {
        for (field, count) in [
            ("cores", target.cores), ("coresAvailable", target.coresAvailable), ("memoryBytes", target.memoryBytes),
        ] {
            if let count, count < 0 { throw fail(object, "\(key).\(field)", .ranges, "is \(count); a count is not negative") }
        }
        for (field, value) in [
            ("synapticOps", target.synapticOps), ("energyPicojoules", target.energyPicojoules), ("latencySeconds", target.latencySeconds),
        ] {
            if let value { try nonNegative(value, object, "\(key).\(field)") }
        }
        for (i, layer) in (target.layers ?? []).enumerated() where layer.cores < 0 || layer.neuronCores < 0 {
            throw fail(
                object, "\(key).layers[\(i)]", .ranges,
                "has \(layer.cores) cores and \(layer.neuronCores) neuron cores; a count is not negative")
        }
    }

    /// Run names and ledger phases: finished steps, the run in progress, every ledger.
    func runs() throws(TicketValidationError) {
        let progress = stored.progress
        for (i, name) in progress.completed.enumerated() {
            guard StepID(name: name) != nil else {
                throw fail("/progress.json", "completed[\(i)]", .runs, "'\(name)' is not a step snnc knows")
            }
            if progress.completed[..<i].contains(name) {
                throw fail("/progress.json", "completed[\(i)]", .runs, "'\(name)' is finished twice")
            }
        }
        if let current = progress.current {
            let id = current.setup.id
            guard StepID(name: id) != nil else {
                throw fail("/progress.json", "current.setup.id", .runs, "'\(id)' is not a run snnc knows")
            }
            if progress.completed.contains(id) {
                throw fail("/progress.json", "current.setup.id", .runs, "'\(id)' is in progress but also finished")
            }
            try ledgerNames(current.ledger.entries, "/progress.json", "current.ledger.entries")
        }
        for k in indices {
            guard let info = stored.levels[k] else { continue }
            try ledgerNames(info.ledger, "/levels/\(k)/level.json", "ledger")
        }
    }

    private func ledgerNames(_ entries: [CostEntry], _ object: String, _ key: String) throws(TicketValidationError) {
        for (i, entry) in entries.enumerated() {
            guard StepID(name: entry.run) != nil else {
                throw fail(object, "\(key)[\(i)].run", .runs, "'\(entry.run)' is not a run snnc knows")
            }
            guard CostEntry.phases.contains(entry.phase) else {
                throw fail(
                    object, "\(key)[\(i)].phase", .runs,
                    "'\(entry.phase)' is not a ledger phase (\(CostEntry.phases.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// Every mask set under `/masks` holds one uint8 mask per prunable weight of the model, of
    /// its shape, and nothing else (the values are checked when `readDocument` reads them).
    func maskSets() throws(TicketValidationError) {
        let layout = stored.layout
        for (set, datasets) in stored.maskSets.sorted(by: { $0.key < $1.key }) {
            for dataset in datasets {
                let object = "/masks/\(set)/\(dataset.name)"
                guard let l = layout.names.firstIndex(of: dataset.name) else {
                    throw fail(object, nil, .masks, "'\(dataset.name)' is not a prunable weight of the model")
                }
                guard dataset.type == .uint8, dataset.shape == layout.shapes[l] else {
                    throw fail(
                        object, nil, .masks,
                        "is \(dataset.type) of shape \(dataset.shape); the mask of \(dataset.name) is uint8 of shape \(layout.shapes[l])")
                }
            }
            if let missing = layout.names.first(where: { name in !datasets.contains { $0.name == name } }) {
                throw fail("/masks/\(set)", nil, .masks, "has no mask for \(missing); a mask set covers every prunable weight")
            }
        }
    }
}
