import SNNIR

/// Builds the fan-out table of every synaptic layer from its integer weights.
///
/// - linear `[out, in]`: the CSR of `Wᵀ`, shape `(in, out)`: row = input unit, column = output unit
///   (`LinearCSRLayout`);
/// - conv `[Cout, Cin, kH, kW]`: the kernel CSR, shape `(Cin, Cout·kH·kW)` (`KernelCSRLayout`);
/// - identity `[n]`: the diagonal, shape `(n, n)` (`IdentityCSRLayout`).
///
/// Entries whose integer weight is 0 (pruned, or rounded to 0) are left out. The unrolled synapse
/// count of a conv (one per input-unit/output-unit pair) is reported by `estimate`.
///
/// - Throws: `CompileError.passOrder` before `quantize`.
public func lowerToCSR(_ graph: Graph) throws(CompileError) -> Graph {
    try graph.require("quantize", before: "lowerToCSR")
    var g = graph
    for i in g.layers.indices {
        guard var weights = g.weights(at: i) else { continue }
        guard let q = weights.quantized else {
            throw CompileError(.passOrder, layer: g.layers[i].name, reason: "the layer has no integer weights")
        }
        switch g.layers[i].op {
        case .linear(let l):
            weights.fanout = LinearCSRLayout(l).table(q.values)
        case .identity(let id):
            weights.fanout = IdentityCSRLayout(id).table(q.values)
        case .conv(let c):
            weights.fanout = KernelCSRLayout(c).table(q.values)
        default:
            continue
        }
        g.setWeights(weights, at: i)
    }
    g.passes.append("lowerToCSR")
    return g
}
