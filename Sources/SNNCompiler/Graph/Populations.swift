import SNNIR

/// A layer whose units are neurons on the chip (a LIF group, or the readout's logit
/// accumulators), with the synaptic layers that feed it.
struct Population {
    /// The population's layer name.
    var name: String
    /// Index of the population's layer in the graph.
    var index: Int
    /// Neurons (units of the layer's shape).
    var units: Int
    /// True for the readout (the last layer, a linear layer feeding itself).
    var isReadout: Bool
    /// Indices of the synaptic layers whose currents drive the population.
    var feeders: [Int]
}

extension Graph {
    /// The populations in execution order, after `foldInputGain`: each LIF group with the conv,
    /// linear and identity layers feeding it (through at most one `add`), then the readout.
    func populations() throws(CompileError) -> [Population] {
        var result: [Population] = []
        var fed: Set<Int> = []
        for (i, layer) in layers.enumerated() {
            guard case .lif = layer.op else { continue }
            guard let source = layer.inputs.first, let s = index(of: source) else { continue }
            var feeders: [Int] = []
            if layers[s].op == .add {
                for branch in layers[s].inputs {
                    guard let b = index(of: branch), layers[b].op.isSynaptic else {
                        throw CompileError(
                            .unsupportedGraph, layer: layer.name,
                            reason: "the sum feeding this LIF group has a branch '\(branch)' "
                                + "that is not a conv, linear or identity layer",
                            hint: "run foldInputGain first")
                    }
                    feeders.append(b)
                }
            } else if layers[s].op.isSynaptic {
                feeders = [s]
            } else {
                throw CompileError(
                    .unsupportedGraph, layer: layer.name,
                    reason: "this LIF group reads '\(source)', which is not a conv, linear or identity layer",
                    hint: "run foldInputGain first")
            }
            fed.formUnion(feeders)
            result.append(Population(name: layer.name, index: i, units: layer.unitCount, isReadout: false, feeders: feeders))
        }
        guard let last = layers.indices.last, case .linear = layers[last].op else {
            throw CompileError(
                .unsupportedGraph, layer: layers.last?.name,
                reason: "the last layer must be the linear readout")
        }
        fed.insert(last)
        result.append(
            Population(
                name: layers[last].name, index: last, units: layers[last].unitCount,
                isReadout: true, feeders: [last]))
        for (i, layer) in layers.enumerated() where layer.op.isSynaptic && !fed.contains(i) {
            throw CompileError(
                .unsupportedGraph, layer: layer.name,
                reason: "this synaptic layer drives neither a LIF group nor the readout")
        }
        return result
    }

    /// The index of the population-producing layer (LIF group) or input whose outputs reach the
    /// layer at `index` through pools and flattens only, and the pools on the way (nearest last).
    func eventSource(of layerIndex: Int) -> (source: Int, pools: [Int]) {
        var pools: [Int] = []
        var current = layerIndex
        while let input = layers[current].inputs.first, let i = index(of: input) {
            switch layers[i].op {
            case .pool:
                pools.insert(i, at: 0)
                current = i
            case .flatten: current = i
            default: return (i, pools)
            }
        }
        return (current, pools)
    }

    /// The index in the source population of the first neuron whose events make up input unit
    /// `unit` after the given pools (ordered from the source onward; flattens keep indices).
    func sourceNeuron(of unit: Int, through pools: [Int]) -> Int {
        var u = unit
        for poolIndex in pools.reversed() {
            guard case .pool(let pool) = layers[poolIndex].op, let input = layer(named: layers[poolIndex].inputs[0]) else { continue }
            let out = layers[poolIndex].shape
            let inShape = input.shape
            guard out.count == 3, inShape.count == 3 else { continue }
            let c = u / (out[1] * out[2])
            let oy = (u / out[2]) % out[1]
            let ox = u % out[2]
            let iy = max(0, oy * pool.geometry.strideH - pool.geometry.padH)
            let ix = max(0, ox * pool.geometry.strideW - pool.geometry.padW)
            u = (c * inShape[1] + iy) * inShape[2] + ix
        }
        return u
    }
}
