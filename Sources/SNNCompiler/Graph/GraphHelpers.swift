import SNNIR

/// Small graph edits and checks the passes share.
extension Graph {
    /// Throws `.passOrder` unless `pass` has been applied.
    func require(_ pass: String, before current: String) throws(CompileError) {
        guard passes.contains(pass) else {
            let done = passes.isEmpty ? "none" : passes.joined(separator: ", ")
            throw CompileError(.passOrder, reason: "'\(current)' needs '\(pass)' to have run first (passes so far: \(done))")
        }
    }

    /// The synaptic weights of the layer at `index`, if it is synaptic.
    func weights(at index: Int) -> SynapticWeights? {
        layers[index].op.synapticWeights
    }

    /// Replaces the synaptic weights of the layer at `index` (which must be synaptic).
    mutating func setWeights(_ weights: SynapticWeights, at index: Int) {
        switch layers[index].op {
        case .conv(var c):
            c.weights = weights
            layers[index].op = .conv(c)
        case .linear(var l):
            l.weights = weights
            layers[index].op = .linear(l)
        case .identity(var i):
            i.weights = weights
            layers[index].op = .identity(i)
        default: preconditionFailure("layer '\(layers[index].name)' has no weights")
        }
    }

    /// Renames every reference to `old` in layer inputs to `new`.
    mutating func redirectInputs(from old: String, to new: String) {
        for i in layers.indices {
            layers[i].inputs = layers[i].inputs.map { $0 == old ? new : $0 }
        }
    }
}
