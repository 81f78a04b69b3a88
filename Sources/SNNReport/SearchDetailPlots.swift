import Foundation
import SNNTickets

/// The plots of what happened inside the searches: early-bird detections (Fig. 7a), the
/// early-time probes, the training time of IMP rounds (Fig. 10) and transferred tickets (Fig. 8).
enum SearchDetailPlots {
    typealias Run = (file: String, summary: TicketSummary)

    static func plots(_ runs: [Run], groups: [TicketGroup]) -> [Plot] {
        var plots = [earlyBird(runs), probes(runs), transfer(runs)].compactMap { $0 } + FitPlots.plots(runs)
        for group in groups where group.ticketLevels.count >= 3 {
            if let plot = roundTimes(group) { plots.append(plot) }
        }
        return plots
    }

    /// `eb-c1 seed 0`.
    static func runName(_ run: Run) -> String { "\(TicketGroup.stem(run.file)) seed \(run.summary.header.seed)" }

    /// `68.30%` or `round 4`.
    static func targetName(_ target: DensityTarget) -> String {
        if let percent = target.sparsityPercent { return "\(fixed(percent, 2))%" }
        return "round \(target.rounds ?? 0)"
    }

    /// The epoch at which each early-bird search drew each target's mask.
    static func earlyBird(_ runs: [Run]) -> Plot? {
        let detected = runs.filter { run in run.summary.results.earlyBird.contains { $0.detection != nil } }
        guard !detected.isEmpty else { return nil }
        var targets: [String] = []
        for run in detected {
            for state in run.summary.results.earlyBird where !targets.contains(targetName(state.target)) {
                targets.append(targetName(state.target))
            }
        }
        var series: [Series] = []
        var rows: [[String]] = []
        for run in detected {
            var points: [Point] = []
            for state in run.summary.results.earlyBird {
                guard let d = state.detection, let x = targets.firstIndex(of: targetName(state.target)) else { continue }
                points.append(Point(x: Double(x), y: d.epoch))
                rows.append([
                    runName(run), targetName(state.target), fixed(d.epoch, 2), d.fired ? "yes" : "no (last mask)", String(d.checks),
                    significant(Double(d.cost.work) / 1e12),
                ])
            }
            series.append(Series(name: runName(run), points: points, dashed: series.count >= Palette.colours.count))
        }
        return Plot(
            id: "tickets-early-bird", section: TicketPlots.section, title: "Early-bird: when each ticket was drawn",
            caption:
                "The training epoch (fractional: checks within an epoch) at which the early-bird search drew each target's "
                + "mask; 'no' in the table means the window never settled and the last mask was taken.",
            kind: .bars, x: Axis(label: "target sparsity", unit: "", categories: targets), y: Axis(label: "drawn at", unit: "epoch"),
            series: series,
            table: DataTable(columns: ["run", "target", "epoch", "fired", "checks", "search work (TMAC)"], rows: rows))
    }

    /// The early-time probe of every run that has one: normalised divergence per candidate T.
    static func probes(_ runs: [Run]) -> Plot? {
        let probed = runs.compactMap { run in run.summary.results.earlyTime.map { (run: run, probe: $0) } }
        guard !probed.isEmpty else { return nil }
        let series = probed.enumerated().map { n, entry in
            Series(
                name: runName(entry.run), points: zip(entry.probe.candidates, entry.probe.normalized).map { Point(x: Double($0), y: $1) },
                dashed: n >= Palette.colours.count)
        }
        let rows = probed.map { entry in
            [
                runName(entry.run), String(entry.probe.afterEpochs),
                zip(entry.probe.candidates, entry.probe.normalized).map { "\($0): \(fixed($1, 3))" }.joined(separator: ", "),
                significant(entry.probe.lambda), String(entry.probe.chosen),
            ]
        }
        let lambdas = Set(probed.map(\.probe.lambda))
        return Plot(
            id: "tickets-early-time-probe", section: TicketPlots.section, title: "Early-time probe: divergence per candidate T",
            caption:
                "Normalised divergence between the network at each candidate T and at the full T after the first epochs; the "
                + "search continues at the first candidate below λ (T_early in the table).",
            kind: .lines, x: Axis(label: "candidate T", unit: "time steps"), y: Axis(label: "normalised divergence", unit: "0–1"),
            series: series,
            references: lambdas.count == 1 ? [Reference(name: "λ = \(significant(lambdas.first ?? 0))", y: lambdas.first ?? 0)] : [],
            table: DataTable(columns: ["run", "after epochs", "normalised divergence per T", "λ", "T_early"], rows: rows))
    }

