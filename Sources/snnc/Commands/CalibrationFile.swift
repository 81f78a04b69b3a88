import Foundation
import SNNIR
import SNNStore

/// The calibration JSON that `snnc simulate --calibration-out` writes and `snnc export
/// --calibration` reads:
///
///     {"images": N,
///      "events": {"<layer>": [mean events per image at each step], …},
///      "unit_events": {"<layer>": [mean events per image of each unit, C-order], …},
///      "source": {"file": "<model>", "sha256": "<hex>", "level": k, "target": "<profile>"}}
///
/// `unit_events` is optional (files without it give estimates from each layer's mean fan-out).
/// `source` (optional; `simulate` writes it from the deployment's provenance) names the model the
/// simulated deployment was compiled from, so that `export` applies the activity to that model
/// (and ticket level) only.
enum CalibrationFile {
    /// The model (and ticket-file level) whose deployment was simulated.
    struct Source: Codable, Equatable {
        var file: String
        var sha256: String
        var level: Int?
        /// The profile the simulated deployment was compiled for (absent in files of older snnc).
        var target: String?
    }

    private struct Contents: Codable {
        var images: Int
        var events: [String: [Double]]
        var unitEvents: [String: [Double]]?
        var source: Source?

        enum CodingKeys: String, CodingKey {
            case images, events, source
            case unitEvents = "unit_events"
        }
    }

    /// Writes `calibration`, measured on a deployment of `source`, atomically (`AtomicFile`: a
    /// temporary file, fsync'ed and renamed into place).
    static func write(_ calibration: Calibration, source: Source?, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let contents = Contents(
            images: calibration.images, events: calibration.events,
            unitEvents: calibration.unitEvents.isEmpty ? nil : calibration.unitEvents, source: source)
        do {
            try AtomicFile.write(try encoder.encode(contents), to: path)
        } catch let error as FileWriteError {
            throw Diagnostic(message: "cannot write the calibration file: \(error.reason)", location: path, hint: error.hint)
        }
    }

    /// Checks that a calibration read from `path` (`read(_:)`) was measured on the model `input`
    /// (SHA-256 `sha256`) at ticket level `level`: refused when it records another model or level.
    /// The same level of the same ticket file with other bytes (a search taken further rewrites
    /// the file every epoch, its finished levels unchanged) is accepted with a note.
    static func check(_ source: Source?, at path: String, for input: String, sha256: String, level: Int?, target: String) throws {
        if let measuredOn = source?.target, measuredOn != target {
            printError(
                "note: the calibration was measured on the '\(measuredOn)' deployment; '\(target)' quantises the model its own way, "
                    + "so its spike counts may differ a little (simulate the '\(target)' export to measure them)")
        }
        guard let source, source.sha256 != sha256 || source.level != level else { return }
        func sameFile(_ a: String, _ b: String) -> Bool {
            URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
        }
        if let level, source.level == level, sameFile(source.file, input) {
            printError(
                "note: '\(input)' has changed since the calibration was measured on its level \(level) (SHA-256 "
                    + "\(source.sha256.prefix(12))… then, \(sha256.prefix(12))… now): a search taken further rewrites the file; "
                    + "simulate the level again if its weights changed")
            return
        }
        let measured = source.level.map { "level \($0) of " } ?? ""
        let wanted = level.map { "level \($0) of " } ?? ""
        throw Diagnostic(
            message: "the calibration was measured on a deployment of \(measured)'\(source.file)' (SHA-256 "
                + "\(source.sha256.prefix(12))…), not of \(wanted)'\(input)' (\(sha256.prefix(12))…)",
            location: path, hint: "simulate a deployment of \(wanted)this model with --calibration-out and export with that file")
    }

    /// Reads a calibration file and the source it records.
    static func read(_ path: String) throws -> (Calibration, Source?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(message: "cannot read the calibration file", location: path, hint: "check the path")
        }
        do {
            let contents = try JSONDecoder().decode(Contents.self, from: data)
            let counts = contents.events.values.joined().map { $0 } + (contents.unitEvents ?? [:]).values.joined()
            guard contents.images >= 1, counts.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw Diagnostic(
                    message: "the calibration file needs \"images\" ≥ 1 and non-negative event counts",
                    location: path, hint: "write it with 'snnc simulate --calibration-out'")
            }
            return (
                Calibration(images: contents.images, events: contents.events, unitEvents: contents.unitEvents ?? [:]),
                contents.source
            )
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw Diagnostic(
                message: "the calibration file is not valid: \(describe(error, in: data))", location: path,
                hint:
                    "write it with 'snnc simulate --calibration-out', or by hand as {\"images\": N, \"events\": {\"<lif layer>\": "
                    + "[mean spikes per image at each step], …}}"
            )
        }
    }

    /// A JSON decoding error in a user's words: what is wrong, and where in the document `data`.
    private static func describe(_ error: Error, in data: Data) -> String {
        func at(_ path: [CodingKey]) -> String {
            guard !path.isEmpty else { return "the top level" }
            // Keys joined by dots, array indices in brackets (a key that reads as a number is still a key).
            let text = path.reduce("") { text, key in
                key.stringValue.hasPrefix("Index ") ? text + "[\(key.intValue ?? 0)]" : text + (text.isEmpty ? "" : ".") + key.stringValue
            }
            return "'\(text)'"
        }
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "\(at(context.codingPath)) has no key '\(key.stringValue)'"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let name = "\(type)"
            let kind =
                name.hasPrefix("Array")
                ? "a list"
                : name.hasPrefix("Dictionary")
                    ? "an object"
                    : type == Int.self
                        ? "a whole number" : type == Double.self ? "a number" : "a \(name)"
            return "\(at(context.codingPath)) is not \(kind)"
        case .dataCorrupted(let context):
            guard (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil else { return "not JSON" }
            // Valid JSON that does not decode (Foundation names no place, e.g. for 2.5 as an integer).
            return context.codingPath.isEmpty
                ? "a value has the wrong type (\"images\" is a whole number, each \"events\" entry a list of numbers)"
                : "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}
