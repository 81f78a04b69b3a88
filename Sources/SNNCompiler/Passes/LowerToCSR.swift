import SNNIR

/// Builds the fan-out table of every synaptic layer from its integer weights.
///
/// - linear `[out, in]`: the CSR of `Wᵀ`, shape `(in, out)`: row = input unit, column = output unit;
/// - conv `[Cout, Cin, kH, kW]`: the kernel CSR, shape `(Cin, Cout·kH·kW)` (`KernelCSRLayout`);
/// - identity `[n]`: the diagonal, shape `(n, n)`.
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
            weights.fanout = CSRMatrix(dense: q.values, rows: l.outFeatures, columns: l.inFeatures).transposed()
        case .identity(let id):
            let rowOffsets = Array(0...id.units)
            weights.fanout = CSRMatrix(
                rows: id.units, columns: id.units, rowOffsets: rowOffsets,
                columnIndices: (0..<id.units).map { Int32($0) }, values: q.values
            )
            .dropZeros()
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

extension CSRMatrix where Value == Int32 {
    /// The same matrix without stored zeros.
    func dropZeros() -> CSRMatrix {
        var offsets = [0]
        var indices: [Int32] = []
        var data: [Int32] = []
        for r in 0..<rows {
            for e in entries(ofRow: r) where values[e] != 0 {
                indices.append(columnIndices[e])
                data.append(values[e])
            }
            offsets.append(data.count)
        }
        return CSRMatrix(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: data)
    }
}
