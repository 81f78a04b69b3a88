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

    /// Opens a ticket file and reads its summaries (states are read on demand).
    /// - Throws: `HDF5Error` for unreadable files; `TicketFileError` for HDF5 files that are not
    ///   snnc ticket files or of another version.
    public static func open(_ path: String) throws -> TicketFile {
        let file = try HDF5File.open(path)
        let root = file.root
        try checkFormat(root, path)
        let header = try decode(TicketHeader.self, root.readString("header.json"), path, "header.json")
        let results = try decode(SearchResults.self, root.readString("results.json"), path, "results.json")
        let progress = try decode(SearchProgress.self, root.readString("progress.json"), path, "progress.json")
        var levels: [LevelInfo] = []
        var fits: [Int: LevelFit] = [:]
        if root.contains("levels") {
            let group = try root.group("levels")
            for name in try group.children() {
                let level = try group.group(name)
                let info = try decode(LevelInfo.self, level.readString("level.json"), path, "levels/\(name)/level.json")
                levels.append(info)
                fits[info.level] = try readFit(level, path, name)
            }
        }
        levels.sort { $0.level < $1.level }
        return TicketFile(path: path, header: header, results: results, progress: progress, levels: levels, fits: fits)
    }

    /// Whether the search finished.
    public var isComplete: Bool { progress.finished }

    /// The level `snnc export` uses when none is given: the sparsest (highest) level trained at
    /// the model's full T. Levels of IMP+ET trained only at T_early are skipped; the best-
    /// accuracy level is not used because it is usually the dense one.
    public var defaultLevel: Int? {
        levels.last { $0.timeSteps == header.spec.timeSteps }?.level ?? levels.last?.level
    }

    /// The full training state of level `k` (weights, masks, BN statistics, history).
    public func loadLevel(_ k: Int) throws -> TrainingState {
        guard levels.contains(where: { $0.level == k }) else {
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
        return try Checkpoint.read(from: HDF5File.open(path).root.group("levels").group(String(k)))
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

    /// Reads a whole document (for `--resume`).
    public static func readDocument(_ path: String) throws -> TicketDocument {
        let file = try HDF5File.open(path)
        let root = file.root
        try checkFormat(root, path)
        var document = TicketDocument(header: try decode(TicketHeader.self, root.readString("header.json"), path, "header.json"))
        document.results = try decode(SearchResults.self, root.readString("results.json"), path, "results.json")
        document.progress = try decode(SearchProgress.self, root.readString("progress.json"), path, "progress.json")
        let levels = try root.group("levels")
        for name in try levels.children() {
            guard let k = Int(name) else { continue }
            let group = try levels.group(name)
            let info = try decode(LevelInfo.self, group.readString("level.json"), path, "levels/\(name)/level.json")
            document.levels[k] = TicketLevel(info: info, state: try Checkpoint.read(from: group), fit: try readFit(group, path, name))
        }
        let states = try root.group("states")
        for name in try states.children() {
            document.states[name] = try Checkpoint.read(from: states.group(name))
        }
        let graph: LayerGraph
        do {
            graph = try LayerGraph(document.header.spec)
        } catch let error as ModelError {
            throw TicketFileError(
                path: path, reason: "'header.json' has a model spec that is not valid: \(error.description)",
                hint: "the file is damaged or was not written by snnc; run the search again")
        }
        // The masks' coordinates, without allocating the model.
        let prunable = ParameterSet.shapes(of: graph).parameters.filter { $0.role == .weight }
        let layout = PrunableLayout(names: prunable.map(\.name), shapes: prunable.map(\.shape))
        let masks = try root.group("masks")
        for name in try masks.children() {
            let group = try masks.group(name)
            var bits: [UInt8] = []
            bits.reserveCapacity(layout.total)
            for l in 0..<layout.layerCount {
                bits.append(contentsOf: try group.read(layout.names[l], as: UInt8.self, shape: layout.shapes[l]).values)
            }
            document.masks[name] = WeightMask(layout: layout, bits: bits)
        }
        return document
    }

    /// A level's `fit.json`, nil when the level has none (no targets, or a file from before the fit check).
    private static func readFit(_ level: HDF5Group, _ path: String, _ name: String) throws -> LevelFit? {
        guard level.contains("fit.json") else { return nil }
        return try decode(LevelFit.self, level.readString("fit.json"), path, "levels/\(name)/fit.json")
    }

    private static func checkFormat(_ root: HDF5Group, _ path: String) throws {
        guard (try? root.stringAttribute("format")) == format else {
            throw TicketFileError(
                path: path, reason: "not an snnc ticket file (no format = \"\(format)\" attribute on '/')",
                hint: "pass a file written by 'snnc prune'")
        }
        let version = try root.scalarAttribute("format_version", as: Int32.self)
        guard version == formatVersion else {
            let reason = "ticket file format version \(version) is not supported (this snnc reads version \(formatVersion))"
            throw TicketFileError(
                path: path, reason: reason,
                hint: "use the snnc version that wrote it")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String, _ path: String, _ key: String) throws -> T {
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(T.self, from: Data(json.utf8))
        } catch {
            throw TicketFileError(path: path, reason: "'\(key)' is not valid: \(error)")
        }
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
