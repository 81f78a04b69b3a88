/// A value in a TOML document.
///
/// Only the kinds this subset parses exist: dates, times and arrays of tables are rejected by the
/// parser rather than represented.
public enum TOMLValue: Sendable, Equatable {
    /// A basic (`"..."`) or literal (`'...'`) string, escapes resolved.
    case string(String)
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A finite 64-bit float.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array; elements may be of different kinds.
    case array([TOMLValue])
    /// A table, from a `[header]` or implied by a dotted header.
    case table(TOMLTable)

    /// The kind with an article, for messages: "a string", "an integer", ...
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }

    /// The value written back as TOML, for messages (tables are abbreviated).
    public var tomlText: String {
        switch self {
        case .string(let text): TOMLValue.quoted(text)
        case .integer(let value): String(value)
        case .float(let value): value.description
        case .boolean(let value): value ? "true" : "false"
        case .array(let values): "[" + values.map(\.tomlText).joined(separator: ", ") + "]"
        case .table: "{...}"
        }
    }

    /// `text` as a TOML basic string, with quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
