import SNNCompare
import SNNIR
import SNNSimulator

/// The float side of `snnc simulate --compare`: the model and the running comparison.
struct FloatComparisonRun {
    var source: ComparisonSource
    var model: FloatModel
    var comparison: SpikeComparison

    /// Prepares the float model of `source` for `graph`.
    /// - Throws: `Diagnostic` when the model cannot run or its LIF layers differ from the graph's.
    init(source: ComparisonSource, graph: Graph) throws {
        self.source = source
        do {
            model = try FloatModel(source.state)
            comparison = try SpikeComparison(model: model, deployment: graph)
        } catch let error as ComparisonError {
            // Adds the model file compared with (the library knows no file).
            throw Diagnostic(message: error.reason, location: source.path, hint: error.hint)
        }
    }

    /// Runs the float model on the batch's images and adds it to the comparison.
    mutating func add(_ range: Range<Int>, _ batch: BatchResult, inputs: SimulationInputs) throws {
        do {
            let run = try model.run(images: range.map { inputs.image($0) })
            try comparison.add(run, traces: batch.traces ?? [], predictions: batch.predictions, labels: batch.labels)
        } catch let error as ComparisonError {
            // Adds the model file compared with (the library knows no file).
            throw Diagnostic(message: error.reason, location: source.path, hint: error.hint)
        }
    }
}
