import SNNIR

/// A graph the compiler cannot lower for a target, naming the layer, the limit and a fix.
///
/// The description reads `layer 'conv3': <reason> [limit] (hint: …)`.
public struct CompileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of problem.
    public enum Kind: Sendable, Equatable {
        /// The graph has a structure the pass does not handle (e.g. batch norm after a pool).
        case unsupportedGraph
        /// A pass ran before one it depends on (a programming or pipeline error).
        case passOrder
        /// Weights or neuron constants cannot be represented in the target's integers.
        case quantization
        /// The neuron leak cannot be expressed with the target's leak arithmetic.
        case leak
        /// A layer or the whole network does not fit the target's cores.
        case capacity
    }

    /// The category.
    public var kind: Kind
    /// The layer involved, if one is.
    public var layer: String?
    /// The profile limit involved, as `[table] key = value` (e.g. `[cores] neurons_per_core = 1024`).
    public var limit: String?
    /// What is wrong.
    public var reason: String
    /// What to try next.
    public var hint: String?

    /// Creates an error.
    public init(_ kind: Kind, layer: String? = nil, limit: String? = nil, reason: String, hint: String? = nil) {
        self.kind = kind
        self.layer = layer
        self.limit = limit
        self.reason = reason
        self.hint = hint
    }

    /// The message without the hint: `layer 'x': reason (limit: [table] key = value)`.
    public var message: String {
        var text = layer.map { "layer '\($0)': " } ?? ""
        text += reason
        if let limit { text += " (limit: \(limit))" }
        return text
    }

    /// The message, then ` (hint: …)` if there is one.
    public var description: String { hint.map { "\(message) (hint: \($0))" } ?? message }
}

extension Graph {
    /// Throws `.passOrder` unless `pass` has been applied.
    func require(_ pass: String, before current: String) throws(CompileError) {
        guard passes.contains(pass) else {
            throw CompileError(.passOrder, reason: "'\(current)' needs '\(pass)' to have run first (passes so far: \(passes.isEmpty ? "none" : passes.joined(separator: ", ")))")
        }
    }

    /// The synaptic weights of the layer at `index`, if it is synaptic.
    func weights(at index: Int) -> SynapticWeights? {
        layers[index].op.synapticWeights
    }

    /// Replaces the synaptic weights of the layer at `index` (which must be synaptic).
    mutating func setWeights(_ weights: SynapticWeights, at index: Int) {
        switch layers[index].op {
        case .conv(var c): c.weights = weights; layers[index].op = .conv(c)
        case .linear(var l): l.weights = weights; layers[index].op = .linear(l)
        case .identity(var i): i.weights = weights; layers[index].op = .identity(i)
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
