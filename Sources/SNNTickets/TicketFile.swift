import Foundation
import SNNStore
import SNNTensor
import SNNTrain

/// Reading and writing ticket files (HDF5).
///
/// Layout (format version 1):
/// ```
/// /                       attrs format = "snnc-tickets", format_version = 1, snnc_version,
///                               method, status ("running" | "complete")
/// /header.json            TicketHeader: method, seed, command line, snnc version, search
///                               config, model spec, training config, source checkpoint + SHA-256
/// /results.json           SearchResults: rewind step, early-time probe, early-bird detections,
///                               cumulative search costs, ANN rounds
/// /progress.json          SearchProgress: finished steps, the run in progress and its ledger
/// /levels/<k>/            one full TrainingState (Checkpoint layout: parameters, masks,
///                               buffers, history, attributes) …
/// /levels/<k>/level.json  … and its LevelInfo: test accuracy, both sparsities, per-layer
///                               density, spikes per LIF node per image, cost ledger
/// /levels/<k>/fit.json    LevelFit, only in searches with targets (`prune --target`): per
///                               target cores, synapse memory, SynOps, energy, latency, fit or
///                               the violations; written with the level, absent in older files
/// /states/<name>/         states the search still needs (Checkpoint layout): run, carry,
///                               rewind, ann.carry, ann.rewind
/// /masks/<name>/<param>   uint8 0/1 masks (early-bird windows and tickets, SNIP, transfer)
/// ```
/// The whole file is rewritten atomically (`HDF5File.write`) after every finished epoch and
/// level, so a killed search leaves the last consistent file behind.
public struct TicketFile {
    public static let format = "snnc-tickets"
    public static let formatVersion: Int32 = 1

    public let path: String
    public let header: TicketHeader
    public let results: SearchResults
    public let progress: SearchProgress
    /// Level summaries, ascending by level.
    public let levels: [LevelInfo]
    /// Fits of the levels that have one, by level.
    public let fits: [Int: LevelFit]

    /// Opens a ticket file and reads its summaries (states are read on demand), after checking
    /// every summary rule of `TicketRule` (`TicketValidator`).
    /// - Throws: `HDF5Error` for unreadable files; `TicketFileError` for HDF5 files that are not
    ///   snnc ticket files, of another version, or whose JSON does not decode;
    ///   `TicketValidationError` for a file that breaks a rule.
    public static func open(_ path: String) throws -> TicketFile {
        let stored = try StoredTicket.read(path)
        try TicketValidator(stored: stored).validate()
        return TicketFile(
            path: path, header: stored.header, results: stored.results, progress: stored.progress,
            levels: stored.levels.sorted { $0.key < $1.key }.map(\.value), fits: stored.fits)
    }

    /// Whether `path` is an HDF5 file whose root says it is a ticket file (`format =
    /// "snnc-tickets"`), whatever else it holds: a caller that reads several kinds of file tells
    /// them apart with this, then reads a ticket file with `open`, whose errors then stand.
    public static func isTicketFile(_ path: String) -> Bool {
        (try? HDF5File.open(path).root.stringAttribute("format")) == format
    }

    /// Whether the search finished.
    public var isComplete: Bool { progress.finished }

    /// The level `snnc export` uses when none is given: the sparsest (highest) level trained at
    /// the model's full T. Levels of IMP+ET trained only at T_early are skipped; the best-
    /// accuracy level is not used because it is usually the dense one.
    public var defaultLevel: Int? {
        levels.last { $0.timeSteps == header.spec.timeSteps }?.level ?? levels.last?.level
    }

    /// The full training state of level `k` (weights, masks, BN statistics, history), after
    /// checking its masks, that its pruned weights are 0 and that they keep what its summary says.
    /// - Throws: `TicketFileError` for a level the file lacks; `TicketValidationError` for a state
    ///   that breaks a rule; `CheckpointError` and `HDF5Error` for one that cannot be read.
    public func loadLevel(_ k: Int) throws -> TrainingState {
        guard let info = level(k) else {
            guard !levels.isEmpty else {
                throw TicketFileError(
                    path: path, reason: "has no level \(k): the search has not finished any level yet",
                    hint: "let 'snnc prune --resume' finish at least one level")
            }
            let stored = levels.map { String($0.level) }.joined(separator: ", ")
            throw TicketFileError(
                path: path, reason: "has no level \(k) (levels: \(stored))",
                hint: "pass one of the stored levels with --level, or leave --level out for the sparsest level at the full T")
        }
        return try TicketTensorRules.readLevel(HDF5File.open(path).root.group("levels").group(String(k)), info: info, path: path)
    }

    /// Loads every level's state, so every rule of `TicketRule` is checked (`open` checks the
    /// summaries; the masks, pruned weights and kept counts of a level are checked as it loads).
    /// - Throws: as `loadLevel`.
    public func checkEveryLevel() throws {
        for info in levels { _ = try loadLevel(info.level) }
    }

    /// The summary of level `k`, if stored.
    public func level(_ k: Int) -> LevelInfo? { levels.first { $0.level == k } }

    // MARK: - Whole documents

