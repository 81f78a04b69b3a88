import Foundation
import SNNCompiler
import SNNIR
import SNNReport
import SNNSimulator

/// The `snnc inspect` renderings: a text table and a JSON document.
struct InspectReport: Encodable {
    struct Row: Encodable {
        var layer: String, kind: String, population: String
        var neurons: Int, synapses: Int, connections: Int, weights: Int, nonzeroWeights: Int, density: Double
        var csrBytes: Int, denseBytes: Int, memoryBytes: Int, cores: Int
        var inputEventsPerStep: Double, outputSpikesPerStep: Double, synapticOps: Double, structuralOps: Double
        var neuronUpdates: Double, routedSpikes: Double, bytesMovedCSR: Double, bytesMovedDense: Double
        var energyPJ: Double, cyclesPerStep: Double
        var weightBits: Int?, clippedWeights: Int?, clippedFraction: Double?, clippedBias: Int?
        /// The chip core the layer takes on a layer-per-core target (absent on split targets).
        var core: Int?
        /// The neurons the layer drives on a single-core target, class and ids: `hidden 0-63`,
        /// `output 0-7` (absent on other targets).
        var coreNeurons: String?
    }

    struct Totals: Encodable {
        var neurons: Int, synapses: Int, cores: Int, memoryBytes: Int, csrBytes: Int, denseBytes: Int
        var spikesPerStep: Double, synapticOps: Double, dynamicEnergyPJ: Double, staticEnergyPJ: Double
        var energyPJ: Double, memoryEnergyPJ: Double, memoryEnergyIncluded: Bool
        var cyclesPerStep: Double, latencySeconds: Double
        /// The encoder's MACs on the analog input at the target's `e_mac_pj` (part of the dynamic
        /// energy); absent when the target has no such figure (they are then synaptic ops).
        var inputMACEnergyPJ: Double?
    }

    struct BudgetResult: Encodable {
        var key: String, limit: Double, actual: Double, exceeded: Bool
    }

    var name: String, target: String?, timeSteps: Int, activity: String
    /// How raw images become the model's input (nil: not recorded, files of format 2.0).
    var inputPreprocessing: InputPreprocessing?
    /// Each neuron group's model: `{"lif1": "LIF", "lif2": "IF, subtractive reset"}`.
    var neuronModels: [String: String]
    var layers: [Row], totals: Totals, memoryPerCore: [Int], budgets: [BudgetResult]
    /// NeuroBench's static metrics under its own key names (`NeuroBenchStatic`; docs/METRICS.md).
    var neurobench: [String: NeuroBenchValue]

