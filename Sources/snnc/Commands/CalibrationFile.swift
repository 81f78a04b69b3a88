import Foundation
import SNNIR
import SNNStore

/// The calibration JSON that `snnc simulate --calibration-out` writes and `snnc export
/// --calibration` reads:
///
///     {"images": N,
///      "events": {"<layer>": [mean events per image at each step], …},
///      "unit_events": {"<layer>": [mean events per image of each unit, C-order], …}}
///
/// `unit_events` is optional (files without it give estimates from each layer's mean fan-out).
enum CalibrationFile {
    private struct Contents: Codable {
        var images: Int
        var events: [String: [Double]]
        var unitEvents: [String: [Double]]?

        enum CodingKeys: String, CodingKey {
            case images, events
            case unitEvents = "unit_events"
        }
    }

    /// Writes `calibration` atomically (`AtomicFile`: a temporary file, fsync'ed and renamed into place).
    static func write(_ calibration: Calibration, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let contents = Contents(
            images: calibration.images, events: calibration.events,
            unitEvents: calibration.unitEvents.isEmpty ? nil : calibration.unitEvents)
        do {
            try AtomicFile.write(try encoder.encode(contents), to: path)
        } catch let error as FileWriteError {
            throw Diagnostic(message: "cannot write the calibration file: \(error.reason)", location: path, hint: error.hint)
        }
    }

    /// Reads a calibration file.
    static func read(_ path: String) throws -> Calibration {
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
            return Calibration(images: contents.images, events: contents.events, unitEvents: contents.unitEvents ?? [:])
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw Diagnostic(
                message: "the calibration file is not valid: \(error)", location: path,
                hint:
                    "write it with 'snnc simulate --calibration-out', or by hand as {\"images\": N, \"events\": {\"<lif layer>\": "
                    + "[mean spikes per image at each step], …}}"
            )
        }
    }
}
