/// The totals and value ranges of one level's `level.json`.
extension TicketValidator {
    /// Counts that must agree: kept ≤ prunable ≤ parameters, the model's prunable weights layer
    /// by layer, both sparsities, the spikes, the costs against the ledger.
    func totals(_ info: LevelInfo) throws(TicketValidationError) {
        let object = "/levels/\(info.level)/level.json"
        func require(_ ok: Bool, _ key: String, _ detail: @autoclosure () -> String) throws(TicketValidationError) {
            if !ok { throw fail(object, key, .totals, detail()) }
        }
        let s = info.sparsity
        try require(
            0 <= s.kept && s.kept <= s.prunable && s.prunable <= s.parameters, "sparsity",
            "kept \(s.kept), prunable \(s.prunable), parameters \(s.parameters): needs 0 ≤ kept ≤ prunable ≤ parameters")
        // A structured level counts its removed channels as pruned weights of the whole model.
        try require(s.prunable == stored.layout.total, "sparsity.prunable", "is \(s.prunable) but the model has \(stored.layout.total)")
        try require(
            s.parameters == stored.parameterCount, "sparsity.parameters", "is \(s.parameters) but the model has \(stored.parameterCount)")
        let names = info.layers.map(\.name)
        try require(
            names == stored.layout.names, "layers",
            "names \(names.joined(separator: ", ")) but the model's prunable weights are \(stored.layout.names.joined(separator: ", "))")
        let structured = info.keptChannels != nil
        for (i, layer) in info.layers.enumerated() {
            let whole = stored.layout.count(of: i)
            try require(
                layer.count == whole || (structured && 0 < layer.count && layer.count < whole), "layers[\(i)].count",
                "is \(layer.count) but \(layer.name) has \(whole) weights" + (structured ? " (fewer in a structured level, not none)" : ""))
            try require(0 <= layer.kept && layer.kept <= layer.count, "layers[\(i)].kept", "is \(layer.kept) of \(layer.count) weights")
        }
        let kept = info.layers.reduce(0) { $0 + $1.kept }
        try require(s.kept == kept, "sparsity.kept", "is \(s.kept) but the layers keep \(kept)")
        try require(
            Self.same(info.weightSparsity, s.weightPercent), "weightSparsity",
            "is \(info.weightSparsity) but \(s.prunable - s.kept) pruned of \(s.prunable) prunable weights is \(s.weightPercent)")
        try require(
            Self.same(info.paperSparsity, s.paperPercent), "paperSparsity",
            "is \(info.paperSparsity) but \(s.prunable - s.kept) pruned of \(s.parameters) parameters is \(s.paperPercent)")
        let spikes = info.spikes.reduce(0) { $0 + $1.spikes }
        try require(
            Self.same(info.spikesPerImage, spikes), "spikesPerImage", "is \(info.spikesPerImage) but the LIF nodes' spikes sum to \(spikes)"
        )
        // Wrapping sums: a damaged ledger's counts must not trap (a wrapped sum disagrees).
        let trainWork = info.ledger.filter { $0.phase != "eval" }.reduce(0) { $0 &+ $1.forwardMACs &+ $1.backwardMACs }
        let evalWork = info.ledger.filter { $0.phase == "eval" }.reduce(0) { $0 &+ $1.forwardMACs &+ $1.backwardMACs }
        try require(
            info.trainCost.work == trainWork, "trainCost.work", "is \(info.trainCost.work) but the ledger's training work is \(trainWork)")
        try require(
            info.evalCost.work == evalWork, "evalCost.work", "is \(info.evalCost.work) but the ledger's evaluation work is \(evalWork)")
        try require(
            (info.validationAccuracy == nil) == (info.validationImages == nil), "validationImages",
            "a validation accuracy and its image count are stored together")
    }

    /// Accuracies in 0…1; losses, counts, spikes and costs finite and not negative.
    func ranges(_ info: LevelInfo) throws(TicketValidationError) {
        let object = "/levels/\(info.level)/level.json"
        for (key, accuracy) in [
            ("testAccuracy", info.testAccuracy), ("validationAccuracy", info.validationAccuracy),
            ("searchAccuracy", info.searchAccuracy), ("annAccuracy", info.annAccuracy),
        ] {
            guard let accuracy else { continue }
            if !(0...1).contains(accuracy) { throw fail(object, key, .ranges, "is \(accuracy); an accuracy is in 0…1") }
        }
        try nonNegative(info.testLoss, object, "testLoss")
        for (key, count) in [
            ("testImages", info.testImages), ("validationImages", info.validationImages ?? 0), ("trainEpochs", info.trainEpochs),
        ] where count < 0 {
            throw fail(object, key, .ranges, "is \(count); a count is not negative")
        }
        for (key, steps) in [("timeSteps", info.timeSteps), ("searchTimeSteps", info.searchTimeSteps ?? 1)] where steps < 1 {
            throw fail(object, key, .ranges, "is \(steps); a network runs at least one time step")
        }
        try nonNegative(info.spikesPerImage, object, "spikesPerImage")
        for (i, layer) in info.spikes.enumerated() {
            try nonNegative(layer.spikes, object, "spikes[\(i)].spikes")
            if layer.neurons < 0 { throw fail(object, "spikes[\(i)].neurons", .ranges, "is \(layer.neurons); a count is not negative") }
        }
        try cost(info.searchCost, object, "searchCost")
        try cost(info.trainCost, object, "trainCost")
        try cost(info.evalCost, object, "evalCost")
        try ledger(info.ledger, object, "ledger")
        if let detection = info.earlyBird { try cost(detection.cost, object, "earlyBird.cost") }
    }

    /// Every entry's counts and seconds (a ledger of a level or of the run in progress).
    func ledger(_ entries: [CostEntry], _ object: String, _ key: String) throws(TicketValidationError) {
        for (i, entry) in entries.enumerated() {
            for (field, count) in [
                ("timeSteps", entry.timeSteps), ("images", entry.images), ("forwardMACs", entry.forwardMACs),
                ("backwardMACs", entry.backwardMACs),
            ] where count < 0 {
                throw fail(object, "\(key)[\(i)].\(field)", .ranges, "is \(count); a count is not negative")
            }
            try nonNegative(entry.seconds, object, "\(key)[\(i)].seconds")
        }
    }

    /// Work not negative, seconds finite and not negative.
    func cost(_ totals: CostTotals, _ object: String, _ key: String) throws(TicketValidationError) {
        if totals.work < 0 { throw fail(object, key + ".work", .ranges, "is \(totals.work); work is not negative") }
        try nonNegative(totals.seconds, object, key + ".seconds")
    }

    /// A finite number not below 0.
    func nonNegative(_ value: Double, _ object: String, _ key: String) throws(TicketValidationError) {
        guard value.isFinite, value >= 0 else { throw fail(object, key, .ranges, "is \(value); it must be finite and not negative") }
    }

    /// Equal up to the rounding of the sums and quotients that made them.
    static func same(_ a: Double, _ b: Double) -> Bool {
        a.isFinite && b.isFinite && abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }
}
