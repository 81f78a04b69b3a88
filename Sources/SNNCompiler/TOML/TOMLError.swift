/// A TOML syntax error: the file, the line and column where reading stopped, and why.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name as the caller gave it (used only for messages).
    public var file: String
    /// Where the problem is.
    public var position: TOMLPosition
    /// What is wrong, as a lowercase phrase without a final period.
    public var reason: String

    /// Creates an error at `position` in `file`.
    public init(file: String, position: TOMLPosition, reason: String) {
        self.file = file
        self.position = position
        self.reason = reason
    }

    /// `file:line:column: reason`.
    public var description: String { "\(file):\(position.line):\(position.column): \(reason)" }
}
