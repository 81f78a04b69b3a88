import SNNIR
import SNNSimulator

/// Compares the float model with the integer simulation of its deployment on the same images,
/// batch by batch: per LIF layer, firing rates and spike agreement; both accuracies and how
/// often the predictions agree.
///
/// Layers are matched by name (the deployment keeps the trainer's node names) and must have
/// the same shape. Feed it batches with `add`, then read `result(thresholds:)`.
public struct SpikeComparison: Sendable {
    /// The counts of every LIF layer, in the deployment's execution order.
    public private(set) var layers: [LayerAgreement]
    /// Images added.
    public private(set) var images = 0
    /// Images whose float and integer predictions are the same class.
    public private(set) var samePredictions = 0
    /// Labelled images added, and how many each model got right.
    public private(set) var labelled = 0, floatCorrect = 0, integerCorrect = 0
    /// Time steps of both.
    public let timeSteps: Int

    /// Matches `model`'s LIF layers with `deployment`'s LIF groups.
    /// - Throws: `ComparisonError` when the two differ in time steps, in LIF layer names, or in
    ///   a layer's shape: the deployment was not compiled from this model.
    public init(model: FloatModel, deployment: Graph) throws {
        let hint = "compare against the checkpoint or ticket file (and level) the deployment was exported from"
        guard model.spec.timeSteps == deployment.timeSteps else {
            throw ComparisonError(
                reason: "the float model runs T = \(model.spec.timeSteps) steps, the deployment "
                    + "T = \(deployment.timeSteps)", hint: hint)
        }
        let floatLayers = Dictionary(model.spikingLayers.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let groups = deployment.neuronGroups
        for group in groups {
            guard let shape = floatLayers[group.name] else {
                throw ComparisonError(
                    reason: "the deployment's LIF group '\(group.name)' has no LIF layer of that name "
                        + "in the float model", hint: hint)
            }
            guard shape == group.shape else {
                throw ComparisonError(
                    reason: "LIF '\(group.name)' has shape \(shape) in the float model but \(group.shape) "
                        + "in the deployment", hint: hint)
            }
        }
        if let extra = model.spikingLayers.first(where: { layer in !groups.contains { $0.name == layer.name } }) {
            throw ComparisonError(reason: "the float model's LIF layer '\(extra.name)' is not in the deployment", hint: hint)
        }
        timeSteps = deployment.timeSteps
        layers = groups.map { LayerAgreement(name: $0.name, units: $0.unitCount, steps: deployment.timeSteps) }
    }

    /// Adds a batch: the float model's run and, for the same images in the same order, the
    /// simulator's spike traces and predictions, and the labels if known.
    /// - Throws: `ComparisonError` when the counts differ or a trace lacks a LIF group (run the
    ///   simulator with tracing on).
    public mutating func add(_ run: FloatRun, traces: [SpikeTrace], predictions: [Int], labels: [Int]?) throws {
        guard traces.count == run.images, predictions.count == run.images, labels.map({ $0.count == run.images }) ?? true,
            run.predictions.count == run.images
        else {
            throw ComparisonError(
                reason: "a batch of \(run.images) float images came with \(traces.count) traces, "
                    + "\(predictions.count) predictions and \(labels?.count ?? 0) labels")
        }
        guard run.timeSteps == timeSteps else {
            throw ComparisonError(reason: "the float run has T = \(run.timeSteps), the comparison T = \(timeSteps)")
        }
        let floatLayers = try layers.map { layer in
            guard let spikes = run.layers.first(where: { $0.name == layer.name }) else {
                throw ComparisonError(reason: "the float run has no spikes of LIF '\(layer.name)'")
            }
            return spikes
        }
        for b in 0..<run.images {
            for (l, floatSpikes) in floatLayers.enumerated() {
                guard let trace = traces[b][layers[l].name], trace.steps.count == timeSteps else {
                    throw ComparisonError(
                        reason: "the simulation recorded no \(timeSteps)-step trace of LIF '\(layers[l].name)'",
                        hint: "run the simulator with tracing on")
                }
                for t in 0..<timeSteps {
                    try layers[l].add(float: floatSpikes.spikes(image: b, step: t), integer: trace.steps[t], step: t)
                }
                layers[l].images += 1
            }
            images += 1
            if run.predictions[b] == predictions[b] { samePredictions += 1 }
            if let labels {
                labelled += 1
                if run.predictions[b] == labels[b] { floatCorrect += 1 }
                if predictions[b] == labels[b] { integerCorrect += 1 }
            }
        }
    }

    /// The figures so far, with each layer's flags under `thresholds`.
    public func result(thresholds: FlagThresholds = FlagThresholds()) -> ComparisonSummary {
        ComparisonSummary(
            images: images, timeSteps: timeSteps,
            floatCorrect: labelled == images && images > 0 ? floatCorrect : nil,
            integerCorrect: labelled == images && images > 0 ? integerCorrect : nil,
            samePredictions: samePredictions,
            layers: layers.map { a in
                ComparisonSummary.Layer(
                    name: a.name, units: a.units, floatRate: a.floatRate, integerRate: a.integerRate,
                    floatRatePerStep: a.floatRatePerStep, integerRatePerStep: a.integerRatePerStep,
                    agreement: a.agreement, jaccard: a.jaccard, precision: a.precision, recall: a.recall,
                    flags: thresholds.flags(floatRate: a.floatRate, integerRate: a.integerRate))
            },
            thresholds: thresholds)
    }
}
