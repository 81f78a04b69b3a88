import SNNIR

extension Graph {
    /// The first parameter that would break quantisation: a weight, bias, batch-norm statistic
    /// or neuron constant that is NaN or infinite, a negative batch-norm variance (its square
    /// root is NaN when the batch norm is folded), or a mask or bias whose size is not the
    /// weights'. `compile` refuses such a graph before any pass runs, so a damaged or diverged
    /// ticket level or checkpoint is a named error at export instead of a trap converting NaN to
    /// an integer (docs/HARDENING.md).
    /// - Returns: the layer's name and what is wrong, or nil.
    func unusableParameter() -> (layer: String, problem: String)? {
        func firstNonFinite(_ values: [Float]) -> Int? { values.firstIndex { !$0.isFinite } }
        for layer in layers {
            if let weights = layer.op.synapticWeights {
                if let i = firstNonFinite(weights.weight.values) {
                    return (layer.name, "weight entry \(i) is \(weights.weight.values[i])")
                }
                if let bias = weights.bias, let i = firstNonFinite(bias) { return (layer.name, "bias entry \(i) is \(bias[i])") }
                if let mask = weights.mask, mask.count != weights.weight.count {
                    return (layer.name, "the mask has \(mask.count) entries, the weights \(weights.weight.count)")
                }
                if weights.weight.count != weights.weight.shape.reduce(1, *) {
                    return (layer.name, "\(weights.weight.count) weights do not fill the shape \(weights.weight.shape)")
                }
            }
            switch layer.op {
            case .batchNorm(let bn):
                for (name, values) in [("mean", bn.mean), ("variance", bn.variance), ("gamma", bn.gamma), ("beta", bn.beta)] {
                    if let i = firstNonFinite(values) { return (layer.name, "batch-norm \(name) entry \(i) is \(values[i])") }
                }
                if !(bn.epsilon.isFinite && bn.epsilon >= 0) { return (layer.name, "batch-norm epsilon is \(bn.epsilon)") }
                if let i = bn.variance.firstIndex(where: { $0 < 0 }) {
                    return (layer.name, "batch-norm variance entry \(i) is \(bn.variance[i]); a variance is never negative")
                }
            case .lif(let lif):
                if let tau = lif.tau, !(tau.isFinite && tau > 0) { return (layer.name, "tau is \(tau)") }
                if !lif.threshold.isFinite || !lif.reset.isFinite {
                    return (layer.name, "threshold \(lif.threshold), reset \(lif.reset): not finite")
                }
            default: break
            }
        }
        return nil
    }
}
