import SNNTensor

/// Structured pruning as a smaller model: a state whose layers keep only some output channels.
///
/// Removing channel c of a conv (or unit c of a hidden linear layer) removes row c of its
/// weight, bias and mask, channel c of the batch norm reading it (γ, β, running mean and
/// variance) and input channel c of the next conv, or the c-th block of flattened features of
/// the next linear layer. The result is a plain model of the reduced architecture
/// (`ModelSpec.keptChannels` records the map to the unpruned channels), so training,
/// evaluation, export, simulation and NIR export need nothing else.
extension TrainingState {
    /// This state reduced to `selections` (indices of the unpruned layers; a layer not listed
    /// keeps every channel). Every selected channel must still be in this state: a selection
    /// only ever drops channels. Momentum is dropped (a new run starts its own).
    /// - Throws: `ModelError` for a selection the model cannot take or one that restores a
    ///   channel this state no longer has.
    public func keepingChannels(_ selections: [ChannelSelection]) throws -> TrainingState {
        let graph = try LayerGraph(spec)
        let full = try LayerGraph(spec.unpruned)
        var reduced = spec
        let order = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.name, $0) })
        let sorted = selections.sorted { (order[$0.layer] ?? Int.max) < (order[$1.layer] ?? Int.max) }
        reduced.keptChannels = sorted.isEmpty ? nil : sorted
        let reducedGraph = try LayerGraph(reduced)
        var state = self
        state.spec = reduced
        state.momentum = []
        for (i, node) in graph.nodes.enumerated() where i != graph.nodes.count - 1 {
            let count: Int
            switch node.op {
            case .conv(_, let out, _, _), .linear(_, let out, _): count = out
            default: continue
            }
            let current = spec.keptChannels?.first { $0.layer == node.name }?.channels ?? Array(0..<count)
            let unpruned = full.nodes[full.index(of: node.name) ?? i].shape[0]
            let wanted = reduced.keptChannels?.first { $0.layer == node.name }?.channels ?? Array(0..<unpruned)
            guard wanted != current else { continue }
            let positions = try wanted.map { c in
                guard let p = current.firstIndex(of: c) else {
                    throw ModelError(
                        description: "kept channels of '\(node.name)': channel \(c) was already removed; a selection can only drop channels"
                    )
                }
                return p
            }
            state.parameters.select(positions, of: node, at: i, in: graph, outOf: count)
        }
        for (name, shape) in ParameterSet(layoutOf: reducedGraph).parameters.map({ ($0.name, $0.value.shape) })
        where state.parameters.parameterIndex(name).map({ state.parameters.parameters[$0].value.shape }) != shape {
            throw ModelError(description: "reducing '\(name)' to its kept channels gave the wrong shape (expected \(shape))")
        }
        return state
    }
}

extension ParameterSet {
    /// Keeps output channels `positions` (of `count`) of the conv or linear `node` (index `i`):
    /// its weight, bias and mask, the batch norm that reads it, and the matching inputs of the
    /// next conv or linear layer.
    fileprivate mutating func select(_ positions: [Int], of node: LayerNode, at i: Int, in graph: LayerGraph, outOf count: Int) {
        selectParameter(node.name + ".weight", positions, axis: 0)
        selectParameter(node.name + ".bias", positions, axis: 0)
        for bn in graph.nodes where bn.inputs == [i] {
            guard case .batchNorm = bn.op else { continue }
            selectParameter(bn.name + ".weight", positions, axis: 0)
            selectParameter(bn.name + ".bias", positions, axis: 0)
            for buffer in [".running_mean", ".running_var"] {
                if let b = bufferIndex(bn.name + buffer) { buffers[b].value = buffers[b].value.selecting(positions, axis: 0) }
            }
        }
        guard let next = graph.nodes[(i + 1)...].first(where: { $0.isSynaptic }), let inputs = next.inputCount else { return }
        let block = inputs / count
        let features = positions.flatMap { p in (p * block)..<((p + 1) * block) }
        selectParameter(next.name + ".weight", features, axis: 1)
    }

    /// Keeps `indices` along `axis` of the parameter `name` and its mask; nothing when absent.
    private mutating func selectParameter(_ name: String, _ indices: [Int], axis: Int) {
        guard let p = parameterIndex(name) else { return }
        parameters[p].value = parameters[p].value.selecting(indices, axis: axis)
        parameters[p].mask = parameters[p].mask?.selecting(indices, axis: axis)
    }
}

extension LayerNode {
    /// A conv or linear node.
    public var isSynaptic: Bool { inputCount != nil }

    /// Input channels of a conv, input features of a linear layer; nil for other nodes.
    var inputCount: Int? {
        switch op {
        case .conv(let cin, _, _, _): cin
        case .linear(let inFeatures, _, _): inFeatures
        default: nil
        }
    }
}

extension Tensor {
    /// The slices `indices` (in this order) along `axis`, row-major.
    func selecting(_ indices: [Int], axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *)
        let size = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Float]()
        result.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for index in indices {
                let start = (o * size + index) * inner
                result.append(contentsOf: scalars[start..<(start + inner)])
            }
        }
        var newShape = shape
        newShape[axis] = indices.count
        return Tensor(shape: newShape, scalars: result)
    }
}
