/// A TOML table: keys in the order they were written, each with its value and position.
public struct TOMLTable: Sendable, Equatable {
    /// One key's value and where the key was written.
    public struct Entry: Sendable, Equatable {
        /// The value.
        public var value: TOMLValue
        /// The position of the key (for a table: of its header, or of the header that implied it).
        public var position: TOMLPosition
    }

    /// Where the table was opened: its header, or 1:1 for the root table.
    public var position: TOMLPosition
    /// The keys in the order they first appeared.
    public private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]

    /// Creates an empty table opened at `position`.
    public init(position: TOMLPosition) {
        self.position = position
    }

    /// The value for `key`, if present.
    public subscript(key: String) -> TOMLValue? { entries[key]?.value }

    /// The value and position for `key`, if present.
    public func entry(_ key: String) -> Entry? { entries[key] }

    /// Adds a key that is not yet present.
    mutating func insert(_ key: String, _ value: TOMLValue, at position: TOMLPosition) {
        precondition(entries[key] == nil, "TOMLTable.insert: duplicate key '\(key)'")
        keys.append(key)
        entries[key] = Entry(value: value, position: position)
    }

    /// Moves the recorded position of `key` (a table opened implicitly, then by its own header).
    mutating func reposition(_ key: String, to position: TOMLPosition) {
        entries[key]?.position = position
    }

    /// Runs `body` on the table at `path` below this one; every step must exist and be a table.
    mutating func modifyTable<R>(
        at path: ArraySlice<String>, _ body: (inout TOMLTable) throws(TOMLError) -> R
    ) throws(TOMLError) -> R {
        guard let key = path.first else { return try body(&self) }
        return try modifySubtable(key) { (table: inout TOMLTable) throws(TOMLError) -> R in
            try table.modifyTable(at: path.dropFirst(), body)
        }
    }

    /// Runs `body` on the sub-table under `key`, which must exist and be a table.
    mutating func modifySubtable<R>(
        _ key: String, _ body: (inout TOMLTable) throws(TOMLError) -> R
    ) throws(TOMLError) -> R {
        guard var entry = entries[key], case .table(var table) = entry.value else {
            preconditionFailure("TOMLTable.modifySubtable: '\(key)' is not a table")
        }
        entries[key] = nil  // keep the sub-table uniquely referenced while it is modified
        defer {
            entry.value = .table(table)
            entries[key] = entry
        }
        return try body(&table)
    }
}
