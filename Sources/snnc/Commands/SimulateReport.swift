import Foundation
import SNNIR
import SNNReport
import SNNSimulator

/// The `snnc simulate` renderings: a text summary and a JSON document. Per-image figures are
/// means over the simulated images.
struct SimulateReport: Encodable {
    struct EventLayer: Encodable {
        var name: String, units: Int
        var eventsPerImage: Double, eventsPerStep: [Double], rate: Double
    }

    struct WorkLayer: Encodable {
        var name: String
        var perImage: Double, perStep: [Double]
    }

    struct Energy: Encodable {
        var synapticOps: Double, neuronUpdates: Double, routing: Double, memory: Double
        var memoryIncluded: Bool, dynamic: Double, staticEnergy: Double, total: Double
        /// The encoder's MACs on the analog input at the target's `e_mac_pj`; absent when the
        /// target has no such figure (they are then in `synapticOps`). (Spelled so that the JSON
        /// key is `input_macs`.)
        var inputMacs: Double?
    }

    struct Cost: Encodable {
        var target: String
        var cyclesPerInference: Double, cyclesPerStep: [Double], latencySeconds: Double
        var rowFetchesPerImage: Double, hopsPerImage: Double
        var energyPJ: Energy
    }

    var file: String, model: String, dataset: String, images: Int, timeSteps: Int, threads: Int
    var correct: Int?, accuracy: Double?
    /// Where the inputs' normalisation came from (`InputPreprocessing.Origin`: "unknown" for a model
    /// imported without --normalize, whose accuracy is then on the data set's default inputs);
    /// absent for files that do not record it.
    var inputNormalization: String?
    var spikes: [EventLayer], synapticEvents: [WorkLayer], neuronUpdates: [WorkLayer]
    var synapticEventsPerImage: Double, neuronUpdatesPerImage: Double
    var cost: Cost?
    /// NeuroBench's metrics under its own key names: the static ones and the workload ones per
    /// inference (`NeuroBenchStatic`, `NeuroBenchWorkload`; docs/METRICS.md).
    var neurobench: [String: NeuroBenchValue]
    var checkedImages: Int?
    /// The float model against this simulation (`--compare`).
    var comparison: CompareReport?

    init(file: String, graph: Graph, dataset: String, result: BatchResult, threads: Int, costModel: CostModel?, checked: Bool) {
        let n = Double(max(result.images, 1))
        self.file = file
        model = graph.name
        self.dataset = dataset
        images = result.images
        timeSteps = graph.timeSteps
        self.threads = threads
        correct = result.correct
        accuracy = result.accuracy
        inputNormalization = graph.inputPreprocessing?.origin.rawValue
        spikes = result.spikes.layers.enumerated().map { l, name in
            let units = graph.layer(named: name)?.unitCount ?? 1
            let perImage = Double(result.spikes.perLayer[l]) / n
            return EventLayer(
                name: name, units: units, eventsPerImage: perImage,
                eventsPerStep: result.spikes.counts[l].map { Double($0) / n },
                rate: perImage / Double(units * graph.timeSteps))
        }
        func work(_ counts: StepCounts) -> [WorkLayer] {
            counts.layers.enumerated().map { l, name in
                WorkLayer(name: name, perImage: Double(counts.perLayer[l]) / n, perStep: counts.counts[l].map { Double($0) / n })
            }
        }
        synapticEvents = work(result.work.synapticEvents)
        neuronUpdates = work(result.work.neuronUpdates)
        synapticEventsPerImage = Double(result.work.synapticEvents.total) / n
        neuronUpdatesPerImage = Double(result.work.neuronUpdates.total) / n
        if let costModel, let c = result.meanCost, let total = result.cost {
            let e = c.energy
            cost = Cost(
                target: costModel.target, cyclesPerInference: c.cycles, cyclesPerStep: c.cyclesPerStep,
                latencySeconds: c.latencySeconds, rowFetchesPerImage: Double(total.rowFetches) / n,
                hopsPerImage: Double(total.hops) / n,
                energyPJ: Energy(
                    synapticOps: e.synapticOps, neuronUpdates: e.neuronUpdates, routing: e.routing,
                    memory: e.memory, memoryIncluded: e.memoryIncluded, dynamic: e.dynamic,
                    staticEnergy: e.staticEnergy, total: e.total,
                    inputMacs: costModel.energy.inputMACPJ == nil ? nil : e.inputMACs))
        }
        checkedImages = checked ? result.checkedImages : nil
        let staticMetrics = NeuroBenchStatic(graph: graph)
        let workload = NeuroBenchWorkload(graph: graph, result: result)
        neurobench = staticMetrics.values.merging(workload.values) { a, _ in a }
        neurobenchLines = Self.neurobenchText(staticMetrics, workload, timeSteps: timeSteps, snncUpdates: neuronUpdatesPerImage)
    }

