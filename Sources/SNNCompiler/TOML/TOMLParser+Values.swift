/// Values: strings, numbers, booleans and arrays.
extension TOMLParser {
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let scalar = current, scalar != "\n", scalar != "\r" else {
            throw error("expected a value, found \(currentDescription)")
        }
        switch scalar {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { throw error("multi-line strings (\"\"\") are not supported") }
            return .string(try parseBasicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" { throw error("multi-line strings (''') are not supported") }
            return .string(try parseLiteralString())
        case "[":
            return try parseArray()
        case "{":
            throw error("inline tables ({ ... }) are not supported; open a [table] instead")
        default:
            guard Self.isWordScalar(scalar) else {
                throw error("expected a value (string, number, boolean or array), found \(currentDescription)")
            }
            return try parseWord()
        }
    }

    // MARK: Strings

    /// A `"..."` string; the cursor is on the opening quote.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = position
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = current, scalar != "\n", scalar != "\r" else {
                throw error("unterminated string: no closing '\"' on this line", at: start)
            }
            switch scalar {
            case "\"":
                advance()
                return String(text)
            case "\\":
                text.append(try parseEscape())
            default:
                try checkStringScalar(scalar)
                text.append(scalar)
                advance()
            }
        }
    }

    /// A `'...'` string, taken verbatim; the cursor is on the opening quote.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = position
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = current, scalar != "\n", scalar != "\r" else {
                throw error("unterminated string: no closing \"'\" on this line", at: start)
            }
            advance()
            if scalar == "'" { return String(text) }
            try checkStringScalar(scalar)
            text.append(scalar)
        }
    }

    func checkStringScalar(_ scalar: Unicode.Scalar) throws(TOMLError) {
        if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
            throw error("control character \(Self.codePoint(scalar)) must be escaped in a string")
        }
    }

    /// One escape sequence; the cursor is on the backslash.
    mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        let start = position
        advance()
        guard let letter = current, letter != "\n", letter != "\r" else {
            throw error("unterminated string: a backslash ends the line", at: start)
        }
        advance()
        switch letter {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u": return try parseUnicodeEscape(digits: 4, start: start)
        case "U": return try parseUnicodeEscape(digits: 8, start: start)
        default: throw error("invalid escape '\\\(letter)'", at: start)
        }
    }

    mutating func parseUnicodeEscape(digits: Int, start: TOMLPosition) throws(TOMLError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = current, let digit = Self.digitValue(scalar, radix: 16) else {
                let form = digits == 4 ? "\\uXXXX" : "\\UXXXXXXXX"
                throw error("invalid escape: \(form) needs \(digits) hexadecimal digits", at: start)
            }
            value = value &* 16 &+ UInt32(digit)
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("invalid escape: U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value", at: start)
        }
        return scalar
    }

    // MARK: Arrays

    /// `[ value, value, ... ]` across lines, with comments and an optional trailing comma.
    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let start = position
        guard arrayDepth < Self.maxArrayDepth else {
            throw error("arrays nested more than \(Self.maxArrayDepth) deep are not supported")
        }
        arrayDepth += 1
        defer { arrayDepth -= 1 }
        advance()
        var values: [TOMLValue] = []
        while true {
            try skipArraySpace()
            if current == nil { throw error("unterminated array: no closing ']'", at: start) }
            if current == "]" {
                advance()
                return .array(values)
            }
            values.append(try parseValue())
            try skipArraySpace()
            switch current {
            case ",":
                advance()
            case "]":
                advance()
                return .array(values)
            case nil:
                throw error("unterminated array: no closing ']'", at: start)
            default:
                throw error("expected ',' or ']' in the array, found \(currentDescription)")
            }
        }
    }

    /// Spaces, line ends and comments between array elements.
    mutating func skipArraySpace() throws(TOMLError) {
        while let scalar = current {
            switch scalar {
            case " ", "\t", "\n": advance()
            case "\r": try skipCarriageReturn()
            case "#": try skipComment()
            default: return
            }
        }
    }

    // MARK: Booleans and numbers

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "+", "-", ".": true
        default: false
        }
    }

    static func digitValue(_ scalar: Unicode.Scalar, radix: Int) -> Int? {
        let value: Int
        switch scalar {
        case "0"..."9": value = Int(scalar.value) - 0x30
        case "a"..."f": value = Int(scalar.value) - 0x61 + 10
        case "A"..."F": value = Int(scalar.value) - 0x41 + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    /// An unquoted value: `true`, `false` or a number.
    mutating func parseWord() throws(TOMLError) -> TOMLValue {
        let start = position
        var word: [Unicode.Scalar] = []
        while let scalar = current, Self.isWordScalar(scalar) {
            word.append(scalar)
            advance()
        }
        let text = String(String.UnicodeScalarView(word))
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf", "-inf", "nan", "+nan", "-nan":
            throw error("inf and nan are not supported", at: start)
        default: break
        }
        if current == ":" || (word.count >= 5 && word[4] == "-" && word[0..<4].allSatisfy { Self.digitValue($0, radix: 10) != nil }) {
            throw error("dates and times are not supported", at: start)
        }
        guard let first = word.first, first == "+" || first == "-" || Self.digitValue(first, radix: 10) != nil else {
            throw error("expected a value, found '\(text)' (strings need quotes)", at: start)
        }
        return try number(word, text: text, at: start)
    }

    /// Checks `word` against TOML's integer and float grammar and converts it.
    func number(_ word: [Unicode.Scalar], text: String, at start: TOMLPosition) throws(TOMLError) -> TOMLValue {
        func failure(_ reason: String, _ offset: Int) -> TOMLError {
            error(reason, at: TOMLPosition(line: start.line, column: start.column + offset))
        }
        // Digits with single underscores between them; returns the index after the last digit.
        func digits(from first: Int, radix: Int) throws(TOMLError) -> Int {
            var k = first
            guard k < word.count, Self.digitValue(word[k], radix: radix) != nil else {
                throw failure("expected a digit in '\(text)'", min(k, word.count))
            }
            while k < word.count {
                if Self.digitValue(word[k], radix: radix) != nil {
                    k += 1
                } else if word[k] == "_" {
                    guard k + 1 < word.count, Self.digitValue(word[k + 1], radix: radix) != nil else {
                        throw failure("'_' must stand between two digits in '\(text)'", k)
                    }
                    k += 1
                } else {
                    break
                }
            }
            return k
        }
        let cleaned = String(String.UnicodeScalarView(word.filter { $0 != "_" }))

        let radixes: [Unicode.Scalar: Int] = ["x": 16, "o": 8, "b": 2]
        if word.count >= 2, word[0] == "0", let radix = radixes[word[1]] {
            let end = try digits(from: 2, radix: radix)
            if end < word.count { throw failure("unexpected '\(word[end])' in '\(text)'", end) }
            guard let value = Int64(cleaned.dropFirst(2), radix: radix) else {
                throw failure("integer '\(text)' does not fit in 64 bits", 0)
            }
            return .integer(value)
        }

        var k = word[0] == "+" || word[0] == "-" ? 1 : 0
        let integerStart = k
        k = try digits(from: k, radix: 10)
        if word[integerStart] == "0" && k - integerStart > 1 {
            throw failure("leading zeros are not allowed in '\(text)'", integerStart)
        }
        var isFloat = false
        if k < word.count && word[k] == "." {
            isFloat = true
            k = try digits(from: k + 1, radix: 10)
        }
        if k < word.count && (word[k] == "e" || word[k] == "E") {
            isFloat = true
            k += 1
            if k < word.count && (word[k] == "+" || word[k] == "-") { k += 1 }
            k = try digits(from: k, radix: 10)
        }
        if k < word.count { throw failure("unexpected '\(word[k])' in number '\(text)'", k) }

        if isFloat {
            guard let value = Double(cleaned), value.isFinite else {
                throw failure("float '\(text)' is out of range", 0)
            }
            return .float(value)
        }
        guard let value = Int64(cleaned) else { throw failure("integer '\(text)' does not fit in 64 bits", 0) }
        return .integer(value)
    }
}
