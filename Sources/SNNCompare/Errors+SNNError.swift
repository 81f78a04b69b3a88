import SNNDiagnostics

/// `ComparisonError` as an `SNNError`: the caller knows the files involved, so there is no location.
extension ComparisonError: SNNError {
    /// Always nil.
    public var location: String? { nil }
}
