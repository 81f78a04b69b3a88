import Foundation
import SNNCompiler
import SNNIR

/// The plots of one deployment file: per-layer memory, the core map, the energy breakdown,
/// cycles per step and the budgets, all from the estimates `snnc inspect` prints.
enum DeploymentPlots {
    static func plots(file: String, graph: Graph, profile: ChipProfile?, budgets: [BudgetLimit], index: Int) -> [Plot] {
        guard let e = graph.estimates else { return [] }
        let section = "Deployment \(file) ('\(graph.name)' for \(graph.target ?? "?"), T = \(graph.timeSteps))"
        let id = "deployment\(index)"
        var plots = [memory(e, section: section, id: id)]
        if let placement = graph.placement {
            plots.append(CorePlots.coreMap(placement, profile: profile, section: section, id: id))
        }
        plots.append(energy(e, section: section, id: id))
        plots.append(latency(e, section: section, id: id))
        let all = CorePlots.profileBudgets(e, graph: graph, profile: profile) + budgets
        if !all.isEmpty { plots.append(budgetPlot(all, section: section, id: id)) }
        return plots
    }

    /// CSR, dense and on-chip bytes of every synaptic layer.
    static func memory(_ e: Estimates, section: String, id: String) -> Plot {
        let names = e.layers.map(\.layer)
        func series(_ name: String, _ value: (LayerEstimate) -> Int) -> Series {
            Series(name: name, points: e.layers.enumerated().map { Point(x: Double($0.offset), y: Double(value($0.element)) / 1024) })
        }
        let rows = e.layers.map { r in
            [r.layer, r.kind, fixed(100 * r.density, 1), String(r.csrBytes), String(r.denseBytes), String(r.memoryBytes)]
        }
        let totals = ["total", "", "", String(e.csrBytes), String(e.denseBytes), String(e.memoryBytes)]
        return Plot(
            id: "\(id)-memory", section: section, title: "Weight memory per layer: compressed-sparse vs dense",
            caption:
                "Bytes of each synaptic layer's weights as compressed-sparse tables (CSR) and stored densely, and the synapse "
                + "memory it takes on the chip in the target's storage format (snnc inspect: CSR, dense, memory).",
            kind: .bars, x: Axis(label: "layer", unit: "", categories: names), y: Axis(label: "weight memory", unit: "KiB"),
            series: [series("CSR", \.csrBytes), series("dense", \.denseBytes), series("on chip", \.memoryBytes)],
            table: DataTable(
                columns: ["layer", "kind", "density (%)", "CSR (B)", "dense (B)", "on chip (B)"], rows: rows + [totals]))
    }

    /// Dynamic energy per inference of every layer by cause, static energy in the table.
    static func energy(_ e: Estimates, section: String, id: String) -> Plot {
        let names = e.layers.map(\.layer)
        let memoryAdded = e.layers.first?.energy.memoryIncluded ?? false
        var parts: [(String, (EnergyBreakdown) -> Double)] = [
            ("synaptic ops", \.synapticOps), ("neuron updates", \.neuronUpdates), ("routing", \.routing),
        ]
        if e.layers.contains(where: { $0.energy.inputMACs > 0 }) { parts.insert(("input-layer MACs", \.inputMACs), at: 1) }
        if memoryAdded { parts.append(("weight-memory reads", \.memory)) }
        let series = parts.map { name, value in
            Series(name: name, points: e.layers.enumerated().map { Point(x: Double($0.offset), y: value($0.element.energy) / 1000) })
        }
        var rows = e.layers.map { r in
            [r.layer] + parts.map { significant($0.1(r.energy)) } + [significant(r.energy.dynamic)]
        }
        let total = e.energy
        rows.append(["total dynamic"] + parts.map { significant($0.1(total)) } + [significant(total.dynamic)])
        rows.append(["static"] + parts.map { _ in "" } + [significant(total.staticEnergy)])
        rows.append(["total"] + parts.map { _ in "" } + [significant(total.total)])
        let memoryNote =
            memoryAdded
            ? "Weight-memory reads are added (the target's per-op energy excludes them)."
            : "Weight-memory reads (\(significant(total.memory)) pJ) are inside the per-op energy and not added."
        return Plot(
            id: "\(id)-energy", section: section, title: "Energy per inference by layer and cause",
            caption:
                "Dynamic energy of each synaptic layer per inference (all T steps of one image), stacked by cause; static energy "
                + "(static power × latency) is in the table. \(memoryNote) Activity: \(e.activity.label).",
            kind: .stackedBars, x: Axis(label: "layer", unit: "", categories: names),
            y: Axis(label: "energy per inference", unit: "nJ"), series: series,
            table: DataTable(columns: ["layer"] + parts.map { "\($0.0) (pJ)" } + ["dynamic (pJ)"], rows: rows))
    }

