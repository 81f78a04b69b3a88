import Foundation
import SNNStore
import SNNTrain

/// Everything a ticket file holds apart from its tensors, as stored: the decoded JSON texts, the
/// root's attributes, the names of its states and the datasets of its mask sets. `TicketFile.open`
/// and `TicketFile.readDocument` read it and check it (`TicketValidator`) before using it.
struct StoredTicket {
    /// One dataset of a mask set (`/masks/<set>/<name>`), as declared.
    struct MaskDataset {
        var name: String
        var type: HDF5ElementType
        var shape: [Int]
    }

    var path: String
    var header: TicketHeader
    var results: SearchResults
    var progress: SearchProgress
    /// Level summaries by the index their group is named with.
    var levels: [Int: LevelInfo] = [:]
    /// `fit.json` of the levels that have one, by index.
    var fits: [Int: LevelFit] = [:]
    /// The root's `status` and `method` attributes (nil when missing).
    var status: String?
    var method: String?
    /// Names of the groups under `/states`.
    var states: [String] = []
    /// The datasets of every mask set under `/masks`, by set name.
    var maskSets: [String: [MaskDataset]] = [:]
    /// The prunable weights of the header's model, in parameter order.
    var layout: PrunableLayout
    /// All parameters of the header's model (the paper's sparsity denominator).
    var parameterCount: Int

    /// Reads the file's format, JSON texts, attributes and group names.
    /// - Throws: `HDF5Error` for unreadable files; `TicketFileError` for another kind of file, a
    ///   version this snnc does not read, or JSON that does not decode; `TicketValidationError`
    ///   for a level group not named by its index.
    static func read(_ path: String) throws -> StoredTicket {
        let root = try HDF5File.open(path).root
        try checkFormat(root, path)
        let header = try decode(TicketHeader.self, root.readString("header.json"), path, "header.json")
        let (layout, parameterCount) = try modelCounts(header, path)
        var stored = StoredTicket(
            path: path, header: header,
            results: try decode(SearchResults.self, root.readString("results.json"), path, "results.json"),
            progress: try decode(SearchProgress.self, root.readString("progress.json"), path, "progress.json"),
            layout: layout, parameterCount: parameterCount)
        stored.status = try? root.stringAttribute("status")
        stored.method = try? root.stringAttribute("method")
        if root.kind(of: "levels") == .group {
            let levels = try root.group("levels")
            for name in try levels.children() {
                let k = try TicketValidator.levelIndex(ofGroup: name, path: path)
                let group = try levels.group(name)
                stored.levels[k] = try decode(LevelInfo.self, group.readString("level.json"), path, "levels/\(name)/level.json")
                if group.contains("fit.json") {
                    stored.fits[k] = try decode(LevelFit.self, group.readString("fit.json"), path, "levels/\(name)/fit.json")
                }
            }
        }
        if root.kind(of: "states") == .group { stored.states = try root.group("states").children() }
        if root.kind(of: "masks") == .group {
            let masks = try root.group("masks")
            for name in try masks.children() {
                let set = try masks.group(name)
                stored.maskSets[name] = try set.children().map { dataset in
                    let info = try set.info(of: dataset)
                    return MaskDataset(name: dataset, type: info.type, shape: info.shape)
                }
            }
        }
        return stored
    }

    /// The prunable weights and the parameter count of the header's model, from its shapes alone.
    private static func modelCounts(_ header: TicketHeader, _ path: String) throws -> (PrunableLayout, Int) {
        let graph: LayerGraph
        do {
            graph = try LayerGraph(header.spec)
        } catch let error as ModelError {
            throw TicketFileError(
                path: path, reason: "'header.json' has a model spec that is not valid: \(error.description)",
                hint: "the file is damaged or was not written by snnc; run the search again")
        }
        let parameters = ParameterSet.shapes(of: graph).parameters
        let prunable = parameters.filter { $0.role == .weight }
        let layout = PrunableLayout(names: prunable.map(\.name), shapes: prunable.map(\.shape))
        return (layout, parameters.reduce(0) { $0 + $1.shape.reduce(1, *) })
    }

    private static func checkFormat(_ root: HDF5Group, _ path: String) throws {
        guard (try? root.stringAttribute("format")) == TicketFile.format else {
            throw TicketFileError(
                path: path, reason: "not an snnc ticket file (no format = \"\(TicketFile.format)\" attribute on '/')",
                hint: "pass a file written by 'snnc prune'")
        }
        let version = try root.scalarAttribute("format_version", as: Int32.self)
        guard version == TicketFile.formatVersion else {
            let reason = "ticket file format version \(version) is not supported (this snnc reads version \(TicketFile.formatVersion))"
            throw TicketFileError(path: path, reason: reason, hint: "use the snnc version that wrote it")
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
