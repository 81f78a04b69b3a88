import SNNFormat

/// The NIR node types snnc imports, parsed once from `NIRNode.type` (NIR's class names); a type
/// outside this list has no kind, and the importer names it in its error.
enum NIRNodeKind: String, CaseIterable, Sendable {
    case input = "Input"
    case output = "Output"
    case affine = "Affine"
    case linear = "Linear"
    case conv2d = "Conv2d"
    case lif = "LIF"
    case integrateAndFire = "IF"
    case cubaLIF = "CubaLIF"
    case sumPool2d = "SumPool2d"
    case avgPool2d = "AvgPool2d"
    case flatten = "Flatten"
    case scale = "Scale"

    /// The supported types in the order above, for error hints: `Input, Output, …, Scale`.
    static var supportedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension NIRNode {
    /// The node's kind, or nil for a type snnc does not import.
    var kind: NIRNodeKind? { NIRNodeKind(rawValue: type) }
}
