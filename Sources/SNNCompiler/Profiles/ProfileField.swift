/// One key of the chip-profile schema: the table it lives in, its name, unit and allowed values.
///
/// The catalog of all fields is in `ProfileField+Catalog.swift`; the loader, the renderings and
/// the tests all work from it, and `targets/README.md` documents the same list.
public struct ProfileField: Sendable, Hashable, CustomStringConvertible {
    /// The kind of value a field holds and the values allowed.
    public enum Rule: Sendable, Hashable {
        /// Non-empty free text.
        case text
        /// A lowercase identifier: `a`–`z`, `0`–`9`, `-` and `_`, starting with a letter.
        case identifier
        /// One of the listed strings.
        case choice([String])
        /// An integer within the range.
        case integer(ClosedRange<Int>)
        /// A finite number (integer or float), at least `minimum` (greater than it if `exclusive`).
        case number(minimum: Double, exclusive: Bool)
        /// `true` or `false`.
        case boolean
        /// An array of integers, each within the range.
        case integerList(ClosedRange<Int>)
    }

    /// The TOML table, without brackets (e.g. `cores`).
    public let table: String
    /// The key within the table (e.g. `neurons_per_core`).
    public let key: String
    /// What the value must be.
    public let rule: Rule
    /// The unit, or an empty string for counts, flags and text.
    public let unit: String
    /// Whether a profile must set this key.
    public let isRequired: Bool

    /// Creates a field description.
    public init(table: String, key: String, rule: Rule, unit: String = "", isRequired: Bool = true) {
        self.table = table
        self.key = key
        self.rule = rule
        self.unit = unit
        self.isRequired = isRequired
    }

    /// `table.key`, the form used in `estimated` lists' documentation and in messages.
    public var path: String { "\(table).\(key)" }

    /// `[table] key`.
    public var description: String { "[\(table)] \(key)" }

    /// The allowed values in words, e.g. `integer 1...16`, `number >= 0`, `">=" or ">"`.
    public var allowedValues: String {
        switch rule {
        case .text: return "non-empty string"
        case .identifier: return "lowercase identifier (a-z, 0-9, -, _)"
        case .choice(let options): return options.map { "\"\($0)\"" }.joined(separator: " or ")
        case .integer(let range): return "integer \(range.lowerBound)...\(range.upperBound)"
        case .number(let minimum, let exclusive):
            return "number \(exclusive ? ">" : ">=") \(ProfileFormat.number(minimum))"
        case .boolean: return "true or false"
        case .integerList(let range): return "array of integers \(range.lowerBound)...\(range.upperBound)"
        }
    }
}
