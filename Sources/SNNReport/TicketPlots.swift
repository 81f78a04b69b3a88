import Foundation
import SNNTickets

/// The plots of the ticket searches: accuracy against sparsity (the paper's Fig. 5), search cost
/// against accuracy, layer-wise density (Fig. 6c) and spikes per layer per level (Fig. 10); the
/// early-time gains (`EarlyTimePlot`), the one-shot T_pre → T_post study (`OneShotPlot`, Fig. 3)
/// and what happened inside the searches (`SearchDetailPlots`).
enum TicketPlots {
    static let section = "Ticket search"

    static func plots(_ runs: [(file: String, summary: TicketSummary)]) -> [Plot] {
        // A one-shot T_pre × T_post study is one plot of its own, not a method line per pair.
        let oneShot = OneShotPlot.plot(runs)
        let methodRuns = oneShot == nil ? runs : runs.filter { OneShotPlot.timeSteps($0) == nil }
        let groups = TicketGroup.grouping(methodRuns)
        guard !groups.isEmpty else { return oneShot.map { [$0] } ?? [] }
        var plots = [accuracy(groups), cost(groups, wallTime: false), cost(groups, wallTime: true)]
        if let plot = EarlyTimePlot.plot(groups) { plots.append(plot) }
        if let oneShot { plots.append(oneShot) }
        plots.append(density(groups))
        let iterative = groups.filter { $0.ticketLevels.count >= 3 }
        for group in iterative.isEmpty ? [groups[0]] : iterative {
            if let plot = spikes(group) { plots.append(plot) }
        }
        return plots + SearchDetailPlots.plots(runs, groups: groups)
    }

    /// Test accuracy (%) against the sparsity of the prunable weights (%), mean ± sd over seeds.
    static func accuracy(_ groups: [TicketGroup]) -> Plot {
        var series: [Series] = []
        var rows: [[String]] = []
        for group in groups {
            var points: [Point] = []
            for (level, infos) in group.ticketLevels {
                let x = MeanSD(infos.map(\.weightSparsity))
                let y = MeanSD(infos.map { 100 * $0.testAccuracy })
                points.append(Point(x: x.mean, y: y.mean, low: y.sd.map { y.mean - $0 }, high: y.sd.map { y.mean + $0 }))
                rows.append([group.name, String(level), infos[0].label, fixed(x.mean, 2), y.text(), String(y.count)])
            }
            series.append(Series(name: group.name, points: points, dashed: series.count >= Palette.colours.count))
        }
        let dense = groups.flatMap { $0.runs }.flatMap { run in
            run.summary.levels.filter { TicketGroup.isDense($0) && $0.timeSteps == run.summary.header.spec.timeSteps }
        }
        var references: [Reference] = []
        var caption =
            "Each point is one level trained at the model's full T (mean over seeds; the band is ± one standard deviation "
            + "where there are two seeds or more). Sparsity = pruned / prunable conv and linear weights."
        if !dense.isEmpty {
            let d = MeanSD(dense.map { 100 * $0.testAccuracy })
            references.append(Reference(name: "dense \(d.text())%", y: d.mean))
            rows.append(["dense", "0", "dense", "0.00", d.text(), String(d.count)])
            caption += " The dashed line is the dense network (level 0)."
        }
        return Plot(
            id: "tickets-accuracy", section: section, title: "Test accuracy vs sparsity per method", caption: caption,
            kind: .lines, x: Axis(label: "weight sparsity", unit: "%"), y: Axis(label: "test accuracy", unit: "%"),
            series: series, references: references,
            table: DataTable(
                columns: ["method", "level", "label", "weight sparsity (%)", "test accuracy (%)", "seeds"], rows: rows))
    }

    /// Accuracy reached against the work (TMAC) or wall time (min) spent to find and train the ticket.
    static func cost(_ groups: [TicketGroup], wallTime: Bool) -> Plot {
        var series: [Series] = []
        var rows: [[String]] = []
        for group in groups {
            var points: [Point] = []
            for (level, infos) in group.ticketLevels {
                let work = MeanSD(infos.map { Double($0.totalCost.work) / 1e12 })
                let minutes = MeanSD(infos.map { $0.totalCost.seconds / 60 })
                let y = MeanSD(infos.map { 100 * $0.testAccuracy })
                points.append(Point(x: wallTime ? minutes.mean : work.mean, y: y.mean))
                let paper = MeanSD(infos.map { Double(EarlyTimePlot.paperCost(group.method, $0).work) / 1e12 })
                let search = MeanSD(infos.map { Double($0.searchCost.work) / 1e12 })
                rows.append([
                    group.name, String(level), fixed(MeanSD(infos.map(\.weightSparsity)).mean, 2), significant(search.mean),
                    significant(work.mean), fixed(minutes.mean, 1), significant(paper.mean), y.text(),
                ])
            }
            series.append(Series(name: group.name, points: points, dashed: series.count >= Palette.colours.count))
        }
        let caption =
            wallTime
            ? "Wall-clock time of the search up to the level plus the training of its ticket (mean over seeds; "
                + "machines and binaries differ between runs, so compare with care)."
            : "Deterministic work of the search up to the level plus the training of its ticket: dense multiply–"
                + "accumulates, forward and backward, 1 TMAC = 10¹² MAC (mean over seeds). 'Table 1 cost' counts early-bird "
                + "methods' search phase only, as the paper's Table 1 seems to."
        return Plot(
            id: wallTime ? "tickets-cost-time" : "tickets-cost-work", section: section,
            title: wallTime ? "Search time vs accuracy per method" : "Search work vs accuracy per method", caption: caption,
            kind: .lines,
            x: wallTime ? Axis(label: "search + training time", unit: "min") : Axis(label: "search + training work", unit: "TMAC"),
            y: Axis(label: "test accuracy", unit: "%"), series: series,
            table: DataTable(
                columns: [
                    "method", "level", "weight sparsity (%)", "search (TMAC)", "search + training (TMAC)", "time (min)",
                    "Table 1 cost (TMAC)", "test accuracy (%)",
                ], rows: rows))
    }

