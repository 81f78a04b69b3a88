/// `snnc export --level best-fit`: the level of a ticket file to deploy on a target, chosen on the
/// validation set.
///
/// Rule: among the levels whose stored fit (`levels/<k>/fit.json`) fits every target and budget
/// of the search, the one with the highest validation accuracy (`LevelInfo.validationAccuracy`,
/// held-out training images; choosing by test accuracy would leak the test set into the choice);
/// ties go to the lower energy per inference on the target, then to the lower level.
public struct BestFit: Equatable, Sendable {
    /// The level chosen.
    public var level: Int
    /// Its summary (sparsity, validation and test accuracy).
    public var info: LevelInfo
    /// Its fit on the target the ties were broken on (energy, cores).
    public var fit: TargetFit
    /// The levels that fit every target and budget, ascending (the chosen one among them).
    public var candidates: [Int]
    /// Fitting levels with the same validation accuracy as the chosen one, which lost on energy
    /// or level (ascending).
    public var tiedWith: [Int]

    /// Picks the level (see the type's rule).
    /// - Parameters:
    ///   - levels: the file's level summaries.
    ///   - fits: the stored fits by level.
    ///   - target: the target profile's name whose energy breaks ties; nil for the first target
    ///     the search checks.
    /// - Throws: `BestFitError` when the levels have no fits, `target` is not checked, no level
    ///   fits, or a fitting level has no validation accuracy.
    public static func choose(levels: [LevelInfo], fits: [Int: LevelFit], target: String?) throws(BestFitError) -> BestFit {
        let checked = fits.sorted { $0.key < $1.key }.first?.value.targets.map(\.target) ?? []
        guard let first = checked.first else { throw .noFits }
        let target = target ?? first
        guard checked.contains(target) else { throw .targetNotChecked(target: target, checked: checked) }
        let stored = levels.filter { fits[$0.level] != nil }.sorted { $0.level < $1.level }
        let fitting = stored.filter { fits[$0.level]?.fits == true }
        guard !fitting.isEmpty else {
            let failures = stored.compactMap { info in
                fits[info.level]?.binding.map { LevelFailure(level: info.level, target: $0.target, violation: $0.violation) }
            }
            throw .noLevelFits(failures)
        }
        let unvalidated = fitting.filter { $0.validationAccuracy == nil }.map(\.level)
        guard unvalidated.isEmpty else { throw .noValidation(levels: unvalidated) }
        func energy(_ info: LevelInfo) -> Double {
            fits[info.level]?.targets.first { $0.target == target }?.energyPicojoules ?? .infinity
        }
        // Highest validation accuracy, then lowest energy, then lowest level.
        let ranked = fitting.sorted { a, b in
            let (va, vb) = (a.validationAccuracy ?? 0, b.validationAccuracy ?? 0)
            if va != vb { return va > vb }
            if energy(a) != energy(b) { return energy(a) < energy(b) }
            return a.level < b.level
        }
        let best = ranked[0]
        guard let fit = fits[best.level]?.targets.first(where: { $0.target == target }) else {
            throw .targetNotChecked(target: target, checked: checked)
        }
        return BestFit(
            level: best.level, info: best, fit: fit, candidates: fitting.map(\.level),
            tiedWith: ranked.dropFirst().filter { $0.validationAccuracy == best.validationAccuracy }.map(\.level).sorted())
    }
}

/// A level that does not fit: its first violation.
public struct LevelFailure: Equatable, Sendable {
    public var level: Int
    public var target: String
    public var violation: FitViolation

    public init(level: Int, target: String, violation: FitViolation) {
        self.level = level
        self.target = target
        self.violation = violation
    }
}

/// Why `--level best-fit` cannot choose a level.
public enum BestFitError: Error, Equatable, CustomStringConvertible {
    /// No level has a stored fit: the search checked no target.
    case noFits
    /// The target is not one the search checked.
    case targetNotChecked(target: String, checked: [String])
    /// No level fits every target and budget; each level's first violation, ascending.
    case noLevelFits([LevelFailure])
    /// These fitting levels have no validation accuracy.
    case noValidation(levels: [Int])

    /// What went wrong.
    public var reason: String {
        switch self {
        case .noFits:
            return "--level best-fit picks among levels that fit the search's targets, but the file stores no fit "
                + "(it was searched without --target)"
        case .targetNotChecked(let target, let checked):
            return "--level best-fit picks by the fits the search stored, and it checked "
                + "\(checked.map { "'\($0)'" }.joined(separator: ", ")), not '\(target)'"
        case .noLevelFits(let failures):
            let each = failures.map { "level \($0.level) (\($0.target): \($0.violation.constraint))" }.joined(separator: ", ")
            let last = failures.last.map { "; the last one fails '\($0.target)': " + $0.violation.text } ?? ""
            return "no level fits every target and budget of the search: \(each)\(last)"
        case .noValidation(let levels):
            let list = levels.map(String.init).joined(separator: ", ")
            return "--level best-fit chooses by validation accuracy, but level\(levels.count == 1 ? "" : "s") \(list) "
                + "\(levels.count == 1 ? "has" : "have") none (the search had no --validation-subset)"
        }
    }

    /// What to try next (every case has one).
    public var hint: String? {
        switch self {
        case .noFits: "check every level with 'snnc prune --resume --target T -o <file>', then export again"
        case .targetNotChecked(_, let checked):
            "pass one of them with --target (e.g. --target \(checked.first ?? "edge")), or search with --target for this one"
        case .noLevelFits: "prune further ('snnc prune --resume --rounds N -o <file>' for imp, or --until-fits), or loosen the budget"
        case .noValidation:
            "evaluate the levels on held-out training images: 'snnc prune --resume --validation-subset N -o <file>'"
        }
    }

    public var description: String { reason + (hint.map { " (hint: \($0))" } ?? "") }
}

extension TicketFile {
    /// `BestFit.choose` over this file's levels and fits.
    /// - Throws: `BestFitError`.
    public func bestFit(target: String?) throws(BestFitError) -> BestFit {
        try BestFit.choose(levels: levels, fits: fits, target: target)
    }
}
