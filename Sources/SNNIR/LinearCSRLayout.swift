/// The fan-out table of a linear layer: its `[out, in]` integer weights as the CSR matrix of `Wᵀ`,
/// shape `(in, out)`.
///
/// Row = input unit `i`, column = output unit `o`: a spike of input `i` adds `w[o, i]` to output
/// `o` for each stored entry. Zero weights are left out; columns ascend within a row. The
/// compiler's `lowerToCSR`, the deployment-file reader and the simulator's fixtures all use this
/// one layout (`KernelCSRLayout` is the conv counterpart).
public struct LinearCSRLayout: Sendable, Equatable {
    /// Input units (the table's rows).
    public var inFeatures: Int
    /// Output units (the table's columns).
    public var outFeatures: Int

    /// Creates the layout of `[outFeatures, inFeatures]` weights.
    public init(inFeatures: Int, outFeatures: Int) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// The layout of `linear`'s weights.
    public init(_ linear: LinearLayer) {
        self.init(inFeatures: linear.inFeatures, outFeatures: linear.outFeatures)
    }

    /// Weights in the dense matrix: `out·in`.
    public var weightCount: Int { outFeatures * inFeatures }

    /// The table of dense `[out, in]` integer weights (zeros left out).
    /// - Precondition: `weights.count == weightCount`.
    public func table(_ weights: [Int32]) -> CSRMatrix<Int32> {
        CSRMatrix(dense: weights, rows: outFeatures, columns: inFeatures).transposed()
    }

    /// The dense `[out, in]` integer weights of a table (the inverse of `table`; absent entries
    /// are 0).
    /// - Precondition: `csr` has this layout's shape (`in × out`).
    public func denseWeights(_ csr: CSRMatrix<Int32>) -> [Int32] {
        precondition(
            csr.rows == inFeatures && csr.columns == outFeatures,
            "a (\(csr.rows), \(csr.columns)) table is not a (\(inFeatures), \(outFeatures)) linear CSR")
        return csr.transposed().dense()
    }
}
