/// Why a graph cannot be simulated, or an input does not fit it.
///
/// Every case names the layer (or the part of the graph) at fault, so a malformed deployment
/// file gives a message a user can act on instead of a crash.
public enum SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The graph breaks a structural invariant of SNNIR (`Graph.structuralProblems()`).
    case invalidGraph(problems: [String])
    /// A layer kind or a connection the simulators do not execute.
    case unsupported(layer: String, reason: String)
    /// A synaptic layer or LIF group without the integer parameters of `quantize`.
    case notQuantized(layer: String)
    /// A synaptic layer without the fan-out table of `lowerToCSR` (the event simulator needs it).
    case notLowered(layer: String)
    /// Shapes or array sizes of a layer that do not agree with each other.
    case shapeMismatch(layer: String, detail: String)
    /// A fan-out table that does not describe the layer's connections.
    case invalidFanout(layer: String, detail: String)
    /// A placement that does not cover the populations exactly.
    case invalidPlacement(detail: String)
    /// Analog images were given but the graph has no `inputQuantization`.
    case missingInputQuantization
    /// An image whose size is not the input layer's.
    case imageSize(expected: Int, found: Int)

    /// One sentence naming what is wrong and where.
    public var description: String {
        switch self {
        case .invalidGraph(let problems):
            "the graph is malformed: " + problems.joined(separator: "; ")
        case .unsupported(let layer, let reason):
            "layer '\(layer)' cannot be simulated: \(reason)"
        case .notQuantized(let layer):
            "layer '\(layer)' has no integer parameters (run the compiler's quantize pass first)"
        case .notLowered(let layer):
            "layer '\(layer)' has no fan-out table (run the compiler's lowerToCSR pass first)"
        case .shapeMismatch(let layer, let detail):
            "layer '\(layer)' has inconsistent shapes: \(detail)"
        case .invalidFanout(let layer, let detail):
            "layer '\(layer)' has an invalid fan-out table: \(detail)"
        case .invalidPlacement(let detail):
            "the core placement is invalid: \(detail)"
        case .missingInputQuantization:
            "the graph has no input quantisation, so analog images cannot be turned into integers"
        case .imageSize(let expected, let found):
            "an image has \(found) values but the input layer takes \(expected)"
        }
    }
}
