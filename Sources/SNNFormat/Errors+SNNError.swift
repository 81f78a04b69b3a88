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

/// `DeploymentValidationError` as an `SNNError`: the rule and what was found are the reason.
extension DeploymentValidationError: SNNError {
    /// What was found, then the rule broken.
    public var reason: String { "\(detail) (rule: \(rule.rawValue))" }
    /// `path:object`.
    public var location: String? { "\(path):\(object)" }
    /// Why the file is refused and what to do.
    public var hint: String? {
        "snnc refuses a deployment file that breaks a rule before using it (docs/HARDENING.md); "
            + "the file is damaged or was not written by snnc: export it again"
    }
}
