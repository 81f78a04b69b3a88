import Foundation
import SNNIR
import SNNStore

/// The calibration JSON that `snnc simulate --calibration-out` writes and `snnc export
/// --calibration` reads:
///
///     {"images": N,
///      "events": {"<layer>": [mean events per image at each step], …},
///      "unit_events": {"<layer>": [mean events per image of each unit, C-order], …},
///      "source": {"file": "<model>", "sha256": "<hex>", "level": k, "target": "<profile>",
///                 "scale": "max-abs" | "percentile", "clip_percentile": p}}
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
        /// How its weights were scaled: `max-abs` or `percentile` (absent in files of older snnc,
        /// and when the deployment's recorded command is not an export).
        var scale: String?
        /// The percentile of `--clip-percentile` when `scale` is `percentile`.
        var clipPercentile: Double?

        enum CodingKeys: String, CodingKey {
            case file, sha256, level, target, scale
            case clipPercentile = "clip_percentile"
        }

        /// The source of a deployment with `provenance`: the model, level and target it records,
        /// and the weight scaling of its recorded command when that is an `snnc export`.
        init(provenance: Provenance) {
            file = provenance.sourceFile
            sha256 = provenance.sourceSHA256
            level = provenance.sourceLevel ?? ComparisonSource.level(inCommand: provenance.command)
            target = provenance.target
            let words = CommandLineText.words(provenance.command)
            if words.count > 1, words[1] == "export" {
                let clip = CommandLineText.options(in: words).last { $0.name == "--clip-percentile" }?.value
                setScale(clipPercentile: clip.flatMap { Double($0) })
            }
        }

        /// The weight scaling of an export with `--clip-percentile clip` (nil: none given).
        /// `--clip-percentile 100` is the largest magnitude, so it records as `max-abs`.
        mutating func setScale(clipPercentile clip: Double?) {
            let clipped = clip.flatMap { $0 < 100 ? $0 : nil }
            scale = clipped == nil ? "max-abs" : "percentile"
            clipPercentile = clipped
        }

        /// The scaling as an export option, for messages: `--clip-percentile 99.9` or `max-abs
        /// weight scales`; nil when not recorded.
        var scaleText: String? {
            guard let scale else { return nil }
            return scale == "percentile" ? "--clip-percentile \(clipPercentile.map { "\($0)" } ?? "?")" : "\(scale) weight scales"
        }
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
    /// the file every epoch, its finished levels unchanged) is accepted with a note, as are a
    /// calibration measured on another target's deployment or one exported with other weight
    /// scaling (`clipPercentile`: this export's `--clip-percentile`).
    static func check(
        _ source: Source?, at path: String, for input: String, sha256: String, level: Int?, target: String, clipPercentile: Double?
    ) throws {
        guard let source else { return }
        try checkModel(source, at: path, for: input, sha256: sha256, level: level)
        if let measuredOn = source.target, measuredOn != target {
            printError(
                "note: the calibration was measured on the '\(measuredOn)' deployment; '\(target)' quantises the model its own way, "
                    + "so its spike counts may differ a little (simulate the '\(target)' export to measure them)")
        }
        var here = source
        here.setScale(clipPercentile: clipPercentile)
        if let measuredWith = source.scaleText, let used = here.scaleText, measuredWith != used {
            printError(
                "note: the calibration was measured on a deployment exported with \(measuredWith), this export uses \(used): "
                    + "its spike counts may differ a little (simulate this export to measure them)")
        }
    }

    /// Refuses a calibration measured on another model or ticket level (see `check`).
    private static func checkModel(_ source: Source, at path: String, for input: String, sha256: String, level: Int?) throws {
        guard source.sha256 != sha256 || source.level != level else { return }
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
            let problem = DecodingProblem.describe(
                error, in: data, types: "\"images\" is a whole number, each \"events\" entry a list of numbers")
            throw Diagnostic(
                message: "the calibration file is not valid: \(problem)", location: path,
                hint:
                    "write it with 'snnc simulate --calibration-out', or by hand as {\"images\": N, \"events\": {\"<lif layer>\": "
                    + "[mean spikes per image at each step], …}}"
            )
        }
    }
}
