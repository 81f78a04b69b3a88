import SNNDiagnostics

/// `CSRError` as an `SNNError`: the broken invariant is the reason; a matrix in memory has no
/// place of its own (readers wrap the error with the file and the table).
extension CSRError: SNNError {
    /// Always nil.
    public var location: String? { nil }
    /// Always nil.
    public var hint: String? { nil }
}
