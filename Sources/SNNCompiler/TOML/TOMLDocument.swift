/// A parsed TOML document in the subset snnc reads.
///
/// Supported: `[table]` and `[dotted.table]` headers (bare or quoted names); `key = value` with a
/// bare or quoted key; basic strings with escapes (`\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`);
/// literal strings; integers (sign, `_` between digits, `0x`/`0o`/`0b`); floats (fraction and/or
/// exponent, e.g. `100e6`, `1.5e-3`); booleans; arrays of these, across lines, with comments and a
/// trailing comma; `#` comments outside strings. Everything else (inline tables, arrays of tables,
/// dotted keys, multi-line strings, dates, `inf`/`nan`) is a syntax error, as are duplicate keys and
/// tables defined twice.
public struct TOMLDocument: Sendable, Equatable {
    /// The file name given to the parser (for messages).
    public var file: String
    /// The top-level table; `[headers]` appear in it as `.table` values.
    public var root: TOMLTable

    /// Parses `text`; `file` is only used in error messages.
    public init(parsing text: String, file: String) throws(TOMLError) {
        var parser = TOMLParser(text: text, file: file)
        self.file = file
        self.root = try parser.parseDocument()
    }
}
