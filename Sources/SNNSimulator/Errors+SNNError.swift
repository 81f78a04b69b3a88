import SNNDiagnostics

/// `SimulatorError` as an `SNNError`: the description is the reason (a sentence that names the
/// layer); the layer at fault is also the location, so callers can point at it.
extension SimulatorError: SNNError {
    /// The description.
    public var reason: String { description }

    /// `layer 'x'` for the cases about one layer; nil for the graph, the placement and the input.
    public var location: String? {
        switch self {
        case .unsupported(let layer, _), .notQuantized(let layer), .notLowered(let layer),
            .shapeMismatch(let layer, _), .invalidFanout(let layer, _):
            "layer '\(layer)'"
        case .invalidGraph, .invalidPlacement, .missingInputQuantization, .imageSize:
            nil
        }
    }

    /// Always nil: the fix (run a compiler pass, export again) is in the reason or the caller's.
    public var hint: String? { nil }
}
