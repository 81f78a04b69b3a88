import SNNDiagnostics

/// `CompileError` as an `SNNError`: the layer and the profile limit are the location.
extension CompileError: SNNError {
    /// `layer 'x'`, `limit [table] key = value`, or both joined by `; `; nil when neither is known.
    public var location: String? {
        let parts = [layer.map { "layer '\($0)'" }, limit.map { "limit \($0)" }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// `TOMLError` as an `SNNError`: the file, line and column are the location.
extension TOMLError: SNNError {
    /// `file:line:column`.
    public var location: String? { "\(file):\(position.line):\(position.column)" }
    /// Always nil.
    public var hint: String? { nil }
}

/// `ProfileError` as an `SNNError`: `location` (the file, with line and column when known) and
/// `hint` are the type's own; the reason leaves out the subject (`[table] key = value`), which
/// `message` and `description` include.
extension ProfileError: SNNError {}