    /// Writes `document` atomically to `path`.
    public static func write(_ document: TicketDocument, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let version = document.header.snncVersion
        try HDF5File.write(to: path) { root in
            try root.setAttribute("format", string: format)
            try root.setAttribute("format_version", scalar: formatVersion)
            try root.setAttribute("snnc_version", string: version)
            try root.setAttribute("method", string: document.header.method.rawValue)
            try root.setAttribute("status", string: document.progress.finished ? "complete" : "running")
            try root.write("header.json", string: try json(document.header))
            try root.write("results.json", string: try json(document.results))
            try root.write("progress.json", string: try json(document.progress))
            let levels = try root.createGroup("levels")
            for (k, level) in document.levels.sorted(by: { $0.key < $1.key }) {
                let group = try levels.createGroup(String(k))
                try Checkpoint.write(level.state, into: group, snncVersion: version)
                try group.write("level.json", string: try json(level.info))
                if let fit = level.fit { try group.write("fit.json", string: try json(fit)) }
            }
            let states = try root.createGroup("states")
            for (name, state) in document.states.sorted(by: { $0.key < $1.key }) {
                try Checkpoint.write(state, into: try states.createGroup(name), snncVersion: version)
            }
            let masks = try root.createGroup("masks")
            for (name, mask) in document.masks.sorted(by: { $0.key < $1.key }) {
                let group = try masks.createGroup(name)
                for l in 0..<mask.layout.layerCount {
                    try group.write(mask.layout.names[l], Array(mask.bits[mask.layout.range(of: l)]), shape: mask.layout.shapes[l])
                }
            }
        }
    }

    /// Reads a whole document (for `--resume`), checking every rule of `TicketRule` on the way:
    /// the summaries first (as `open`), then every state and mask set as it is read.
    /// - Throws: as `open` and `loadLevel`.
    public static func readDocument(_ path: String) throws -> TicketDocument {
        let stored = try StoredTicket.read(path)
        try TicketValidator(stored: stored).validate()
        let root = try HDF5File.open(path).root
        var document = TicketDocument(header: stored.header)
        document.results = stored.results
        document.progress = stored.progress
        for (k, info) in stored.levels.sorted(by: { $0.key < $1.key }) {
            let state = try TicketTensorRules.readLevel(root.group("levels").group(String(k)), info: info, path: path)
            document.levels[k] = TicketLevel(info: info, state: state, fit: stored.fits[k])
        }
        for name in stored.states {
            document.states[name] = try TicketTensorRules.readState(root.group("states").group(name), path: path)
        }
        let layout = stored.layout
        for name in stored.maskSets.keys.sorted() {
            let group = try root.group("masks").group(name)
            var bits: [UInt8] = []
            bits.reserveCapacity(layout.total)
            for l in 0..<layout.layerCount {
                let values = try group.read(layout.names[l], as: UInt8.self, shape: layout.shapes[l]).values
                try TicketTensorRules.checkBits(values) { detail in
                    TicketValidationError(path: path, object: "/masks/\(name)/\(layout.names[l])", rule: .masks, detail: detail)
                }
                bits.append(contentsOf: values)
            }
            document.masks[name] = WeightMask(layout: layout, bits: bits)
        }
        return document
    }
}

/// A file that is HDF5 but not a ticket file this snnc can read.
public struct TicketFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var hint: String?

    public init(path: String, reason: String, hint: String? = nil) {
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        "'\(path)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

extension TicketFile {
    /// The file's summary: what `snnc prune --json` prints and `snnc report` reads, fits included.
    public var summary: TicketSummary {
        var summary = TicketSummary(
            file: path, complete: isComplete, header: header, levels: levels, results: results,
            defaultLevel: defaultLevel, fits: fits)
        let targets = fits.sorted { $0.key < $1.key }.first?.value.targets.map(\.target) ?? []
        let picks = targets.compactMap { target in (try? bestFit(target: target)).map { (target, $0.level) } }
        if !picks.isEmpty {
            summary.bestFit = picks.first?.1
            // A damaged fit.json may name a target twice: the first entry's pick stands.
            summary.bestFitByTarget = Dictionary(picks, uniquingKeysWith: { first, _ in first })
        }
        return summary
    }
}

/// What `snnc prune --json` prints: everything about a ticket file except the tensors.
public struct TicketSummary: Codable, Sendable {
    public var file: String
    public var complete: Bool
    public var header: TicketHeader
    public var levels: [LevelInfo]
    public var results: SearchResults
    /// The level `snnc export` would use (see `TicketFile.defaultLevel`).
    public var defaultLevel: Int?
    /// Fits of the levels that have one, keyed by the level's number as a string; nil (left out
    /// of the JSON) when no level has one, so summaries without targets read and look as before.
    public var fits: [String: LevelFit]?
    /// The level `snnc export --level best-fit` picks (`BestFit`), ties broken on the first target;
    /// nil (left out) when it cannot pick (no fits, no validation accuracies, no level fits).
    public var bestFit: Int?
    /// Its pick per target name (ties broken on that target's energy); nil when `bestFit` is.
    public var bestFitByTarget: [String: Int]?

    public init(
        file: String, complete: Bool, header: TicketHeader, levels: [LevelInfo], results: SearchResults, defaultLevel: Int?,
        fits: [Int: LevelFit] = [:]
    ) {
        self.file = file
        self.complete = complete
        self.header = header
        self.levels = levels
        self.results = results
        self.defaultLevel = defaultLevel
        self.fits = fits.isEmpty ? nil : Dictionary(uniqueKeysWithValues: fits.map { (String($0.key), $0.value) })
    }
}