    /// Cycles per time step of every layer (its busiest core) and the barrier; latency in the caption.
    static func latency(_ e: Estimates, section: String, id: String) -> Plot {
        let barrier = max(0, e.cyclesPerStep - e.layers.reduce(0) { $0 + $1.cyclesPerStep })
        let names = e.layers.map(\.layer) + ["barrier"]
        let values = e.layers.map(\.cyclesPerStep) + [barrier]
        let clock = e.costs?.timing.clockHz
        let perStep = e.latencySeconds / Double(max(e.timeSteps, 1))
        var rows = zip(names, values).map { name, v in
            [name, significant(v), clock.map { significant(v / $0 * 1e6) } ?? ""]
        }
        rows.append(["total per step", significant(e.cyclesPerStep), significant(perStep * 1e6)])
        rows.append([
            "per inference (T = \(e.timeSteps))", significant(e.cyclesPerStep * Double(e.timeSteps)), significant(e.latencySeconds * 1e6),
        ])
        return Plot(
            id: "\(id)-latency", section: section, title: "Latency per time step by layer",
            caption:
                "Cycles per time step of each layer's busiest core plus the end-of-step barrier; one step takes "
                + "\(significant(perStep * 1e6)) µs, one inference \(significant(e.latencySeconds * 1e6)) µs "
                + "(a timer-stepped chip waits for its tick).",
            kind: .bars, x: Axis(label: "layer", unit: "", categories: names), y: Axis(label: "cycles per step", unit: "cycles"),
            series: [Series(name: "cycles per step", points: values.enumerated().map { Point(x: Double($0.offset), y: $0.element) })],
            table: DataTable(columns: ["layer", "cycles per step", "µs per step"], rows: rows))
    }

    /// Every budget's use in percent of its limit, within (≤ 100%) or over.
    static func budgetPlot(_ budgets: [BudgetLimit], section: String, id: String) -> Plot {
        let names = budgets.map { "\($0.key) (\($0.source))" }
        func points(_ over: Bool) -> [Point] {
            budgets.enumerated().map { i, b in
                Point(x: Double(i), y: b.exceeded == over ? 100 * b.actual / max(b.limit, .leastNonzeroMagnitude) : 0)
            }
        }
        let rows = budgets.map { b in
            [
                b.key, b.source, significant(b.actual), significant(b.limit), b.unit,
                fixed(100 * b.actual / max(b.limit, .leastNonzeroMagnitude), 1),
                b.exceeded ? "FAIL" : "pass",
            ]
        }
        return Plot(
            id: "\(id)-budgets", section: section, title: "Budgets: pass / fail",
            caption:
                "Each estimate in percent of its limit: the chip's own capacity (cores, neurons, synapse memory) and the "
                + "limits given with --budget (as snnc inspect --budget checks them). Above 100% fails.",
            kind: .stackedBars, x: Axis(label: "budget", unit: "", categories: names), y: Axis(label: "use of the limit", unit: "%"),
            series: [
                Series(name: "within budget", points: points(false), role: "pass"),
                Series(name: "over budget", points: points(true), role: "fail"),
            ],
            references: [Reference(name: "limit (100%)", y: 100)],
            table: DataTable(columns: ["budget", "limit from", "estimate", "limit", "unit", "use (%)", "result"], rows: rows))
    }
}