    /// Kept fraction of each prunable layer, for each method at the level closest to the highest
    /// sparsity every method reached (the sparsest level when there is one method).
    static func density(_ groups: [TicketGroup]) -> Plot {
        func sparsity(_ infos: [LevelInfo]) -> Double { MeanSD(infos.map(\.weightSparsity)).mean }
        let common = groups.compactMap { $0.ticketLevels.last.map { sparsity($0.infos) } }.min()
        var layers: [String] = []
        var chosen: [(name: String, infos: [LevelInfo])] = []
        for group in groups {
            let candidates = group.ticketLevels.isEmpty ? group.fullTLevels : group.ticketLevels
            let closest = common.flatMap { target in
                candidates.min { abs(sparsity($0.infos) - target) < abs(sparsity($1.infos) - target) }
            }
            guard let last = closest ?? candidates.last else { continue }
            for layer in last.infos[0].layers where !layers.contains(layer.name) { layers.append(layer.name) }
            let sparsity = MeanSD(last.infos.map(\.weightSparsity)).mean
            chosen.append((name: "\(group.name) (\(fixed(sparsity, 2))%)", infos: last.infos))
        }
        var series: [Series] = []
        var rows: [[String]] = []
        for (name, infos) in chosen {
            var points: [Point] = []
            for (i, layer) in layers.enumerated() {
                let values = infos.compactMap { info in info.layers.first { $0.name == layer } }
                guard !values.isEmpty else { continue }
                let d = MeanSD(values.map { 100 * $0.density })
                points.append(Point(x: Double(i), y: d.mean))
                rows.append([name, layer, String(values[0].kept), String(values[0].count), d.text()])
            }
            series.append(Series(name: name, points: points))
        }
        return Plot(
            id: "tickets-density", section: section, title: "Layer-wise density of each method's ticket at a common sparsity",
            caption:
                "Kept weights of each prunable layer, in percent, for each method's level (trained at full T) closest to the "
                + "highest sparsity all methods reached; the legend gives each level's sparsity (mean over seeds; kept and of: "
                + "the first seed).",
            kind: .bars, x: Axis(label: "layer", unit: "", categories: layers.map(Self.shortName)),
            y: Axis(label: "kept weights", unit: "%"), series: series,
            table: DataTable(columns: ["method (sparsity)", "layer", "kept", "of", "density (%)"], rows: rows))
    }

    /// Spikes per test image of every LIF layer against the level's sparsity.
    static func spikes(_ group: TicketGroup) -> Plot? {
        let levels = group.fullTLevels
        guard let first = levels.first?.infos.first, !first.spikes.isEmpty else { return nil }
        let nodes = first.spikes.map(\.node)
        var series: [Series] = []
        var rows: [[String]] = []
        for (n, node) in nodes.enumerated() {
            var points: [Point] = []
            for (_, infos) in levels {
                let values = infos.compactMap { $0.spikes.first { $0.node == node }?.spikes }
                guard !values.isEmpty else { continue }
                points.append(Point(x: MeanSD(infos.map(\.weightSparsity)).mean, y: MeanSD(values).mean))
            }
            series.append(Series(name: node, points: points, dashed: n >= Palette.colours.count))
        }
        for (level, infos) in levels {
            let sparsity = MeanSD(infos.map(\.weightSparsity)).mean
            for node in nodes {
                let values = infos.compactMap { $0.spikes.first { $0.node == node } }
                guard let neurons = values.first?.neurons else { continue }
                rows.append([String(level), fixed(sparsity, 2), node, String(neurons), MeanSD(values.map(\.spikes)).text(1)])
            }
            rows.append([String(level), fixed(sparsity, 2), "all", "", MeanSD(infos.map(\.spikesPerImage)).text(1)])
        }
        return Plot(
            id: "tickets-spikes-\(slug(group.name))", section: section,
            title: "Spikes per layer per level (\(group.name))",
            caption:
                "Spikes of each LIF layer per test image, summed over neurons and time steps, for every level trained at "
                + "full T (mean over seeds), against the level's weight sparsity.",
            kind: .lines, x: Axis(label: "weight sparsity", unit: "%"), y: Axis(label: "spikes per image", unit: "spikes"),
            series: series,
            table: DataTable(columns: ["level", "weight sparsity (%)", "layer", "neurons", "spikes per image"], rows: rows))
    }

    /// `conv3.weight` → `conv3`.
    static func shortName(_ name: String) -> String {
        name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
    }
}

/// A name made safe for an HTML id.
func slug(_ text: String) -> String {
    String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
}
