import SNNIR

/// Folds every batch norm into the conv or linear layer before it, using running statistics.
///
/// For output channel `c` with `k = γ_c / sqrt(var_c + ε)`: `w'[c, …] = k · w[c, …]` and
/// `b'_c = k · (b_c − mean_c) + β_c` (b = 0 without a bias; the rule is `BatchNormLayer.folded`).
/// The folded layer takes the batch norm's place for its consumers; masks are kept, so pruned
/// weights stay exactly 0.
///
/// - Throws: `CompileError.unsupportedGraph` when a batch norm does not directly follow a conv
///   or linear layer, or that layer also feeds something else.
public func foldBatchNorm(_ graph: Graph) throws(CompileError) -> Graph {
    var g = graph
    while let bnIndex = g.layers.firstIndex(where: { if case .batchNorm = $0.op { true } else { false } }) {
        let bnLayer = g.layers[bnIndex]
        guard case .batchNorm(let bn) = bnLayer.op else { break }
        guard let source = bnLayer.inputs.first, let sourceIndex = g.index(of: source),
            var weights = g.weights(at: sourceIndex), g.layers[sourceIndex].op.isSynaptic,
            !{ if case .identity = g.layers[sourceIndex].op { true } else { false } }()
        else {
            throw CompileError(
                .unsupportedGraph, layer: bnLayer.name,
                reason: "batch norm must directly follow a conv or linear layer",
                hint: "fold it by hand or change the model")
        }
        guard g.consumers(of: source) == [bnLayer.name] else {
            throw CompileError(
                .unsupportedGraph, layer: bnLayer.name,
                reason: "'\(source)' feeds other layers besides this batch norm, so the batch norm cannot be folded into it")
        }
        let channels = weights.weight.shape[0]
        guard bn.mean.count == channels, bn.variance.count == channels, bn.gamma.count == channels,
            bn.beta.count == channels
        else {
            throw CompileError(
                .unsupportedGraph, layer: bnLayer.name,
                reason: "batch norm has \(bn.mean.count) channels but '\(source)' has \(channels) outputs")
        }
        let (weight, bias) = bn.folded(weight: weights.weight.values, bias: weights.bias)
        weights.weight.values = weight
        weights.bias = bias
        g.setWeights(weights, at: sourceIndex)
        g.layers.remove(at: bnIndex)
        g.redirectInputs(from: bnLayer.name, to: source)
    }
    g.passes.append("foldBatchNorm")
    return g
}
