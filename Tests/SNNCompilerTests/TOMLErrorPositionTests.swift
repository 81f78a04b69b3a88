import Testing

@testable import SNNCompiler

/// A malformed input and where and why parsing must stop.
struct MalformedTOML: Sendable, CustomTestStringConvertible {
    let text: String
    let line: Int
    let column: Int
    let reason: String

    var testDescription: String { "\(reason) at \(line):\(column)" }
}

/// Every syntax error reports the file, line, column and reason.
@Suite struct TOMLErrorPositionTests {
    static let cases: [MalformedTOML] = [
        MalformedTOML(text: "a = 1\nb = \n", line: 2, column: 5, reason: "expected a value, found the end of the line"),
        MalformedTOML(text: "a = \"unterminated\n", line: 1, column: 5, reason: "unterminated string"),
        MalformedTOML(text: "a = 'unterminated\n", line: 1, column: 5, reason: "unterminated string"),
        MalformedTOML(text: "a = \"bad \\q escape\"\n", line: 1, column: 10, reason: "invalid escape '\\q'"),
        MalformedTOML(text: "a = \"\\u12\"\n", line: 1, column: 6, reason: "\\uXXXX needs 4 hexadecimal digits"),
        MalformedTOML(text: "a = \"\\uD800\"\n", line: 1, column: 6, reason: "is not a Unicode scalar value"),
        MalformedTOML(text: "a = \"tab\u{01}\"\n", line: 1, column: 9, reason: "control character U+0001 must be escaped"),
        MalformedTOML(
            text: "[cores]\ncores = 1\ncores = 2\n", line: 3, column: 1,
            reason: "duplicate key 'cores' (first defined at line 2)"),
        MalformedTOML(text: "[a]\nx = 1\n\n[a]\n", line: 4, column: 1, reason: "table [a] is already defined at line 1"),
        MalformedTOML(text: "x = 1\n[x]\n", line: 2, column: 1, reason: "cannot open table [x]: 'x' is already a value (line 1)"),
        MalformedTOML(text: "a = 1 2\n", line: 1, column: 7, reason: "expected the end of the line after the value, found '2'"),
        MalformedTOML(text: "[t] x = 1\n", line: 1, column: 5, reason: "after the table header, found 'x'"),
        MalformedTOML(text: "  [t\n", line: 1, column: 5, reason: "expected '.' or ']' in the table header, found the end of the line"),
        MalformedTOML(text: "a = [1, 2\nb = 3\n", line: 2, column: 1, reason: "expected ',' or ']' in the array, found 'b'"),
        MalformedTOML(text: "a = [1,,2]\n", line: 1, column: 8, reason: "expected a value (string, number, boolean or array), found ','"),
        MalformedTOML(text: "a = [1,\n  2\n", line: 1, column: 5, reason: "unterminated array"),
        MalformedTOML(text: "a = 01\n", line: 1, column: 5, reason: "leading zeros are not allowed"),
        MalformedTOML(text: "a = 1__0\n", line: 1, column: 6, reason: "'_' must stand between two digits"),
        MalformedTOML(text: "a = 1.\n", line: 1, column: 7, reason: "expected a digit in '1.'"),
        MalformedTOML(text: "a = 1e\n", line: 1, column: 7, reason: "expected a digit in '1e'"),
        MalformedTOML(text: "a = 1.5x\n", line: 1, column: 8, reason: "unexpected 'x' in number '1.5x'"),
        MalformedTOML(text: "a = 99999999999999999999\n", line: 1, column: 5, reason: "does not fit in 64 bits"),
        MalformedTOML(text: "a = 1e999\n", line: 1, column: 5, reason: "out of range"),
        MalformedTOML(text: "a = nan\n", line: 1, column: 5, reason: "inf and nan are not supported"),
        MalformedTOML(text: "a = 2024-01-01\n", line: 1, column: 5, reason: "dates and times are not supported"),
        MalformedTOML(text: "kind = chip\n", line: 1, column: 8, reason: "found 'chip' (strings need quotes)"),
        MalformedTOML(text: "a = { b = 1 }\n", line: 1, column: 5, reason: "inline tables"),
        MalformedTOML(text: "a = \"\"\"x\"\"\"\n", line: 1, column: 5, reason: "multi-line strings"),
        MalformedTOML(text: "[[t]]\n", line: 1, column: 1, reason: "arrays of tables"),
        MalformedTOML(text: "a.b = 1\n", line: 1, column: 2, reason: "dotted keys are not supported"),
        MalformedTOML(text: "= 1\n", line: 1, column: 1, reason: "expected a key, found '='"),
        MalformedTOML(text: "a = 1\rb = 2\n", line: 1, column: 6, reason: "carriage return without a line feed"),
        MalformedTOML(text: "a = 1 # bell \u{07}\n", line: 1, column: 14, reason: "control character U+0007 in a comment"),
    ]

    @Test(arguments: cases)
    func reportsLineColumnAndReason(_ malformed: MalformedTOML) {
        do {
            let document = try TOMLDocument(parsing: malformed.text, file: "bad.toml")
            Issue.record("parsed without error: \(document.root.keys)")
        } catch {
            #expect(error.file == "bad.toml")
            #expect(error.position == TOMLPosition(line: malformed.line, column: malformed.column), "\(error)")
            #expect(error.reason.contains(malformed.reason), "\(error)")
            #expect(error.description.hasPrefix("bad.toml:\(malformed.line):\(malformed.column): "))
        }
    }
}
