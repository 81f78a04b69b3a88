import SNNIR

/// Turns every average pool into a sum pool and moves its `1/(kH·kW)` into the weights of the
/// layers that read it (directly or through a flatten).
///
/// On spikes a sum pool yields an integer count, which an integer pipeline can carry as an
/// event payload; the average's divisor becomes part of the next weights, which are quantised
/// anyway. Padding counts as zeros in both forms, so the result is the same function.
///
/// - Throws: `CompileError.unsupportedGraph` when an average pool (or the flatten after it)
///   feeds something other than conv or linear layers.
public func foldAveragePooling(_ graph: Graph) throws(CompileError) -> Graph {
    var g = graph
    for index in g.layers.indices {
        guard case .pool(var pool) = g.layers[index].op, pool.kind == .average else { continue }
        let name = g.layers[index].name
        var readers: [String] = []
        for consumer in g.consumers(of: name) {
            if g.layer(named: consumer)?.op == .flatten {
                readers += g.consumers(of: consumer)
            } else {
                readers.append(consumer)
            }
        }
        let divisor = Double(pool.geometry.kernelH * pool.geometry.kernelW)
        for reader in readers {
            guard let readerIndex = g.index(of: reader), var weights = g.weights(at: readerIndex),
                !{ if case .identity = g.layers[readerIndex].op { true } else { false } }()
            else {
                throw CompileError(
                    .unsupportedGraph, layer: name,
                    reason: "an average pool must feed conv or linear layers (directly or through a flatten), but it feeds '\(reader)'")
            }
            weights.weight.values = weights.weight.values.map { Float(Double($0) / divisor) }
            g.setWeights(weights, at: readerIndex)
        }
        pool.kind = .sum
        g.layers[index].op = .pool(pool)
    }
    g.passes.append("foldAveragePooling")
    return g
}
