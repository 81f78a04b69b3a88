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
        return String(decoding: try encoder.encode(file.summary), as: UTF8.self)
    }

    /// The text summary, one entry per line.
    func text() -> [String] {
        let levels = "\(Units.counted(file.levels.count, "level"))"
        var lines = ["\(file.path): \(file.header.method.rawValue), \(levels)\(file.isComplete ? "" : " (incomplete)")"]
        if let probe = file.results.earlyTime {
            let divergences = zip(probe.candidates, probe.normalized).map { String(format: "%d:%.3f", $0.0, $0.1) }
            lines.append("early-time: T_early = \(probe.chosen), normalised KL \(divergences.joined(separator: " "))")
        }
        let targets = file.header.search.fit?.targets.count ?? 0
        let validated = file.levels.contains { $0.validationAccuracy != nil }
        var columns: [TextTable.Column] = [
            .init("level"), .init("label", .left), .init("kept"), .init("sparsity"), .init("weights"),
            .init("T"), .init("test"),
        ]
        if validated { columns.append(.init("validation")) }
        columns += [.init("spikes/img"), .init("search MAC"), .init("train MAC"), .init("time")]
        if targets > 0 {
            columns += [.init("target", .left), .init("cores"), .init("memory"), .init("SynOps"), .init("energy"), .init("latency")]
            columns.append(.init("fit", .left))
        }
        var table = TextTable(columns)
        let bestFit = validated ? file.summary.bestFitByTarget ?? [:] : [:]
        for info in file.levels {
            var row = [
                String(info.level), info.label, String(info.sparsity.kept), String(format: "%.2f%%", info.paperSparsity),
                String(format: "%.2f%%", info.weightSparsity), String(info.timeSteps),
                String(format: "%.2f%%", 100 * info.testAccuracy),
            ]
            if validated { row.append(info.validationAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "-") }
            row += [
                String(format: "%.1f", info.spikesPerImage), formatWork(info.searchCost.work), formatWork(info.trainCost.work),
                formatDuration(info.totalCost.seconds),
            ]
            guard targets > 0 else {
                table.append(row)
                continue
            }
            // One row per target; the level's columns on its first.
            let fits = file.fits[info.level]?.targets ?? []
            for (i, fit) in fits.enumerated() {
                var columns = Self.fitColumns(fit)
                if bestFit[fit.target] == info.level { columns[columns.count - 1] += " ← best-fit" }
                table.append((i == 0 ? row : row.map { _ in "" }) + columns)
            }
            if fits.isEmpty { table.append(row + ["-", "", "", "", "", "", "not checked"]) }
        }
        let notes = bestFit.sorted { $0.key < $1.key }.map { target, level in
            "best-fit for \(target): level \(level) (the highest validation accuracy of the levels that fit; "
                + "'snnc export --level best-fit --target \(target)')"
        }
        return lines + table.rendered() + notes
    }

    /// Target, cores, memory, SynOps, energy, latency and the fit of one target.
    static func fitColumns(_ t: TargetFit) -> [String] {
        let verdict = t.fits ? "yes" : "no: " + (t.violations.first.map { $0.constraint } ?? "")
        return [
            t.target, t.coresNeeded.map { "\($0)/\(t.coresAvailable)" } ?? "-", t.memoryBytes.map { Units.bytes(Double($0)) } ?? "-",
            t.synapticOps.map { Units.count($0) } ?? "-", t.energyPicojoules.map { Units.energy(picojoules: $0) } ?? "-",
            t.latencySeconds.map { Units.time(seconds: $0) } ?? "-", verdict,
        ]
    }
}

/// `1.23e12` style.
func formatWork(_ work: Int) -> String { work == 0 ? "0" : String(format: "%.3g", Double(work)) }
