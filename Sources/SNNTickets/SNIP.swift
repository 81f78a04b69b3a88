import SNNData
import SNNTensor
import SNNTrain

/// SNIP (Lee et al. 2019): connection sensitivity at initialisation.
public enum SNIP {
    /// `|∂L/∂w · w|` for every prunable weight, flat in layout order, from one batch.
    ///
    /// The loss is training's: cross-entropy averaged over every time step and image, the
    /// gradient flowing through the LIF neurons' ATan surrogate over all `spec.timeSteps` steps.
    /// BatchNorm uses the batch's statistics; `parameters` is not changed (its running statistics
    /// are updated on a copy).
    public static func saliency(parameters: ParameterSet, spec: ModelSpec, batch: Batch) throws -> [Float] {
        var scratch = parameters
        var network = Network(graph: try LayerGraph(spec), parameters: scratch)
        let pass = network.forward(batch.images, parameters: &scratch, training: true)
        let steps = pass.logits.shape[0] / batch.count
        var labels: [Int32] = []
        for _ in 0..<steps { labels.append(contentsOf: batch.labels) }
        let (_, dLogits) = softmaxCrossEntropy(logits: pass.logits, labels: labels)
        let gradients = network.backward(pass, dLogits: dLogits, parameters: scratch)
        var scores: [Float] = []
        scores.reserveCapacity(parameters.prunableCount)
        for (p, g) in zip(parameters.parameters, gradients) where p.isPrunable {
            for j in p.value.scalars.indices { scores.append(abs(g.scalars[j] * p.value.scalars[j])) }
        }
        return scores
    }
}