    /// The core of each population on a layer-per-core target (`[cores] mapping = "layer-per-core"`),
    /// read from the placement: there every population has exactly one core, the chip's own id.
    static func layerCores(_ graph: Graph, layerPerCore: Bool) -> [String: Int]? {
        guard layerPerCore, let placement = graph.placement else { return nil }
        return Dictionary(placement.cores.map { ($0.population, $0.core) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every neuron group with its model (`LIF`, `IF`, with `, subtractive reset` where it applies).
    static func neuronModels(_ graph: Graph) -> [(layer: String, model: String)] {
        graph.layers.compactMap { layer in
            if case .lif(let lif) = layer.op { (layer.name, lif.modelDescription) } else { nil }
        }
    }

    /// One line naming the neuron models: `neurons: LIF (lif1, lif2)`.
    static func neuronLine(_ graph: Graph) -> String {
        var order: [String] = []
        var layers: [String: [String]] = [:]
        for (layer, model) in neuronModels(graph) {
            if layers[model] == nil { order.append(model) }
            layers[model, default: []].append(layer)
        }
        return "neurons: " + order.map { "\($0) (\(layers[$0, default: []].joined(separator: ", ")))" }.joined(separator: "; ")
    }

    /// The neuron class and ids of each population on a single-core target
    /// (`[cores] mapping = "single-core"`): `hidden 0-63`, `output 0-7`.
    static func coreNeurons(_ graph: Graph, singleCore: Bool) -> [String: String]? {
        guard singleCore, let assignment = try? singleCoreUse(graph) else { return nil }
        return Dictionary(uniqueKeysWithValues: assignment.groups.map { ($0.population, $0.label) })
    }

    init(
        graph: Graph, estimates e: Estimates, budgets: [BudgetCheck], layerCores: [String: Int]? = nil,
        coreNeurons: [String: String]? = nil
    ) {
        name = graph.name
        target = graph.target
        timeSteps = graph.timeSteps
        activity = e.activity.label
        inputPreprocessing = graph.inputPreprocessing
        neuronModels = Self.neuronModels(graph).reduce(into: [:]) { $0[$1.layer] = $1.model }
        let stats = Dictionary(
            uniqueKeysWithValues: graph.synapticLayers.compactMap { layer -> (String, QuantizedSynapses)? in
                layer.op.synapticWeights?.quantized.map { (layer.name, $0) }
            })
        layers = e.layers.map { r in
            let q = stats[r.layer]
            return Row(
                layer: r.layer, kind: r.kind, population: r.population, neurons: r.neurons, synapses: r.synapses,
                connections: r.connections, weights: r.weights, nonzeroWeights: r.nonZeroWeights, density: r.density,
                csrBytes: r.csrBytes, denseBytes: r.denseBytes, memoryBytes: r.memoryBytes, cores: r.cores,
                inputEventsPerStep: r.inputEventsPerStep, outputSpikesPerStep: r.outputSpikesPerStep,
                synapticOps: r.synapticOps, structuralOps: r.structuralOps, neuronUpdates: r.neuronUpdates,
                routedSpikes: r.routedSpikes, bytesMovedCSR: r.bytesMovedCSR, bytesMovedDense: r.bytesMovedDense,
                energyPJ: r.energy.dynamic, cyclesPerStep: r.cyclesPerStep, weightBits: q?.bits,
                clippedWeights: q?.stats.clippedWeights, clippedFraction: q?.stats.clippedFraction,
                clippedBias: q?.stats.clippedBias, core: layerCores?[r.population], coreNeurons: coreNeurons?[r.population])
        }
        let energy = e.energy
        totals = Totals(
            neurons: e.neurons, synapses: e.synapses, cores: e.cores, memoryBytes: e.memoryBytes,
            csrBytes: e.csrBytes, denseBytes: e.denseBytes, spikesPerStep: e.spikesPerStep,
            synapticOps: e.synapticOps, dynamicEnergyPJ: energy.dynamic, staticEnergyPJ: energy.staticEnergy,
            energyPJ: energy.total, memoryEnergyPJ: energy.memory, memoryEnergyIncluded: energy.memoryIncluded,
            cyclesPerStep: e.cyclesPerStep, latencySeconds: e.latencySeconds,
            inputMACEnergyPJ: e.costs?.energy.inputMACPJ == nil ? nil : energy.inputMACs)
        memoryPerCore = e.memoryPerCore
        neurobench = NeuroBenchStatic(graph: graph).values
        self.budgets = budgets.map { BudgetResult(key: $0.key, limit: $0.limit, actual: $0.actual, exceeded: $0.exceeded) }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The text table with a header and a totals row.
    static func table(
        graph: Graph, estimates e: Estimates, file: String, layerCores: [String: Int]? = nil, coreNeurons: [String: String]? = nil
    ) -> String {
        var table = TextTable([
            .init("layer", .left), .init("kind", .left), .init("neurons"), .init("synapses"), .init("density"),
            .init("CSR"), .init("dense"), .init("memory"), .init("cores"), .init("in ev/step"), .init("SOPs"),
            .init("energy"),
        ])
        table.appendRule()
        for r in e.layers {
            table.append([
                r.layer, r.kind, String(r.neurons), Units.count(Double(r.synapses)), String(format: "%.1f%%", 100 * r.density),
                Units.bytes(Double(r.csrBytes)), Units.bytes(Double(r.denseBytes)), Units.bytes(Double(r.memoryBytes)),
                String(r.cores), Units.count(r.inputEventsPerStep), Units.count(r.synapticOps),
                Units.energy(picojoules: r.energy.dynamic),
            ])
        }
        let weights = e.layers.reduce(0) { $0 + $1.weights }
        let nonZero = e.layers.reduce(0) { $0 + $1.nonZeroWeights }
        table.appendRule()
        table.append([
            "total", "", String(e.neurons), Units.count(Double(e.synapses)),
            String(format: "%.1f%%", weights == 0 ? 0 : 100 * Double(nonZero) / Double(weights)),
            Units.bytes(Double(e.csrBytes)), Units.bytes(Double(e.denseBytes)), Units.bytes(Double(e.memoryBytes)),
            String(e.cores), Units.count(e.layers.reduce(0) { $0 + $1.inputEventsPerStep }),
            Units.count(e.synapticOps), Units.energy(picojoules: e.energy.dynamic),
        ])
        let energy = e.energy
        var lines =
            [
                "\(file): '\(graph.name)' for target '\(graph.target ?? "?")', T = \(graph.timeSteps) steps",
                "activity: \(e.activity.label)",
                "input: " + (graph.inputPreprocessing?.summary ?? "preprocessing not recorded (exported before format 2.1)"),
                neuronLine(graph),
            ] + table.rendered()
        lines.append(
            "energy per inference: \(Units.energy(picojoules: energy.total)) = dynamic \(Units.energy(picojoules: energy.dynamic)) "
                + "+ static \(Units.energy(picojoules: energy.staticEnergy))"
                + (e.costs?.energy.inputMACPJ == nil
                    ? "" : "; of the dynamic, input-layer MACs \(Units.energy(picojoules: energy.inputMACs))")
                + "; weight-memory reads \(Units.energy(picojoules: energy.memory)) "
                + "(\(energy.memoryIncluded ? "included" : "inside the per-op energy, not added"))"
        )
        lines.append("latency per inference: \(Units.time(seconds: e.latencySeconds)) (\(Units.count(e.cyclesPerStep)) cycles per step)")
        let clipped = e.layers.compactMap { r -> String? in
            guard let layer = graph.layer(named: r.layer) else { return nil }
            guard let s = layer.op.synapticWeights?.quantized?.stats, s.clippedWeights + s.clippedBias + s.zeroedWeights > 0 else {
                return nil
            }
            return
                "\(r.layer) \(String(format: "%.3f%%", 100 * s.clippedFraction)) of weights and \(s.clippedBias) biases clipped, "
                + "\(s.zeroedWeights) weights rounded to 0"
        }
        let nb = NeuroBenchStatic(graph: graph)
        lines.append(
            String(
                format: "NeuroBench: Footprint %@ (%@ parameters: integer weights at their width, int32 biases), "
                    + "ConnectionSparsity %.4f", Units.bytes(Double(nb.footprint)), Units.count(Double(nb.parameterCount)),
                nb.connectionSparsity))
        if let layerCores {
            let assigned = e.layers.compactMap { r in layerCores[r.population].map { "\(r.layer) → core \($0)" } }
            lines.append("core assignment (one layer per core): " + assigned.joined(separator: ", "))
        }
        if let coreNeurons {
            let assigned = e.layers.compactMap { r in coreNeurons[r.population].map { "\(r.layer) → \($0)" } }
            lines.append("core assignment (single core): " + assigned.joined(separator: ", "))
        }
        lines.append(
            "quantisation: " + (clipped.isEmpty ? "nothing clipped, no kept weight rounded to 0" : clipped.joined(separator: "; ")))
        return lines.joined(separator: "\n")
    }
}
