import SNNIR

/// Folds each LIF group's input gain 1/τ into the layers that feed it (IF groups have gain 1).
///
/// The float LIF `H = V + (X − V)/τ` equals `H = decay·V + X/τ` with `decay = 1 − 1/τ`. This
/// pass multiplies the weights and bias of every synaptic layer feeding a LIF group (directly,
/// or through a residual `add`) by `1/τ` (in Double, rounded once to Float) and marks the group
/// `inputGainFolded`, so that a neuron only leaks and adds its input current. A branch of an
/// `add` that carries spikes straight from another layer (an identity shortcut) gets a new
/// `identity` layer of gain 1/τ named `<add>.skip` (`<add>.skip<k>` when several), placed before
/// the add. Whether the remaining decay can be done in integers is decided by `quantize`.
///
/// - Throws: `CompileError.unsupportedGraph` when a layer feeding a LIF also feeds other layers
///   (scaling it would change them too).
public func foldInputGain(_ graph: Graph) throws(CompileError) -> Graph {
    var g = graph
    var i = 0
    while i < g.layers.count {
        guard case .lif(var lif) = g.layers[i].op, !lif.inputGainFolded else {
            i += 1
            continue
        }
        let lifName = g.layers[i].name
        guard lif.isLeaky, lif.synapse == nil else {
            // Integrate-and-fire and current-based neurons add their input unscaled: nothing to fold.
            lif.inputGainFolded = true
            g.layers[i].op = .lif(lif)
            i += 1
            continue
        }
        let gain = lif.inputGain
        guard let source = g.layers[i].inputs.first, let sourceIndex = g.index(of: source) else {
            i += 1
            continue
        }
        if case .add = g.layers[sourceIndex].op {
            try requireSoleConsumer(g, source, of: lifName)
            let branches = g.layers[sourceIndex].inputs
            var skips = 0
            for branch in branches {
                guard let branchIndex = g.index(of: branch) else { continue }
                if isScalable(g.layers[branchIndex].op) {
                    try requireSoleConsumer(g, branch, of: source)
                    scale(&g, at: branchIndex, by: gain)
                } else {
                    let name = g.layers[sourceIndex].name + ".skip" + (branches.count > 2 ? String(skips) : "")
                    skips += 1
                    insertIdentity(
                        &g, named: name, reading: branch, before: g.index(of: source) ?? sourceIndex,
                        consumer: source, gain: gain)
                }
            }
        } else if isScalable(g.layers[sourceIndex].op) {
            try requireSoleConsumer(g, source, of: lifName)
            scale(&g, at: sourceIndex, by: gain)
        } else {
            insertIdentity(&g, named: lifName + ".skip", reading: source, before: i, consumer: lifName, gain: gain)
        }
        guard let lifIndex = g.index(of: lifName) else { break }
        lif.inputGainFolded = true
        g.layers[lifIndex].op = .lif(lif)
        i = lifIndex + 1
    }
    g.passes.append("foldInputGain")
    return g
}

/// Conv and linear layers take the gain into their weights; everything else gets an identity.
private func isScalable(_ op: Operation) -> Bool {
    switch op {
    case .conv, .linear: true
    default: false
    }
}

private func requireSoleConsumer(_ g: Graph, _ name: String, of consumer: String) throws(CompileError) {
    let consumers = g.consumers(of: name)
    guard consumers == [consumer] else {
        throw CompileError(
            .unsupportedGraph, layer: name,
            reason:
                "feeds \(consumers.map { "'\($0)'" }.joined(separator: ", ")); the LIF input gain can only be folded into a layer "
                + "that feeds one LIF group"
        )
    }
}

private func scale(_ g: inout Graph, at index: Int, by gain: Double) {
    guard var weights = g.weights(at: index) else { return }
    weights.weight.values = weights.weight.values.map { Float(Double($0) * gain) }
    weights.bias = weights.bias?.map { Float(Double($0) * gain) }
    g.setWeights(weights, at: index)
}

private func insertIdentity(
    _ g: inout Graph, named name: String, reading source: String, before position: Int,
    consumer: String, gain: Double
) {
    guard let sourceLayer = g.layer(named: source) else { return }
    let units = sourceLayer.unitCount
    let weights = SynapticWeights(
        weight: DenseTensor(shape: [units], values: [Float](repeating: Float(gain), count: units)),
        bias: nil)
    let layer = Layer(
        name: name, inputs: [source], shape: sourceLayer.shape,
        op: .identity(IdentityLayer(units: units, weights: weights)))
    g.layers.insert(layer, at: position)
    if let consumerIndex = g.index(of: consumer) {
        g.layers[consumerIndex].inputs = g.layers[consumerIndex].inputs.map { $0 == source ? name : $0 }
    }
}
