import SNNDiagnostics

/// `CheckpointError` as an `SNNError`: the file is the location.
extension CheckpointError: SNNError {
    /// The checkpoint's path.
    public var location: String? { path }
}

/// `ModelError` as an `SNNError`: the description is the reason (it names the node).
extension ModelError: SNNError {
    /// The description.
    public var reason: String { description }
    /// Always nil: a model specification is not a file.
    public var location: String? { nil }
    /// Always nil.
    public var hint: String? { nil }
}

/// `DeploymentBridgeError` as an `SNNError`: the caller knows the model's file.
extension DeploymentBridgeError: SNNError {
    /// Always nil.
    public var location: String? { nil }
}

/// `TrainingDiverged` as an `SNNError`: the description (epoch, run, parameter) is the reason;
/// the file it leaves behind and the advice depend on the caller (which flags, which file).
extension TrainingDiverged: SNNError {
    /// The description.
    public var reason: String { description }
    /// Always nil.
    public var location: String? { nil }
    /// Always nil.
    public var hint: String? { nil }
}

/// `ValidationSetError` as an `SNNError`: the data's settings, not a file, are at fault.
extension ValidationSetError: SNNError {
    /// Always nil: the caller names the data set or the ticket file.
    public var location: String? { nil }
}
