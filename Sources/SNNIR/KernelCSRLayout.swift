/// The fan-out table of a convolution: its `[Cout, Cin, kH, kW]` integer weights as a CSR matrix
/// of shape `(Cin, Cout·kH·kW)`.
///
/// Row = input channel `ci`, column = `(co·kH + ky)·kW + kx`, so a spike of channel `ci` at
/// `(y, x)` reaches output `(co, oy, ox)` with `oy·sH − pH + ky = y` and `ox·sW − pW + kx = x` for
/// each stored entry. Zero weights are left out; columns ascend within a row. The compiler's
/// `lowerToCSR`, the deployment-file reader and the simulator's fixtures all use this one layout.
public struct KernelCSRLayout: Sendable, Equatable {
    /// Input channels (the table's rows).
    public var inChannels: Int
    /// Output channels.
    public var outChannels: Int
    /// Kernel rows.
    public var kernelH: Int
    /// Kernel columns.
    public var kernelW: Int

    /// Creates the layout of a `[outChannels, inChannels, kernelH, kernelW]` kernel.
    public init(inChannels: Int, outChannels: Int, kernelH: Int, kernelW: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelH = kernelH
        self.kernelW = kernelW
    }

    /// The layout of `conv`'s kernel.
    public init(_ conv: ConvLayer) {
        self.init(
            inChannels: conv.inChannels, outChannels: conv.outChannels,
            kernelH: conv.geometry.kernelH, kernelW: conv.geometry.kernelW)
    }

    /// Taps per kernel plane, `kH·kW`.
    public var kernelArea: Int { kernelH * kernelW }

    /// Rows of the table: `Cin`.
    public var rows: Int { inChannels }

    /// Columns of the table: `Cout·kH·kW`.
    public var columns: Int { outChannels * kernelArea }

    /// Weights in the dense kernel: `Cout·Cin·kH·kW`.
    public var weightCount: Int { outChannels * inChannels * kernelArea }

    /// The table of dense `[Cout, Cin, kH, kW]` integer weights (zeros left out).
    /// - Precondition: `weights.count == weightCount`.
    public func table(_ weights: [Int32]) -> CSRMatrix<Int32> {
        precondition(
            weights.count == weightCount,
            "\(weights.count) weights do not fill a \(outChannels)×\(inChannels)×\(kernelH)×\(kernelW) kernel")
        let kk = kernelArea
        var offsets = [0]
        var indices: [Int32] = []
        var data: [Int32] = []
        offsets.reserveCapacity(inChannels + 1)
        for ci in 0..<inChannels {
            for co in 0..<outChannels {
                let base = (co * inChannels + ci) * kk
                for k in 0..<kk where weights[base + k] != 0 {
                    indices.append(Int32(co * kk + k))
                    data.append(weights[base + k])
                }
            }
            offsets.append(data.count)
        }
        return CSRMatrix(rows: inChannels, columns: columns, rowOffsets: offsets, columnIndices: indices, values: data)
    }

    /// The dense `[Cout, Cin, kH, kW]` integer weights of a table (the inverse of `table`; absent
    /// entries are 0).
    /// - Precondition: `csr` has this layout's shape (`rows × columns`).
    public func denseWeights(_ csr: CSRMatrix<Int32>) -> [Int32] {
        precondition(
            csr.rows == rows && csr.columns == columns,
            "a (\(csr.rows), \(csr.columns)) table is not a (\(rows), \(columns)) kernel CSR")
        let kk = kernelArea
        var out = [Int32](repeating: 0, count: weightCount)
        for ci in 0..<csr.rows {
            for e in csr.entries(ofRow: ci) {
                let column = Int(csr.columnIndices[e])
                out[((column / kk) * inChannels + ci) * kk + column % kk] = csr.values[e]
            }
        }
        return out
    }
}