    /// Training time and work of every round of an iterative search, per seed.
    static func roundTimes(_ group: TicketGroup) -> Plot? {
        var series: [Series] = []
        var rows: [[String]] = []
        for run in group.runs {
            let t = run.summary.header.spec.timeSteps
            let levels = run.summary.levels.filter { $0.timeSteps == t }
            guard !levels.isEmpty else { continue }
            series.append(
                Series(
                    name: runName(run), points: levels.map { Point(x: $0.weightSparsity, y: $0.trainCost.seconds / 60) },
                    dashed: series.count >= Palette.colours.count))
            rows += levels.map { info in
                [
                    runName(run), String(info.level), fixed(info.weightSparsity, 2), fixed(info.trainCost.seconds / 60, 2),
                    significant(Double(info.trainCost.work) / 1e12), String(info.trainEpochs), fixed(info.spikesPerImage, 1),
                ]
            }
        }
        guard !series.isEmpty else { return nil }
        return Plot(
            id: "tickets-round-time-\(slug(group.name))", section: TicketPlots.section,
            title: "Training time of each level vs sparsity (\(group.name))",
            caption:
                "Wall time of each level's training (its epochs at the full T, test evaluation excluded), one line per seed: "
                + "runs may use different machines and binaries, so times are not averaged. Work (table) is the same dense "
                + "count every round; snnc's sparse kernels make pruned rounds faster.",
            kind: .lines, x: Axis(label: "weight sparsity", unit: "%"), y: Axis(label: "training time", unit: "min"),
            series: series,
            table: DataTable(
                columns: ["run", "level", "weight sparsity (%)", "time (min)", "work (TMAC)", "epochs", "spikes per image"], rows: rows))
    }

    /// Transferred tickets (Fig. 8): the ANN's accuracy with the mask, the SNN trained on it, and
    /// the SNN's own IMP ticket of the same round and seed when given.
    static func transfer(_ runs: [Run]) -> Plot? {
        let transfers = runs.filter { $0.summary.header.method == .transfer }
        guard !transfers.isEmpty else { return nil }
        var categories: [String] = []
        var ann: [Point] = []
        var snn: [Point] = []
        var imp: [Point] = []
        var rows: [[String]] = []
        for run in transfers {
            let own = runs.first { $0.summary.header.method == .imp && $0.summary.header.seed == run.summary.header.seed }
            for info in run.summary.levels {
                let x = Double(categories.count)
                categories.append("seed \(run.summary.header.seed), \(info.label) (\(fixed(info.weightSparsity, 2))%)")
                if let a = info.annAccuracy { ann.append(Point(x: x, y: 100 * a)) }
                snn.append(Point(x: x, y: 100 * info.testAccuracy))
                let match = own?.summary.levels.first { $0.round != nil && $0.round == info.round }
                if let m = match { imp.append(Point(x: x, y: 100 * m.testAccuracy)) }
                rows.append([
                    String(run.summary.header.seed), info.label, fixed(info.weightSparsity, 2),
                    info.annAccuracy.map { fixed(100 * $0, 2) } ?? "–", fixed(100 * info.testAccuracy, 2),
                    match.map { fixed(100 * $0.testAccuracy, 2) } ?? "–",
                ])
            }
        }
        return Plot(
            id: "tickets-transfer", section: TicketPlots.section, title: "Transferred tickets: ANN mask trained as an SNN",
            caption:
                "Test accuracy of the ANN with its IMP mask, of the SNN trained on that mask, and of the SNN's own IMP ticket at "
                + "the same round and seed (when that search is among the inputs).",
            kind: .bars, x: Axis(label: "ticket", unit: "", categories: categories), y: Axis(label: "test accuracy", unit: "%"),
            series: [
                Series(name: "ANN IMP", points: ann), Series(name: "transferred to the SNN", points: snn),
                Series(name: "SNN IMP", points: imp),
            ],
            table: DataTable(
                columns: ["seed", "level", "weight sparsity (%)", "ANN IMP (%)", "transferred SNN (%)", "SNN IMP (%)"], rows: rows))
    }
}
