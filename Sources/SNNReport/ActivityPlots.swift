import Foundation
import SNNIR

/// The plots of measured activity: spikes per layer per step (a calibration file or a
/// simulation), cycles per step of a simulation, and float vs integer agreement (`--compare`).
enum ActivityPlots {
    /// Mean events per image of every layer at each time step, from a calibration file.
    static func calibration(_ c: Calibration, file: String, index: Int) -> Plot {
        let layers = c.events.keys.sorted { a, b in a.compare(b, options: .numeric) == .orderedAscending }
        let rows = layers.flatMap { layer in
            (c.events[layer] ?? []).enumerated().map { t, v in [layer, String(t), significant(v)] }
        }
        return Plot(
            id: "calibration\(index)-spikes", section: "Calibration \(file) (\(c.images) images)",
            title: "Spikes per layer per time step (calibration)",
            caption: "Mean events per image of each layer at each time step, as snnc simulate --calibration-out measured them.",
            kind: .lines, x: Axis(label: "time step", unit: "t = 0 … T−1"), y: Axis(label: "events per image", unit: "events"),
            series: layers.enumerated().map { n, layer in
                Series(
                    name: layer, points: (c.events[layer] ?? []).enumerated().map { Point(x: Double($0.offset), y: $0.element) },
                    dashed: n >= Palette.colours.count)
            },
            table: DataTable(columns: ["layer", "time step", "events per image"], rows: rows))
    }

    /// The plots of one `simulate --json` output.
    static func simulation(_ r: SimulationRecord, file: String, index: Int) -> [Plot] {
        let accuracy = r.accuracy.map { ", accuracy \(fixed(100 * $0, 2))%" } ?? ""
        let section = "Simulation \(file) (\(r.file), \(r.images) images\(accuracy))"
        let id = "simulation\(index)"
        var plots = [
            Plot(
                id: "\(id)-spikes", section: section, title: "Spikes per layer per time step (simulation)",
                caption: "Mean spikes per image of each layer at each time step in the event-driven integer simulation.",
                kind: .lines, x: Axis(label: "time step", unit: "t = 0 … T−1"), y: Axis(label: "spikes per image", unit: "spikes"),
                series: r.spikes.enumerated().map { n, l in
                    Series(
                        name: l.name, points: l.eventsPerStep.enumerated().map { Point(x: Double($0.offset), y: $0.element) },
                        dashed: n >= Palette.colours.count)
                },
                table: DataTable(
                    columns: ["layer", "units", "spikes per image", "rate (per neuron per step)", "per step"],
                    rows: r.spikes.map { l in
                        [
                            l.name, String(l.units), significant(l.eventsPerImage), fixed(l.rate, 4),
                            l.eventsPerStep.map(significant).joined(separator: " "),
                        ]
                    }))
        ]
        if let cost = r.cost, !cost.cyclesPerStep.isEmpty {
            let total = cost.cyclesPerStep.reduce(0, +)
            plots.append(
                Plot(
                    id: "\(id)-cycles", section: section, title: "Cycles per time step on '\(cost.target)' (simulation)",
                    caption:
                        "Mean cycles of each time step per image in the simulator's cost model; one inference takes "
                        + "\(significant(cost.latencySeconds * 1e6)) µs.",
                    kind: .bars, x: Axis(label: "time step", unit: "", categories: cost.cyclesPerStep.indices.map { "t = \($0)" }),
                    y: Axis(label: "cycles per step", unit: "cycles"),
                    series: [
                        Series(name: "cycles", points: cost.cyclesPerStep.enumerated().map { Point(x: Double($0.offset), y: $0.element) })
                    ],
                    table: DataTable(
                        columns: ["time step", "cycles"],
                        rows: cost.cyclesPerStep.enumerated().map { [String($0.offset), significant($0.element)] } + [
                            ["total", significant(total)]
                        ])))
        }
        if let comparison = r.comparison { plots += compare(comparison, section: section, id: id) }
        return plots
    }

    /// Float vs integer firing rate, and the spike agreement figures, per LIF layer.
    static func compare(_ c: SimulationRecord.Comparison, section: String, id: String) -> [Plot] {
        let result = c.result
        let names = result.layers.map(\.name)
        func points(_ value: (SimulationRecord.LayerAgreement) -> Double) -> [Point] {
            result.layers.enumerated().map { Point(x: Double($0.offset), y: value($0.element)) }
        }
        var accuracy = "same prediction on \(fixed(100 * result.predictionAgreement, 2))% of \(result.images) images"
        if let f = result.floatAccuracy, let i = result.integerAccuracy {
            accuracy = "accuracy float \(fixed(100 * f, 2))%, integer \(fixed(100 * i, 2))%; " + accuracy
        }
        let level = c.level.map { " level \($0)" } ?? ""
        let rows = result.layers.map { l in
            [
                l.name, String(l.units), fixed(l.floatRate, 4), fixed(l.integerRate, 4), fixed(l.agreement, 4), fixed(l.jaccard, 3),
                fixed(l.precision, 3), fixed(l.recall, 3), l.flags.joined(separator: ", "),
            ]
        }
        let table = DataTable(
            columns: ["layer", "units", "float rate", "int rate", "agreement", "jaccard", "precision", "recall", "flags"], rows: rows)
        return [
            Plot(
                id: "\(id)-rates", section: section, title: "Float vs integer firing rate per layer (--compare)",
                caption: "Spikes per neuron per step of the float model (\(c.model)\(level)) and of its integer export; \(accuracy).",
                kind: .bars, x: Axis(label: "LIF layer", unit: "", categories: names),
                y: Axis(label: "firing rate", unit: "spikes / neuron / step"),
                series: [Series(name: "float", points: points(\.floatRate)), Series(name: "integer", points: points(\.integerRate))],
                table: table),
            Plot(
                id: "\(id)-agreement", section: section, title: "Float vs integer spike agreement per layer (--compare)",
                caption:
                    "Agreement: fraction of (neuron, image, step) where both spike or both stay silent; Jaccard: spikes in both "
                    + "over spikes in either; precision and recall of the integer spikes against the float ones.",
                kind: .lines, x: Axis(label: "LIF layer", unit: "", categories: names), y: Axis(label: "fraction", unit: "0–1"),
                series: [
                    Series(name: "agreement", points: points(\.agreement)), Series(name: "jaccard", points: points(\.jaccard)),
                    Series(name: "precision", points: points(\.precision), dashed: true),
                    Series(name: "recall", points: points(\.recall), dashed: true),
                ],
                table: table),
        ]
    }
}
