import Foundation
import SNNTickets

/// The paper's Fig. 3: one-shot magnitude masks found by dense training at T_pre, retrained from
/// the initialisation at T_post (`snnc prune --method oneshot --search-timesteps T_pre`, the
/// model's T being T_post). Accuracy against T_pre, one line per T_post and mask sparsity.
enum OneShotPlot {
    typealias Run = (file: String, summary: TicketSummary)

    /// T_pre and T_post of a one-shot run; nil for other methods.
    static func timeSteps(_ run: Run) -> (pre: Int, post: Int)? {
        let header = run.summary.header
        guard header.method == .oneShot else { return nil }
        return (header.search.searchTimeSteps ?? header.spec.timeSteps, header.spec.timeSteps)
    }

    /// The one-shot runs this plot takes over from the per-method plots: all of them when they
    /// cover two or more (T_pre, T_post) pairs (each pair would otherwise be a method line of its
    /// own), none otherwise (a lone one-shot baseline stays a method of Fig. 5).
    static func takesOver(_ runs: [Run]) -> Bool {
        let pairs = Set(runs.compactMap { timeSteps($0).map { "\($0.pre)-\($0.post)" } })
        return pairs.count >= 2
    }

    /// Nil unless `takesOver(runs)`.
    static func plot(_ runs: [Run]) -> Plot? {
        guard takesOver(runs) else { return nil }
        // (T_post, level label) → T_pre → the retrained tickets; (T_pre, T_post) → the dense runs at T_pre.
        var tickets: [String: [Int: [LevelInfo]]] = [:]
        var lineKeys: [(post: Int, label: String, sparsity: Double)] = []
        var dense: [String: [LevelInfo]] = [:]
        var pres = Set<Int>()
        for run in runs {
            guard let (pre, post) = timeSteps(run) else { continue }
            pres.insert(pre)
            for info in run.summary.levels {
                if TicketGroup.isDense(info) {
                    if info.timeSteps == pre { dense["\(pre)|\(post)", default: []].append(info) }
                    continue
                }
                guard info.timeSteps == post else { continue }
                let key = "\(post)|\(info.label)"
                if tickets[key] == nil { lineKeys.append((post, info.label, info.weightSparsity)) }
                tickets[key, default: [:]][pre, default: []].append(info)
            }
        }
        lineKeys.sort { ($0.post, $0.sparsity) < ($1.post, $1.sparsity) }
        let preAxis = pres.sorted()
        var series: [Series] = []
        var rows: [[String]] = []
        for line in lineKeys {
            let byPre = tickets["\(line.post)|\(line.label)"] ?? [:]
            var points: [Point] = []
            for pre in preAxis {
                guard let infos = byPre[pre] else { continue }
                let y = MeanSD(infos.map { 100 * $0.testAccuracy })
                points.append(Point(x: Double(pre), y: y.mean, low: y.sd.map { y.mean - $0 }, high: y.sd.map { y.mean + $0 }))
                let denseText = dense["\(pre)|\(line.post)"].map { d in MeanSD(d.map { 100 * $0.testAccuracy }).text() } ?? "–"
                rows.append([
                    String(pre), String(line.post), line.label, fixed(MeanSD(infos.map(\.weightSparsity)).mean, 2), y.text(),
                    denseText, String(infos.count),
                ])
            }
            series.append(
                Series(name: "T_post = \(line.post), \(line.label)", points: points, dashed: series.count >= Palette.colours.count))
        }
        var references: [Reference] = []
        if let top = preAxis.last, let d = dense["\(top)|\(top)"] {
            let m = MeanSD(d.map { 100 * $0.testAccuracy })
            references.append(Reference(name: "dense at T = \(top): \(m.text())%", y: m.mean))
        }
        return Plot(
            id: "tickets-one-shot-time-steps", section: TicketPlots.section,
            title: "One-shot masks found at T_pre, retrained at T_post (Fig. 3)",
            caption:
                "Each point is a magnitude mask of the dense network trained at T_pre, retrained from the initialisation at "
                + "T_post (mean over seeds; the band is ± one standard deviation where there are two seeds or more). The table "
                + "also gives the dense network's accuracy at T_pre, the network the mask was taken from. The dashed line is the "
                + "dense network at the largest T_pre.",
            kind: .lines, x: Axis(label: "T_pre (time steps of the mask search)", unit: ""),
            y: Axis(label: "test accuracy", unit: "%"), series: series, references: references,
            table: DataTable(
                columns: ["T_pre", "T_post", "mask", "weight sparsity (%)", "test accuracy (%)", "dense at T_pre (%)", "seeds"],
                rows: rows))
    }
}
