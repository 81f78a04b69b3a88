import SNNFormat
import SNNIR
import SNNSimulator

extension SpikeTraceFile {
    /// The trace file of a simulated batch: `traces` (one per image, in image order) with the
    /// batch's predictions, labels and logits.
    init(model: String, graph: Graph, traces: [SpikeTrace], result: BatchResult) {
        let names = traces.first?.layers.map(\.name) ?? []
        let layers = names.indices.map { l in
            var layer = Layer(name: names[l], shape: traces.first?.layers[l].shape ?? [])
            for trace in traces {
                for list in trace.layers[l].steps { layer.appendStep(indices: list.indices, payloads: list.payloads) }
            }
            return layer
        }
        self.init(
            model: model, images: traces.count, timeSteps: graph.timeSteps, predictions: result.predictions,
            labels: result.labels, logits: result.logits, layers: layers)
    }
}
