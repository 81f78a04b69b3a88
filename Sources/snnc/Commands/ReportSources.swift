import Foundation
import SNNCompiler
import SNNFormat
import SNNReport
import SNNStore
import SNNTickets

/// Reads the inputs of `snnc report`, recognising each by its content: a ticket file or a
/// deployment file (HDF5, by their root attributes), a calibration file, a `snnc prune --json`
/// summary or `snnc simulate --json` output (JSON, by their keys). Each goes through its own
/// reader; anything else is a `Diagnostic` naming the file and the kinds it could have been.
enum ReportSources {
    static let kinds =
        "ticket files (snnc prune), 'snnc prune --json' summaries, deployment files (snnc export), calibration files "
        + "(snnc simulate --calibration-out), 'snnc simulate --json' output (with or without --compare) and "
        + "'snnc sweep collect -o results.json' collections of prune sweeps"

    /// The inputs in `path`: one, or every run of a sweep collection (`snnc sweep collect`).
    static func readAll(_ path: String, budgets: [Budget]) throws -> [ReportInput] {
        if path.hasSuffix(".json"), let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            Set(object.keys).isSuperset(of: ["sweep", "command", "runs"])
        {
            return try sweepCollection(data, path)
        }
        return [try read(path, budgets: budgets)]
    }

    /// A prune sweep's collection: each run's summary, named `<collection>#<run>`.
    private static func sweepCollection(_ data: Data, _ path: String) throws -> [ReportInput] {
        struct Run: Decodable {
            var name: String
            var summary: TicketSummary?
        }
        struct Collection: Decodable {
            var command: String
            var runs: [Run]
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let collection = try decode(Collection.self, data, decoder, path, "an 'snnc sweep collect' collection")
        guard collection.command == "prune" else {
            throw Diagnostic(
                message: "a collection of a '\(collection.command)' sweep has no ticket summaries to plot", location: path,
                hint: "snnc report plots collections of prune sweeps; pass the runs' own files otherwise")
        }
        return collection.runs.compactMap { run in run.summary.map { .tickets(file: path + "#" + run.name, summary: $0) } }
    }

    /// Reads `path`; deployments are checked against `budgets`.
    static func read(_ path: String, budgets: [Budget]) throws -> ReportInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Diagnostic(message: "no such file", location: path, hint: "check the path; snnc report reads \(kinds)")
        }
        guard !isDirectory.boolValue else {
            throw Diagnostic(message: "is a folder, not a file", location: path, hint: "pass the files in it, e.g. \(path)/*.json")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Diagnostic(message: "cannot read the file", location: path, hint: "check its permissions")
        }
        let head = handle.readData(ofLength: 8)
        try? handle.close()
        if head == Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return try hdf5(path, budgets: budgets) }
        return try json(path)
    }

    private static func hdf5(_ path: String, budgets: [Budget]) throws -> ReportInput {
        if TicketFile.isTicketFile(path) { return .tickets(file: path, summary: try TicketFile.open(path).summary) }
        let root = try HDF5File.open(path).root
        if root.kind(of: "snnc") == .group {
            let graph = try DeploymentFile.read(path).graph
            guard let estimates = graph.estimates else {
                throw Diagnostic(
                    message: "the deployment file has no estimates to plot", location: path, hint: "export it again with 'snnc export'")
            }
            let profile = graph.target.flatMap { try? ChipProfile.named($0) }
            let limits = budgets.map { budget -> BudgetLimit in
                let check = budget.check(estimates)
                return BudgetLimit(key: check.key, actual: check.actual, limit: check.limit, unit: unit(check.kind), source: "--budget")
            }
            return .deployment(file: path, graph: graph, profile: profile, budgets: limits)
        }
        let hint =
            root.contains("parameters")
            ? "this looks like a checkpoint (snnc train): prune it ('snnc prune --from') or export it, then report on those files"
            : "snnc report reads \(kinds)"
        throw Diagnostic(message: "an HDF5 file that is neither a ticket file nor a deployment file", location: path, hint: hint)
    }

    private static func json(_ path: String) throws -> ReportInput {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(message: "cannot read the file", location: path, hint: "check its permissions")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let keys = (object as? [String: Any]).map({ Set($0.keys) })
        else {
            throw Diagnostic(message: "neither HDF5 nor a JSON object", location: path, hint: "snnc report reads \(kinds)")
        }
        if keys.isSuperset(of: ["header", "levels", "results"]) {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return .tickets(file: path, summary: try decode(TicketSummary.self, data, decoder, path, "a 'snnc prune --json' summary"))
        }
        if keys.isSuperset(of: ["images", "events"]) {
            return .calibration(file: path, calibration: try CalibrationFile.read(path).0)
        }
        if keys.isSuperset(of: ["spikes", "synaptic_events", "images"]) {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return .simulation(file: path, record: try decode(SimulationRecord.self, data, decoder, path, "'snnc simulate --json' output"))
        }
        let shown = keys.sorted().prefix(8).joined(separator: ", ")
        throw Diagnostic(
            message: "a JSON file snnc report does not recognise (keys: \(shown)\(keys.count > 8 ? ", …" : ""))", location: path,
            hint: "snnc report reads \(kinds)")
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ decoder: JSONDecoder, _ path: String, _ what: String) throws
        -> T
    {
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw Diagnostic(
                message: "looks like \(what) but cannot be read: \(DecodingProblem.describe(error, in: data))", location: path,
                hint: "write it again with this snnc version")
        }
    }

    private static func unit(_ kind: Budget.Key) -> String {
        switch kind {
        case .memory: "B"
        case .energy, .dynamicEnergy: "pJ"
        case .latency: "s"
        default: ""
        }
    }
}
