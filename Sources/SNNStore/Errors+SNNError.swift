import SNNDiagnostics

/// `HDF5Error` as an `SNNError`: the file and the object in it are the location.
extension HDF5Error: SNNError {
    /// `file` or `file:object`.
    public var location: String? { file + (object.map { ":" + $0 } ?? "") }
}