    /// The text block of the NeuroBench metrics (not encoded: the JSON has `neurobench`).
    private var neurobenchLines: [String] = []

    private enum CodingKeys: String, CodingKey {
        case file, model, dataset, images, timeSteps, threads, correct, accuracy, inputNormalization, spikes, synapticEvents
        case neuronUpdates
        case synapticEventsPerImage, neuronUpdatesPerImage, cost, neurobench, checkedImages, comparison
    }

    static func neurobenchText(_ s: NeuroBenchStatic, _ w: NeuroBenchWorkload, timeSteps: Int, snncUpdates: Double) -> [String] {
        [
            "NeuroBench metrics per inference: SynapticOperations Effective_MACs \(Units.count(w.effectiveMACs)) "
                + "(layers with analog input; the encoder counted at each of the \(timeSteps) steps), "
                + "Effective_ACs \(Units.count(w.effectiveACs)), "
                + "Dense \(Units.count(w.dense)); MembraneUpdates \(Units.count(w.membraneUpdates)) "
                + "(snnc's neuron updates: \(Units.count(snncUpdates)))",
            String(
                format: "NeuroBench ActivationSparsity %.4f, ConnectionSparsity %.4f, Footprint %@ (%@ parameters)",
                w.activationSparsity, s.connectionSparsity, Units.bytes(Double(s.footprint)), Units.count(Double(s.parameterCount))),
        ]
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        var lines = ["\(file): '\(model)' on \(images) \(dataset) test images, T = \(timeSteps) steps"]
        if let accuracy, let correct {
            lines.append(
                String(format: "accuracy: %.2f%% (%d/%d)", 100 * accuracy, correct, images)
                    + (inputNormalization == InputPreprocessing.Origin.unknown.rawValue ? "; input normalisation unknown" : ""))
        }
        var table = TextTable([.init("layer", .left), .init("units"), .init("events/image"), .init("rate"), .init("per step", .left)])
        table.appendRule()
        for s in spikes {
            table.append([
                s.name, String(s.units), Units.count(s.eventsPerImage), String(format: "%.4f", s.rate),
                s.eventsPerStep.map { Units.count($0) }.joined(separator: " "),
            ])
        }
        lines += table.rendered()
        lines.append(
            "synaptic events per image: \(Units.count(synapticEventsPerImage)) ("
                + synapticEvents.map { "\($0.name) \(Units.count($0.perImage))" }.joined(separator: ", ") + ")")
        lines.append("neuron updates per image: \(Units.count(neuronUpdatesPerImage))")
        if let cost {
            let e = cost.energyPJ
            lines.append(
                "latency per inference on '\(cost.target)': \(Units.time(seconds: cost.latencySeconds)) "
                    + "(\(Units.count(cost.cyclesPerInference)) cycles; per step "
                    + cost.cyclesPerStep.map { Units.count($0) }.joined(separator: " ") + ")")
            lines.append(
                "energy per inference: \(Units.energy(picojoules: e.total)) = synaptic ops \(Units.energy(picojoules: e.synapticOps))"
                    + (e.inputMacs.map { " + input MACs \(Units.energy(picojoules: $0))" } ?? "")
                    + " + neuron updates \(Units.energy(picojoules: e.neuronUpdates)) + routing \(Units.energy(picojoules: e.routing))"
                    + (e.memoryIncluded ? " + memory \(Units.energy(picojoules: e.memory))" : "")
                    + " + static \(Units.energy(picojoules: e.staticEnergy))"
                    + (e.memoryIncluded
                        ? "" : "; weight-memory reads \(Units.energy(picojoules: e.memory)) (inside the per-op energy, not added)"))
        }
        lines += neurobenchLines
        if let checkedImages {
            lines.append("check: spike trains identical to the dense integer reference on \(checkedImages) images")
        }
        if let comparison { lines += [""] + comparison.text() }
        return lines.joined(separator: "\n")
    }
}
