/// The rules of `TicketRule` that a ticket file's summaries must satisfy, checked on what
/// `StoredTicket.read` decoded before `TicketFile.open` or `readDocument` hands any of it out:
/// level indices, totals, value ranges, the fit tables, run names, the declared mask sets and
/// the status. The tensor rules (mask values, pruned weights, kept counts) are checked when a
/// state is loaded (`TicketTensorRules`).
struct TicketValidator {
    let stored: StoredTicket

    var path: String { stored.path }
    var header: TicketHeader { stored.header }
    /// Level indices, ascending.
    var indices: [Int] { stored.levels.keys.sorted() }

    /// The refusal of this file: `rule` broken at `object` (and `key` inside it), `detail` found.
    func fail(_ object: String, _ key: String?, _ rule: TicketRule, _ detail: String) -> TicketValidationError {
        TicketValidationError(path: path, object: object, key: key, rule: rule, detail: detail)
    }

    /// Checks every summary rule: the level indices first (the other messages name levels by
    /// them), the value ranges before the totals (so a NaN is named as such, not as a sum that
    /// disagrees), then the fit tables, runs, mask sets and status.
    func validate() throws(TicketValidationError) {
        try levelIndices()
        for k in indices {
            guard let info = stored.levels[k] else { continue }
            try ranges(info)
        }
        try resultRanges()
        for k in indices {
            guard let info = stored.levels[k] else { continue }
            try totals(info)
        }
        try fitTables()
        try runs()
        try maskSets()
        try status()
    }

    /// The index a level group's name gives: a non-negative integer written plainly (`7`, not
    /// `07`, `+7` or `x`).
    /// - Throws: `TicketValidationError` (level indices) for any other name.
    static func levelIndex(ofGroup name: String, path: String) throws(TicketValidationError) -> Int {
        guard let k = Int(name), k >= 0, String(k) == name else {
            throw TicketValidationError(
                path: path, object: "/levels/\(name)", rule: .levelIndices,
                detail: "a level group must be named by its index, a non-negative integer; found '\(name)'")
        }
        return k
    }

    // MARK: - Level indices

    private func levelIndices() throws(TicketValidationError) {
        let targets = header.search.targets
        for k in indices {
            guard let info = stored.levels[k] else { continue }
            let object = "/levels/\(k)/level.json"
            guard info.level == k else { throw fail(object, "level", .levelIndices, "is \(info.level) but the group is /levels/\(k)") }
            if let round = info.round, round != k {
                throw fail(object, "round", .levelIndices, "is \(round) but the level is \(k); level k is round k")
            }
            if let target = info.target, !(targets.indices.contains(k - 1) && targets[k - 1] == target) {
                let wanted = targets.indices.contains(k - 1) ? "'\(targets[k - 1])'" : "none (the search has \(targets.count) targets)"
                throw fail(object, "target", .levelIndices, "is '\(target)' but the search's target \(k) is \(wanted)")
            }
        }
        try noGaps()
    }

    /// Transfer stores its reported rounds (and level 0 from `--from`); every other method stores
    /// its levels in order from 0 (IMP, IMP+ET, one-shot, and any search `--from` a checkpoint)
    /// or 1, so a running search has a prefix of them.
    private func noGaps() throws(TicketValidationError) {
        let method = header.method
        if method == .transfer {
            let reported = header.search.reportedRounds
            for k in indices where k > 0 && !reported.contains(k) {
                throw fail(
                    "/levels/\(k)", nil, .levelIndices,
                    "transfer stores its reported rounds (\(reported.map(String.init).joined(separator: ", "))); \(k) is not one")
            }
            return
        }
        let first = method == .imp || method == .impET || method == .oneShot || header.source != nil ? 0 : 1
        for (i, k) in indices.enumerated() where k != first + i {
            let stored = indices.map(String.init).joined(separator: ", ")
            throw fail(
                "/levels/\(first + i)", nil, .levelIndices,
                "is missing: \(method.rawValue) stores levels \(first), \(first + 1), … without gaps, and the file has \(stored)")
        }
    }

    // MARK: - Status

    /// The root attributes and what a finished search keeps.
    private func status() throws(TicketValidationError) {
        let finished = stored.progress.finished
        let expected = finished ? "complete" : "running"
        guard stored.status == expected else {
            let found = stored.status.map { "'\($0)'" } ?? "missing"
            let progress = finished ? "finished" : "has not finished"
            throw fail("/", nil, .status, "attribute 'status' is \(found) but progress.json says the search \(progress) ('\(expected)')")
        }
        guard stored.method == header.method.rawValue else {
            let found = stored.method.map { "'\($0)'" } ?? "missing"
            throw fail("/", nil, .status, "attribute 'method' is \(found) but header.json's method is '\(header.method.rawValue)'")
        }
        guard finished else { return }
        if let current = stored.progress.current {
            throw fail("/progress.json", "current", .status, "a finished search has no run in progress, found '\(current.setup.id)'")
        }
        let kept: Set = [StateKey.rewind.rawValue, StateKey.annRewind.rawValue]
        if let state = stored.states.sorted().first(where: { !kept.contains($0) }) {
            throw fail("/states/\(state)", nil, .status, "a finished search keeps only its rewind states")
        }
        if let set = stored.maskSets.keys.sorted().first {
            throw fail("/masks/\(set)", nil, .status, "a finished search keeps no mask set")
        }
        if header.search.validationImages != nil, let k = indices.first(where: { stored.levels[$0]?.validationAccuracy == nil }) {
            throw fail(
                "/levels/\(k)/level.json", "validationAccuracy", .status,
                "is missing: a finished search with a validation set has evaluated every level on it")
        }
    }
}
