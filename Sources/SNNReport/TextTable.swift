/// A plain-text table: a header line, then rows and rules, each column padded to its widest cell
/// and columns separated by two spaces. The one renderer of every table the CLI prints (`inspect`,
/// `simulate`, `simulate --compare`, `prune`); the HTML report's tables hold the same cells.
public struct TextTable {
    /// Where a cell sits in its column.
    public enum Alignment: Sendable {
        case left, right
    }

    /// A column: its header and its alignment.
    public struct Column {
        public var header: String
        public var alignment: Alignment

        /// A column with its header, right-aligned unless said otherwise.
        public init(_ header: String, _ alignment: Alignment = .right) {
            self.header = header
            self.alignment = alignment
        }
    }

    private enum Line {
        case cells([String])
        case rule
    }

    /// The columns, left to right.
    public var columns: [Column]
    private var lines: [Line] = []

    /// A table with `columns` and no rows yet.
    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row: one cell per column.
    public mutating func append(_ cells: [String]) {
        lines.append(.cells(cells))
    }

    /// Adds a rule: dashes the width of each column.
    public mutating func appendRule() {
        lines.append(.rule)
    }

    /// The rendered lines, header first. A left-aligned last column is not padded, so no line ends
    /// in padding.
    public func rendered() -> [String] {
        let rows =
            [columns.map(\.header)]
            + lines.compactMap { line -> [String]? in
                if case .cells(let cells) = line { return cells }
                return nil
            }
        let widths = columns.indices.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                switch columns[c].alignment {
                case .right: return pad + cell
                case .left: return c == columns.count - 1 ? cell : cell + pad
                }
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return [render(columns.map(\.header))]
            + lines.map { line in
                switch line {
                case .cells(let cells): render(cells)
                case .rule: render(rule)
                }
            }
    }
}
