import SNNDiagnostics

/// `DeploymentFileError` as an `SNNError`: the file and the object in it are the location.
extension DeploymentFileError: SNNError {
    /// `path` or `path:object`.
    public var location: String? { path + (object.map { ":" + $0 } ?? "") }
}

/// `NIRReadError` as an `SNNError`: the file and the object in it are the location.
extension NIRReadError: SNNError {
    /// `path:object`.
    public var location: String? { "\(path):\(object)" }
    /// Always nil: the caller knows where the file came from.
    public var hint: String? { nil }
}
