/// The fan-out table of an identity layer: its `[n]` integer gains as the diagonal CSR matrix of
/// shape `(n, n)`.
///
/// Row `i` holds at most one entry, in column `i`: a spike of unit `i` adds `gain[i]` to unit `i`.
/// Zero gains are left out. The compiler's `lowerToCSR`, the deployment-file reader and the
/// simulator's fixtures all use this one layout (`KernelCSRLayout` is the conv counterpart).
public struct IdentityCSRLayout: Sendable, Equatable {
    /// Units (the table's rows and columns).
    public var units: Int

    /// Creates the layout of `units` gains.
    public init(units: Int) {
        self.units = units
    }

    /// The layout of `identity`'s gains.
    public init(_ identity: IdentityLayer) {
        self.init(units: identity.units)
    }

    /// The diagonal table of integer gains (zeros left out).
    /// - Precondition: `gains.count == units`.
    public func table(_ gains: [Int32]) -> CSRMatrix<Int32> {
        precondition(gains.count == units, "\(gains.count) gains do not fill \(units) identity units")
        var offsets = [0]
        var indices: [Int32] = []
        var values: [Int32] = []
        offsets.reserveCapacity(units + 1)
        for (unit, gain) in gains.enumerated() {
            if gain != 0 {
                indices.append(Int32(unit))
                values.append(gain)
            }
            offsets.append(values.count)
        }
        return CSRMatrix(rows: units, columns: units, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// The gains of a table (the inverse of `table`; absent entries are 0), or nil when an entry
    /// lies off the diagonal.
    /// - Precondition: `csr` has this layout's shape (`units × units`).
    public func gains(_ csr: CSRMatrix<Int32>) -> [Int32]? {
        precondition(
            csr.rows == units && csr.columns == units,
            "a (\(csr.rows), \(csr.columns)) table is not a (\(units), \(units)) identity CSR")
        var gains = [Int32](repeating: 0, count: units)
        for unit in 0..<units {
            for e in csr.entries(ofRow: unit) {
                guard Int(csr.columnIndices[e]) == unit else { return nil }
                gains[unit] = csr.values[e]
            }
        }
        return gains
    }
}
