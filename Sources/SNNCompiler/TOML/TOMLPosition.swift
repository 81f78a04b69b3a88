/// A place in a TOML text: 1-based line and column.
///
/// Columns count Unicode scalars, so a tab or a non-ASCII letter is one column.
public struct TOMLPosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, starting at 1.
    public var line: Int
    /// The column within the line, starting at 1.
    public var column: Int

    /// Creates a position from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, the form compilers print.
    public var description: String { "\(line):\(column)" }
}
