/// Reads the TOML subset described on `TOMLDocument`: document structure, tables and keys.
///
/// Values are read in `TOMLParser+Values.swift`. The parser walks Unicode scalars and keeps the
/// line and the start of the line, so every error carries a line and a column.
struct TOMLParser {
    let file: String
    let text: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0
    var root = TOMLTable(position: TOMLPosition(line: 1, column: 1))
    /// The path of the table that `key = value` lines go into.
    var currentTable: [String] = []
    /// Tables opened by their own header, with the header's position.
    var definedTables: [[String]: TOMLPosition] = [:]
    /// How many arrays enclose the value being parsed (arrays parse recursively).
    var arrayDepth = 0
    /// The deepest array nesting accepted: deeper input is an error instead of a stack overflow
    /// (found by fuzzing, docs/HARDENING.md; profiles nest two deep at most).
    static let maxArrayDepth = 64

    init(text: String, file: String) {
        self.file = file
        self.text = Array(text.unicodeScalars)
        if self.text.first == "\u{FEFF}" {  // a byte-order mark is not part of line 1's columns
            index = 1
            lineStart = 1
        }
    }

    // MARK: Scanning

    var position: TOMLPosition { TOMLPosition(line: line, column: index - lineStart + 1) }
    var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < text.count ? text[index + offset] : nil
    }

    mutating func advance() {
        if text[index] == "\n" {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    func error(_ reason: String, at position: TOMLPosition? = nil) -> TOMLError {
        TOMLError(file: file, position: position ?? self.position, reason: reason)
    }

    /// The scalar at the cursor, for messages: `'x'`, `the end of the line`, `the end of the file`.
    var currentDescription: String {
        guard let scalar = current else { return "the end of the file" }
        if scalar == "\n" || scalar == "\r" { return "the end of the line" }
        if scalar.value < 0x20 || scalar.value == 0x7F { return "control character \(Self.codePoint(scalar))" }
        return "'\(scalar)'"
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    mutating func skipSpaces() {
        while current == " " || current == "\t" { advance() }
    }

    mutating func skipComment() throws(TOMLError) {
        while let scalar = current, scalar != "\n", scalar != "\r" {
            if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
                throw error("control character \(Self.codePoint(scalar)) in a comment")
            }
            advance()
        }
    }

    /// Consumes `\r\n`; a lone carriage return is an error.
    mutating func skipCarriageReturn() throws(TOMLError) {
        guard peek(1) == "\n" else { throw error("carriage return without a line feed") }
        advance()
        advance()
    }

    /// After a key/value pair or a header: spaces, an optional comment, then a line end.
    mutating func expectEndOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        if current == "#" { try skipComment() }
        guard let scalar = current, scalar != "\n", scalar != "\r" else { return }
        throw error("expected the end of the line after \(what), found \(currentDescription)")
    }

    // MARK: Document structure

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        while let scalar = current {
            switch scalar {
            case " ", "\t", "\n": advance()
            case "\r": try skipCarriageReturn()
            case "#": try skipComment()
            case "[":
                try parseTableHeader()
                try expectEndOfLine(after: "the table header")
            default:
                try parseKeyValue()
                try expectEndOfLine(after: "the value")
            }
        }
        return root
    }

    mutating func parseTableHeader() throws(TOMLError) {
        let start = position
        advance()  // "["
        if current == "[" { throw error("arrays of tables ([[...]]) are not supported", at: start) }
        var path: [String] = []
        while true {
            skipSpaces()
            path.append(try parseKey())
            skipSpaces()
            if current == "." {
                advance()
                continue
            }
            if current == "]" {
                advance()
                break
            }
            throw error("expected '.' or ']' in the table header, found \(currentDescription)")
        }
        try defineTable(path, at: start)
        currentTable = path
    }

    mutating func defineTable(_ path: [String], at start: TOMLPosition) throws(TOMLError) {
        let name = Self.displayName(path)
        let file = self.file  // the closures below must not read `self` while `root` is modified
        if let first = definedTables[path] {
            throw error("table [\(name)] is already defined at line \(first.line)", at: start)
        }
        // Walk down from the root, creating implicit tables; a value in the way is an error.
        for depth in path.indices {
            let parent = path[..<depth]
            let key = path[depth]
            let isLast = depth == path.count - 1
            try root.modifyTable(at: parent) { (table: inout TOMLTable) throws(TOMLError) in
                if let existing = table.entry(key) {
                    guard case .table = existing.value else {
                        throw TOMLError(
                            file: file, position: start,
                            reason: "cannot open table [\(name)]: '\(key)' is already a value "
                                + "(line \(existing.position.line))")
                    }
                    if isLast { table.reposition(key, to: start) }
                } else {
                    table.insert(key, .table(TOMLTable(position: start)), at: start)
                }
            }
        }
        try root.modifyTable(at: path[...]) { (table: inout TOMLTable) throws(TOMLError) in
            table.position = start
        }
        definedTables[path] = start
    }

    /// A table path as written in a header, quoting parts that are not bare keys.
    static func displayName(_ path: [String]) -> String {
        path.map { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy(isBareKeyScalar) ? part : TOMLValue.quoted(part)
        }.joined(separator: ".")
    }

    mutating func parseKeyValue() throws(TOMLError) {
        let keyPosition = position
        let key = try parseKey()
        skipSpaces()
        if current == "." { throw error("dotted keys are not supported; open a [table] instead") }
        guard current == "=" else {
            throw error("expected '=' after key '\(key)', found \(currentDescription)")
        }
        advance()
        skipSpaces()
        let value = try parseValue()
        let file = self.file
        try root.modifyTable(at: currentTable[...]) { (table: inout TOMLTable) throws(TOMLError) in
            if let existing = table.entry(key) {
                throw TOMLError(
                    file: file, position: keyPosition,
                    reason: "duplicate key '\(key)' (first defined at line \(existing.position.line))")
            }
            table.insert(key, value, at: keyPosition)
        }
    }

    static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    mutating func parseKey() throws(TOMLError) -> String {
        switch current {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { throw error("a key cannot be a multi-line string") }
            return try parseBasicString()
        case "'":
            return try parseLiteralString()
        case let scalar? where Self.isBareKeyScalar(scalar):
            var key = String.UnicodeScalarView()
            while let scalar = current, Self.isBareKeyScalar(scalar) {
                key.append(scalar)
                advance()
            }
            return String(key)
        default:
            throw error("expected a key, found \(currentDescription)")
        }
    }
}
