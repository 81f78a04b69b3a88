import Foundation
import SNNReport
import SNNTickets

/// What `snnc prune` prints about a ticket file when the search ends (or on `--resume` of a
/// finished file): a heading, the early-time probe and one table row per level, or all of it as JSON.
struct PruneSummary {
    var file: TicketFile

    /// The summary as pretty-printed JSON (`--json`).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let summary = TicketSummary(
            file: file.path, complete: file.isComplete, header: file.header, levels: file.levels,
            results: file.results, defaultLevel: file.defaultLevel)
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// The text summary, one entry per line.
    func text() -> [String] {
        let levels = "\(file.levels.count) level\(file.levels.count == 1 ? "" : "s")"
        var lines = ["\(file.path): \(file.header.method.rawValue), \(levels)\(file.isComplete ? "" : " (incomplete)")"]
        if let probe = file.results.earlyTime {
            let divergences = zip(probe.candidates, probe.normalized).map { String(format: "%d:%.3f", $0.0, $0.1) }
            lines.append("early-time: T_early = \(probe.chosen), normalised KL \(divergences.joined(separator: " "))")
        }
        var table = TextTable([
            .init("level"), .init("label", .left), .init("kept"), .init("sparsity"), .init("weights"),
            .init("T"), .init("test"), .init("spikes/img"), .init("search MAC"), .init("train MAC"),
            .init("time"),
        ])
        for info in file.levels {
            table.append([
                String(info.level), info.label, String(info.sparsity.kept), String(format: "%.2f%%", info.paperSparsity),
                String(format: "%.2f%%", info.weightSparsity), String(info.timeSteps),
                String(format: "%.2f%%", 100 * info.testAccuracy), String(format: "%.1f", info.spikesPerImage),
                formatWork(info.searchCost.work), formatWork(info.trainCost.work), formatDuration(info.totalCost.seconds),
            ])
        }
        return lines + table.rendered()
    }
}

/// `1.23e12` style.
func formatWork(_ work: Int) -> String { work == 0 ? "0" : String(format: "%.3g", Double(work)) }
