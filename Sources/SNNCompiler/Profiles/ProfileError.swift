/// A problem finding, reading or validating a chip profile, naming the file, the key and a fix.
///
/// The description reads like a compiler message:
/// `targets/foo.toml:4:1: [cores] neurons_per_core = 0: must be at least 1`,
/// followed by ` (hint: ...)` when there is a hint.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of problem.
    public enum Kind: Sendable, Equatable {
        /// No file at the path, or no profile of that name on the search path.
        case notFound
        /// The file exists but cannot be read as UTF-8 text.
        case unreadable
        /// The file is not valid TOML (in the subset snnc reads).
        case syntax
        /// A `[table]` the schema does not know.
        case unknownTable
        /// A key the schema does not know in its table (or outside any table).
        case unknownKey
        /// A required key or table is absent.
        case missingKey
        /// The value has the wrong TOML type (e.g. a string where a number belongs).
        case wrongType
        /// The value has the right type but cannot be true of a chip (e.g. `cores = 0`).
        case invalidValue
    }

    /// The category.
    public var kind: Kind
    /// The file as the caller named it (for `.notFound` by name: the name asked for).
    public var file: String
    /// Where in the file, if the problem has a place.
    public var position: TOMLPosition?
    /// The table involved, without brackets.
    public var table: String?
    /// The key involved.
    public var key: String?
    /// The offending value as written in TOML.
    public var value: String?
    /// What is wrong, as a lowercase phrase.
    public var reason: String
    /// What to try next.
    public var hint: String?

    /// Creates an error; only `kind`, `file` and `reason` are always needed.
    public init(
        _ kind: Kind, file: String, position: TOMLPosition? = nil, table: String? = nil,
        key: String? = nil, value: String? = nil, reason: String, hint: String? = nil
    ) {
        self.kind = kind
        self.file = file
        self.position = position
        self.table = table
        self.key = key
        self.value = value
        self.reason = reason
        self.hint = hint
    }

    /// `file` or `file:line:column`; never nil (optional as `SNNError` requires).
    public var location: String? { place }

    /// `file` or `file:line:column`.
    private var place: String {
        guard let position else { return file }
        return "\(file):\(position.line):\(position.column)"
    }

    /// The subject of the message: `[table] key = value`, or the parts that are known.
    public var subject: String? {
        var parts: [String] = []
        if let table { parts.append("[\(table)]") }
        if let key { parts.append(key) }
        guard !parts.isEmpty else { return nil }
        var text = parts.joined(separator: " ")
        if let value { text += " = \(value)" }
        return text
    }

    /// The message without the hint: `location: subject: reason`.
    public var message: String {
        ([place] + (subject.map { [$0] } ?? []) + [reason]).joined(separator: ": ")
    }

    /// The message, then ` (hint: ...)` if there is a hint.
    public var description: String {
        guard let hint else { return message }
        return "\(message) (hint: \(hint))"
    }
}
