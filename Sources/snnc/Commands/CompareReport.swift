import Foundation
import SNNCompare
import SNNReport

/// The `--compare` part of `snnc simulate`'s report: which float model, and the comparison.
struct CompareReport: Encodable {
    /// The float model's file as given.
    var model: String
    /// The ticket-file level compared (nil for a checkpoint).
    var level: Int?
    /// SHA-256 of the model's file, equal to the one the deployment recorded.
    var sha256: String
    /// The figures and flags.
    var result: ComparisonSummary

    init(source: ComparisonSource, result: ComparisonSummary) {
        model = source.path
        level = source.level
        sha256 = source.sha256
        self.result = result
    }

    /// The text rendering: a heading, both accuracies, one row per LIF layer, the flags.
    func text() -> [String] {
        let levelText = level.map { "level \($0), " } ?? ""
        var lines = ["float model \(model) (\(levelText)SHA-256 matches the export's provenance) on the same \(result.images) images:"]
        var accuracy = ""
        if let f = result.floatAccuracy, let i = result.integerAccuracy, let fc = result.floatCorrect, let ic = result.integerCorrect {
            accuracy = String(
                format: "accuracy: float %.2f%% (%d/%d), integer %.2f%% (%d/%d); ",
                100 * f, fc, result.images, 100 * i, ic, result.images)
        }
        lines.append(accuracy + String(format: "same prediction on %.2f%% of images", 100 * result.predictionAgreement))
        var table = TextTable([
            .init("layer", .left), .init("units"), .init("float rate"), .init("int rate"), .init("agreement"),
            .init("jaccard"), .init("precision"), .init("recall"), .init("flags", .left),
        ])
        table.appendRule()
        for l in result.layers {
            table.append([
                l.name, String(l.units), Self.rate(l.floatRate), Self.rate(l.integerRate), String(format: "%.4f", l.agreement),
                String(format: "%.3f", l.jaccard), String(format: "%.3f", l.precision), String(format: "%.3f", l.recall),
                l.flags.map(\.rawValue).joined(separator: ", "),
            ])
        }
        // A layer without flags would end in the separator.
        lines += table.rendered().map { String($0.reversed().drop { $0 == " " }.reversed()) }
        let t = result.thresholds
        func g(_ x: Double) -> String { String(format: "%g", x) }
        let rule =
            "silent: int rate < \(g(t.silentFraction)) × float rate (float ≥ \(g(t.minimumFloatRate))); saturated: "
            + "int rate ≥ \(g(t.saturationRate)), or ≥ \(g(t.excessRate)) and ≥ \(g(t.excessFactor)) × float rate"
        let flagged = result.flagged
        lines.append(flagged.isEmpty ? "flags: none (\(rule))" : "flags: \(Self.describe(flagged)) (\(rule))")
        return lines
    }

    /// `lif3 silent (float rate 0.0412, int rate 0)` for each layer, joined by "; ".
    static func describe(_ layers: [ComparisonSummary.Layer]) -> String {
        layers.map { l in
            "\(l.name) \(l.flags.map(\.rawValue).joined(separator: "+")) (float rate \(rate(l.floatRate)), "
                + "int rate \(rate(l.integerRate)))"
        }.joined(separator: "; ")
    }

    private static func rate(_ r: Double) -> String { r == 0 ? "0" : String(format: "%.4f", r) }
}
