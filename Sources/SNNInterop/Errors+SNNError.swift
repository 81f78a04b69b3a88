import SNNDiagnostics

/// `NIRImportError` as an `SNNError`: the node and its field are the location.
extension NIRImportError: SNNError {}

/// `NIRExportError` as an `SNNError`: the engine node is the location.
extension NIRExportError: SNNError {
    /// `node 'x'`.
    public var location: String? { "node '\(node)'" }
}
