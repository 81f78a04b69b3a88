import SNNTickets

/// The fit of every level of a chip-aware search (`snnc prune --target … --budget …`): cores used
/// per target against sparsity, the cores each target has as reference lines, and per level and
/// target the compiler's estimates and why a level does not fit.
enum FitPlots {
    typealias Run = (file: String, summary: TicketSummary)

    /// One plot per run whose summary has fits.
    static func plots(_ runs: [Run]) -> [Plot] {
        runs.compactMap(plot)
    }

    static func plot(_ run: Run) -> Plot? {
        guard let fits = run.summary.fits, !fits.isEmpty else { return nil }
        let levels = run.summary.levels.filter { fits[String($0.level)] != nil }
        let targets = fits.values.first?.targets.map(\.target) ?? []
        var series: [Series] = []
        var references: [Reference] = []
        for (k, target) in targets.enumerated() {
            let points = levels.compactMap { info -> Point? in
                guard let fit = fits[String(info.level)]?.targets.first(where: { $0.target == target }), let cores = fit.coresNeeded
                else { return nil }
                return Point(x: info.weightSparsity, y: Double(cores))
            }
            series.append(Series(name: target, points: points, dashed: k >= Palette.colours.count))
            if let available = fits.values.first?.targets.first(where: { $0.target == target })?.coresAvailable {
                references.append(Reference(name: "\(target): \(available) cores", y: Double(available)))
            }
        }
        var rows: [[String]] = []
        for info in levels {
            for fit in fits[String(info.level)]?.targets ?? [] {
                rows.append([
                    String(info.level), fixed(info.weightSparsity, 2), fit.target,
                    fit.coresNeeded.map { "\($0) / \(fit.coresAvailable)" } ?? "–",
                    fit.memoryBytes.map { fixed(Double($0) / 1024, 1) } ?? "–",
                    fit.synapticOps.map(significant) ?? "–",
                    fit.energyPicojoules.map { significant($0 / 1e6) } ?? "–",
                    fit.latencySeconds.map { significant($0 * 1e3) } ?? "–",
                    fit.fits ? "yes" : "no: " + (fit.violations.first?.constraint ?? "?"),
                ])
            }
        }
        let name = "\(TicketGroup.stem(run.file)) seed \(run.summary.header.seed)"
        let activity = fits.values.first?.targets.first?.activity ?? "the compiler's assumption"
        return Plot(
            id: "tickets-fit-\(slug(name))", section: TicketPlots.section,
            title: "Cores each level needs on each target (\(name))",
            caption:
                "Every stored level compiled for each target of the search as snnc export would (activity: \(activity)); "
                + "a level that does not fit has the cores the compiler's cut needs (summed over populations before the core "
                + "count is checked), and one without cores did not compile. The table gives the estimates per inference and the first "
                + "constraint a level breaks; dashed lines are the cores each target has.",
            kind: .lines, x: Axis(label: "weight sparsity", unit: "%"), y: Axis(label: "cores needed", unit: "cores"),
            series: series, references: references,
            table: DataTable(
                columns: [
                    "level", "weight sparsity (%)", "target", "cores", "memory (KiB)", "SynOps", "energy (µJ)", "latency (ms)",
                    "fits",
                ], rows: rows))
    }
}
