import SNNDiagnostics

/// `TicketFileError` as an `SNNError`: the file is the location.
extension TicketFileError: SNNError {
    /// The ticket file's path.
    public var location: String? { path }
}

/// `ModelFileError` as an `SNNError`: the file is the location.
extension ModelFileError: SNNError {
    /// The file as given.
    public var location: String? { path }
}

/// `SearchConfigError` as an `SNNError`: the description is the reason.
extension SearchConfigError: SNNError {
    /// The description.
    public var reason: String { description }
    /// Always nil: a search configuration is not a file.
    public var location: String? { nil }
    /// Always nil.
    public var hint: String? { nil }
}

// `SearchInterrupted` deliberately does not adopt `SNNError`: it is not a failure but the signal
// that `stopAfterEpochs` was reached after the file was written; callers catch it and report
// how to resume (snnc prune prints a note and exits 0).

/// `SearchCannotFit` as an `SNNError`: the search, not a file, is where it failed.
extension SearchCannotFit: SNNError {
    /// Always nil: the ticket file is named by the caller.
    public var location: String? { nil }
}

/// `BestFitError` as an `SNNError`: the caller names the file.
extension BestFitError: SNNError {
    /// Always nil: the ticket file is named by the caller.
    public var location: String? { nil }
}
