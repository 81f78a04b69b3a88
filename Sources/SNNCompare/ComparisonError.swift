/// Why a float model and a deployment cannot be compared.
public struct ComparisonError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong.
    public var reason: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(reason: String, hint: String? = nil) {
        self.reason = reason
        self.hint = hint
    }

    /// The reason, then ` (hint: …)` if there is a hint.
    public var description: String { reason + (hint.map { " (hint: \($0))" } ?? "") }
}
