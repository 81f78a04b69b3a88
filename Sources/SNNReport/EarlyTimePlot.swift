import Foundation
import SNNTickets

/// Table 1's Δ rows as a plot: how much less work and time an early-time search (IMP+ET, EB+ET)
/// takes than its full-T counterpart for the same ticket, and the accuracy it gives up.
enum EarlyTimePlot {
    /// The cost the paper's search time seems to count: early-bird methods the search phase up
    /// to the drawn mask, the others the whole chain including the training of the ticket.
    static func paperCost(_ method: TicketMethod, _ info: LevelInfo) -> CostTotals {
        method == .eb || method == .ebET ? info.searchCost : info.totalCost
    }

    /// Nil when no pair (imp and imp+et, eb and eb+et) has levels in common.
    static func plot(_ groups: [TicketGroup]) -> Plot? {
        var categories: [String] = []
        var work: [Point] = []
        var time: [Point] = []
        var rows: [[String]] = []
        for (base, early) in [(TicketMethod.imp, TicketMethod.impET), (.eb, .ebET)] {
            guard let a = groups.first(where: { $0.name == base.rawValue }), let b = groups.first(where: { $0.name == early.rawValue })
            else { continue }
            for (_, earlyInfos) in b.ticketLevels {
                let key = earlyInfos[0].round ?? earlyInfos[0].level
                guard let baseInfos = a.ticketLevels.first(where: { ($0.infos[0].round ?? $0.infos[0].level) == key })?.infos
                else { continue }
                let workGain =
                    MeanSD(baseInfos.map { Double(paperCost(base, $0).work) }).mean
                    / max(MeanSD(earlyInfos.map { Double(paperCost(early, $0).work) }).mean, 1)
                let timeGain =
                    MeanSD(baseInfos.map { paperCost(base, $0).seconds }).mean
                    / max(MeanSD(earlyInfos.map { paperCost(early, $0).seconds }).mean, .leastNonzeroMagnitude)
                let delta = MeanSD(earlyInfos.map { 100 * $0.testAccuracy }).mean - MeanSD(baseInfos.map { 100 * $0.testAccuracy }).mean
                let sparsity = MeanSD(earlyInfos.map(\.weightSparsity)).mean
                let x = Double(categories.count)
                categories.append("\(early.rawValue) vs \(base.rawValue), \(fixed(sparsity, 2))%")
                work.append(Point(x: x, y: workGain))
                time.append(Point(x: x, y: timeGain))
                rows.append([
                    early.rawValue, base.rawValue, earlyInfos[0].label, fixed(sparsity, 2), String(format: "%+.2f", delta),
                    fixed(workGain, 2), fixed(timeGain, 2), "\(earlyInfos.count) / \(baseInfos.count)",
                ])
            }
        }
        guard !categories.isEmpty else { return nil }
        return Plot(
            id: "tickets-early-time", section: TicketPlots.section, title: "Early-time tickets: search speed-up per ticket",
            caption:
                "Cost of the full-T search over the cost of the early-time search for the same ticket (> 1: early time is "
                + "cheaper), in deterministic work and in wall time, counted as the paper's Table 1 seems to: IMP-like methods "
                + "every round up to and including the ticket's training, early-bird the search phase up to the drawn mask "
                + "(means over seeds). Δ accuracy (table) = early-time minus full-T test accuracy.",
            kind: .bars, x: Axis(label: "pair and weight sparsity", unit: "", categories: categories),
            y: Axis(label: "speed-up", unit: "×"),
            series: [Series(name: "work gain", points: work), Series(name: "time gain", points: time)],
            references: [Reference(name: "no gain (1×)", y: 1)],
            table: DataTable(
                columns: [
                    "early time", "full T", "level", "weight sparsity (%)", "Δ accuracy (points)", "work gain (×)", "time gain (×)",
                    "seeds",
                ], rows: rows))
    }
}
