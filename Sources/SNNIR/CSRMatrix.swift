/// A compressed-sparse-row matrix: for row `r`, the entries
/// `rowOffsets[r] ..< rowOffsets[r + 1]` of `columnIndices` and `values`.
///
/// snnc stores fan-out tables this way: one row per presynaptic unit (a spike reads one
/// contiguous row), columns sorted ascending within a row, explicit zeros left out. The layout is
/// scipy's / AnnData's `csr_matrix` (`indptr`, `indices`, `data`).
public struct CSRMatrix<Value: Sendable & Equatable>: Sendable, Equatable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int
    /// `rows + 1` non-decreasing offsets, starting at 0 and ending at `values.count`.
    public var rowOffsets: [Int]
    /// Column of each stored entry, ascending within a row, each in `0..<columns`.
    public var columnIndices: [Int32]
    /// Value of each stored entry.
    public var values: [Value]

    /// Creates a matrix from its arrays.
    /// - Precondition: the arrays satisfy the invariants above (use `validated` for untrusted data).
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Value]) {
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
        if let problem = Self.problem(
            rows: rows, columns: columns, rowOffsets: rowOffsets,
            columnIndices: columnIndices, valueCount: values.count)
        {
            preconditionFailure("invalid CSR matrix: \(problem)")
        }
    }

    /// Creates a matrix from untrusted arrays (e.g. read from a file).
    /// - Throws: `CSRError` naming the first broken invariant.
    public static func validated(
        rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32],
        values: [Value]
    ) throws(CSRError) -> CSRMatrix {
        if let problem = problem(
            rows: rows, columns: columns, rowOffsets: rowOffsets,
            columnIndices: columnIndices, valueCount: values.count)
        {
            throw CSRError(reason: problem)
        }
        return CSRMatrix(unchecked: rows, columns, rowOffsets, columnIndices, values)
    }

    private init(unchecked rows: Int, _ columns: Int, _ rowOffsets: [Int], _ columnIndices: [Int32], _ values: [Value]) {
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The first broken invariant, or nil.
    static func problem(
        rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32],
        valueCount: Int
    ) -> String? {
        guard rows >= 0, columns >= 0 else { return "negative shape (\(rows), \(columns))" }
        guard rowOffsets.count == rows + 1 else {
            return "indptr has \(rowOffsets.count) entries, expected rows + 1 = \(rows + 1)"
        }
        guard rowOffsets.first == 0 else { return "indptr does not start at 0" }
        guard columnIndices.count == valueCount else {
            return "indices has \(columnIndices.count) entries but data has \(valueCount)"
        }
        guard rowOffsets.last == valueCount else {
            return "indptr ends at \(rowOffsets.last ?? 0) but there are \(valueCount) entries"
        }
        for r in 0..<rows {
            let start = rowOffsets[r]
            let end = rowOffsets[r + 1]
            guard start <= end else { return "indptr decreases at row \(r)" }
            guard end <= valueCount else { return "indptr exceeds the \(valueCount) entries at row \(r)" }
            var previous: Int32 = -1
            for k in start..<end {
                let c = columnIndices[k]
                guard c >= 0, Int(c) < columns else { return "row \(r): column \(c) outside 0..<\(columns)" }
                guard c > previous else { return "row \(r): columns not strictly ascending at entry \(k)" }
                previous = c
            }
        }
        return nil
    }

    /// Number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// The entry range of row `r`.
    public func entries(ofRow r: Int) -> Range<Int> { rowOffsets[r]..<rowOffsets[r + 1] }

    /// Stored entries in row `r`.
    public func count(ofRow r: Int) -> Int { rowOffsets[r + 1] - rowOffsets[r] }

    /// The fraction of the `rows × columns` entries that are stored (0 for an empty shape).
    public var density: Double {
        rows * columns == 0 ? 0 : Double(values.count) / (Double(rows) * Double(columns))
    }

    /// The same entries with another value type.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> CSRMatrix<T> {
        CSRMatrix<T>(unchecked: rows, columns, rowOffsets, columnIndices, try values.map(transform))
    }
}

extension CSRMatrix where Value: AdditiveArithmetic {
    /// The CSR form of a row-major dense `rows × columns` matrix, leaving out entries equal to zero.
    public init(dense: [Value], rows: Int, columns: Int) {
        precondition(dense.count == rows * columns, "\(dense.count) values do not fill \(rows)×\(columns)")
        var offsets = [0]
        var indices: [Int32] = []
        var values: [Value] = []
        offsets.reserveCapacity(rows + 1)
        for r in 0..<rows {
            for c in 0..<columns where dense[r * columns + c] != .zero {
                indices.append(Int32(c))
                values.append(dense[r * columns + c])
            }
            offsets.append(values.count)
        }
        self.init(unchecked: rows, columns, offsets, indices, values)
    }

    /// The row-major dense `rows × columns` matrix (absent entries are zero).
    public func dense() -> [Value] {
        var out = [Value](repeating: .zero, count: rows * columns)
        for r in 0..<rows {
            for k in entries(ofRow: r) { out[r * columns + Int(columnIndices[k])] = values[k] }
        }
        return out
    }

    /// The transpose (`columns × rows`), again with ascending columns in each row.
    public func transposed() -> CSRMatrix {
        var counts = [Int](repeating: 0, count: columns + 1)
        for c in columnIndices { counts[Int(c) + 1] += 1 }
        for c in 0..<columns { counts[c + 1] += counts[c] }
        var next = counts
        var indices = [Int32](repeating: 0, count: values.count)
        var out = [Value](repeating: .zero, count: values.count)
        for r in 0..<rows {
            for k in entries(ofRow: r) {
                let c = Int(columnIndices[k])
                indices[next[c]] = Int32(r)
                out[next[c]] = values[k]
                next[c] += 1
            }
        }
        return CSRMatrix(unchecked: columns, rows, counts, indices, out)
    }
}

/// A CSR matrix whose arrays break an invariant.
public struct CSRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broken invariant.
    public var reason: String

    /// Creates the error.
    public init(reason: String) { self.reason = reason }

    /// `invalid CSR matrix: <reason>`.
    public var description: String { "invalid CSR matrix: \(reason)" }
}
