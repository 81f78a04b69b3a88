import Foundation
import SNNCompiler
import SNNIR

/// The core map of a deployment and the chip-capacity budgets.
enum CorePlots {
    /// Which layer sits on which core and how full each core's resources are.
    static func coreMap(_ placement: Placement, profile: ChipProfile?, section: String, id: String) -> Plot {
        let c = profile?.cores
        let cells = placement.cores.map { a -> CoreCell in
            let kernel = c?.kernelMemoryPerCore.flatMap { a.core < $0.count ? $0[a.core] : nil }
            let neuronLimit = c?.neuronMemoryPerCore.flatMap { a.core < $0.count ? $0[a.core] : nil } ?? c?.neuronsPerCore
            let synapses =
                kernel.map { CoreResource(name: "synapse memory", unit: "entries", used: a.storedSynapses, capacity: $0) }
                ?? CoreResource(name: "synapse memory", unit: "B", used: a.synapseBytes, capacity: c?.synapseMemoryBytesPerCore)
            return CoreCell(
                core: a.core, layer: a.population,
                resources: [
                    CoreResource(name: "neurons", unit: "neurons", used: a.neuronCount, capacity: neuronLimit), synapses,
                    CoreResource(name: "fan-in", unit: "axons", used: a.fanIn, capacity: c?.fanInPerCore),
                    CoreResource(name: "fan-out", unit: "axons", used: a.fanOut, capacity: c?.fanOutPerCore),
                ])
        }
        var fullest: [String: Double] = [:]
        for cell in cells { for r in cell.resources { if let f = r.fill { fullest[r.name] = max(fullest[r.name] ?? 0, f) } } }
        let binding = fullest.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        let layers = cells.reduce(into: [String]()) { if !$0.contains($1.layer) { $0.append($1.layer) } }
        let rows = cells.map { cell -> [String] in
            [String(cell.core), cell.layer]
                + cell.resources.map { r in
                    "\(r.used)" + (r.capacity.map { " / \($0)" } ?? "") + (r.fill.map { " (\(fixed(100 * $0, 1))%)" } ?? "")
                } + [cell.binding.map(\.name) ?? ""]
        }
        let map = CoreMap(columns: max(1, placement.meshWidth), cores: cells, binding: binding)
        let limits = profile.map { "capacities of profile '\($0.name)'" } ?? "capacities unknown (the target's profile was not found)"
        return Plot(
            id: "\(id)-cores", section: section, title: "Core map: layer per core and fill of each core",
            caption:
                "Each cell is one core at its mesh position, coloured by the layer it hosts; its four bars show how full its "
                + "neuron memory, synapse memory, fan-in and fan-out are (\(limits)). The fullest resource of each core is "
                + "outlined; over all cores the binding constraint is \(binding ?? "unknown").",
            kind: .coreMap, x: Axis(label: "mesh column", unit: "core id mod \(map.columns)"),
            y: Axis(label: "mesh row", unit: "core id ÷ \(map.columns)"),
            series: layers.map { Series(name: $0, points: []) }, coreMap: map,
            table: DataTable(
                columns: ["core", "layer", "neurons", "synapse memory", "fan-in", "fan-out", "fullest"], rows: rows))
    }

    /// Cores, neurons and synapse memory used against the chip's totals.
    static func profileBudgets(_ e: Estimates, graph: Graph, profile: ChipProfile?) -> [BudgetLimit] {
        guard let p = profile else { return [] }
        let c = p.cores
        let neuronCapacity = c.neuronMemoryPerCore.map { $0.reduce(0, +) } ?? c.count * c.neuronsPerCore
        var result = [
            BudgetLimit(key: "cores", actual: Double(e.cores), limit: Double(c.count), unit: "", source: p.name),
            BudgetLimit(key: "neurons", actual: Double(e.neurons), limit: Double(neuronCapacity), unit: "", source: p.name),
        ]
        if c.kernelMemoryPerCore == nil {
            result.append(
                BudgetLimit(
                    key: "memory", actual: Double(e.memoryBytes), limit: Double(c.count * c.synapseMemoryBytesPerCore), unit: "B",
                    source: p.name))
        }
        return result
    }
}
