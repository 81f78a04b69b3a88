import SNNDiagnostics

/// `DataError` as an `SNNError`: what failed and why are the reason, the file is the location.
extension DataError: SNNError {
    /// `what: why`, e.g. `truncated file: expected 800 bytes but got only 10 (790 missing)`.
    public var reason: String { "\(what): \(why)" }
    /// The file, or nil when no single file is involved.
    public var location: String? { path }
}
