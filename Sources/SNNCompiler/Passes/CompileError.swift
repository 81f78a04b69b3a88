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
