import SNNIR

/// Builds the fan-out table of every synaptic layer from its integer weights.
///
/// - linear `[out, in]`: the CSR of `Wᵀ`, shape `(in, out)`: row = input unit, column = output unit;
/// - conv `[Cout, Cin, kH, kW]`: the kernel CSR, shape `(Cin, Cout·kH·kW)`: row = input channel,
///   column = `(cout·kH + ky)·kW + kx`, so a spike of channel `ci` at `(y, x)` reaches output
///   `(cout, oy, ox)` with `oy·sH − pH + ky = y` and `ox·sW − pW + kx = x` for each stored entry;
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
            weights.fanout = CSRMatrix(rows: id.units, columns: id.units, rowOffsets: rowOffsets,
                                       columnIndices: (0..<id.units).map { Int32($0) }, values: q.values)
                .dropZeros()
        case .conv(let c):
            weights.fanout = kernelCSR(q.values, c)
        default:
            continue
        }
        g.setWeights(weights, at: i)
    }
    g.passes.append("lowerToCSR")
    return g
}

/// The kernel CSR of a conv's integer weights.
func kernelCSR(_ values: [Int32], _ conv: ConvLayer) -> CSRMatrix<Int32> {
    let cin = conv.inChannels, cout = conv.outChannels
    let kk = conv.geometry.kernelH * conv.geometry.kernelW
    var offsets = [0], indices: [Int32] = [], data: [Int32] = []
    offsets.reserveCapacity(cin + 1)
    for ci in 0..<cin {
        for co in 0..<cout {
            let base = (co * cin + ci) * kk
            for k in 0..<kk where values[base + k] != 0 {
                indices.append(Int32(co * kk + k))
                data.append(values[base + k])
            }
        }
        offsets.append(data.count)
    }
    return CSRMatrix(rows: cin, columns: cout * kk, rowOffsets: offsets, columnIndices: indices, values: data)
}

/// The dense `[Cout, Cin, kH, kW]` weights of a kernel CSR (the inverse of `kernelCSR`).
public func denseKernel(from csr: CSRMatrix<Int32>, _ conv: ConvLayer) -> [Int32] {
    let cin = conv.inChannels
    let kk = conv.geometry.kernelH * conv.geometry.kernelW
    var out = [Int32](repeating: 0, count: conv.outChannels * cin * kk)
    for ci in 0..<csr.rows {
        for e in csr.entries(ofRow: ci) {
            let column = Int(csr.columnIndices[e])
            out[((column / kk) * cin + ci) * kk + column % kk] = csr.values[e]
        }
    }
    return out
}

extension CSRMatrix where Value == Int32 {
    /// The same matrix without stored zeros.
    func dropZeros() -> CSRMatrix {
        var offsets = [0], indices: [Int32] = [], data: [Int32] = []
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
