import SNNIR
import SNNSimulator
import SNNStore

/// Writes the spike trains of a batch to HDF5 (layout in DESIGN.md, "Spike trace file"),
/// atomically: the file appears complete or not at all.
enum SpikeTraceFile {
    static let formatName = "snnc-spike-trace"
    static let version: [Int32] = [1, 0]

    /// Writes `traces` (one per image, in image order) with the batch's predictions and logits.
    static func write(to path: String, model: String, graph: Graph, traces: [SpikeTrace], result: BatchResult) throws {
        let logits = result.logits
        let steps = graph.timeSteps
        try HDF5File.write(to: path) { root in
            try root.setAttribute("format", string: formatName)
            try root.setAttribute("format_version", version)
            try root.setAttribute("model", string: model)
            try root.setAttribute("images", scalar: Int64(traces.count))
            try root.setAttribute("time_steps", scalar: Int64(steps))
            try root.write("predictions", result.predictions.map(Int64.init))
            if let labels = result.labels { try root.write("labels", labels.map(Int64.init)) }
            let classes = logits.first?.count ?? 0
            try root.write("logits", logits.flatMap { $0 }, shape: [logits.count, classes])
            let names = traces.first?.layers.map(\.name) ?? []
            try root.write("layer_order", strings: names)
            let layers = try root.createGroup("layers")
            for (l, name) in names.enumerated() {
                var indptr: [Int64] = [0], indices: [Int32] = [], payloads: [Int32] = []
                var binary = true
                for trace in traces {
                    for list in trace.layers[l].steps {
                        indices += list.indices
                        if let p = list.payloads { payloads += p; binary = false } else { payloads += Array(repeating: 1, count: list.count) }
                        indptr.append(Int64(indices.count))
                    }
                }
                let group = try layers.createGroup(name)
                try group.setAttribute("shape", (traces.first?.layers[l].shape ?? []).map(Int64.init))
                try group.setAttribute("binary", scalar: UInt8(binary ? 1 : 0))
                try group.write("indptr", indptr)
                try group.write("indices", indices)
                if !binary { try group.write("payloads", payloads) }
            }
        }
    }
}
