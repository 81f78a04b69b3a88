import SNNIR
import Testing

@testable import SNNCompiler

@Suite("CSR tables")
struct CSRTests {
    @Test func denseRoundTripAndTranspose() {
        let dense: [Int32] = [
            0, 2, 0, -1,
            0, 0, 0, 0,
            3, 0, 4, 0,
        ]
        let m = CSRMatrix(dense: dense, rows: 3, columns: 4)
        #expect(m.rowOffsets == [0, 2, 2, 4])
        #expect(m.columnIndices == [1, 3, 0, 2])
        #expect(m.values == [2, -1, 3, 4])
        #expect(m.dense() == dense)
        let t = m.transposed()
        #expect(t.rows == 4 && t.columns == 3)
        #expect(t.dense() == [0, 0, 3, 2, 0, 0, 0, 0, 4, -1, 0, 0])
        #expect(t.transposed() == m)
    }

    @Test func validatedRejectsBrokenArrays() {
        #expect(throws: CSRError.self) {
            try CSRMatrix<Int32>.validated(rows: 2, columns: 3, rowOffsets: [0, 2, 1], columnIndices: [0], values: [1])
        }
        #expect(throws: CSRError.self) {  // column out of range
            try CSRMatrix<Int32>.validated(rows: 1, columns: 3, rowOffsets: [0, 1], columnIndices: [3], values: [1])
        }
        #expect(throws: CSRError.self) {  // not ascending
            try CSRMatrix<Int32>.validated(rows: 1, columns: 3, rowOffsets: [0, 2], columnIndices: [2, 1], values: [1, 1])
        }
        #expect(throws: CSRError.self) {  // indptr too short
            try CSRMatrix<Int32>.validated(rows: 2, columns: 3, rowOffsets: [0, 0], columnIndices: [], values: [])
        }
    }

    /// The fan-out table of every layer, expanded back to the dense layout, equals the masked
    /// integer weights.
    @Test func loweredTablesEqualTheMaskedIntegerWeights() throws {
        let mask: [Bool] = (0..<12).map { $0 % 3 != 1 }
        let w: [Float] = (0..<12).map { mask[$0] ? Float($0 - 6) / 4 : 0 }
        var g = try IRFixtures.folded(IRFixtures.linearNet(fc1: w, inputs: 4, hidden: 3, mask: mask))
        g = try lowerToCSR(quantize(g, for: IRFixtures.profile()))
        let fc1 = try #require(IRFixtures.weights(g, "fc1"))
        let q = try #require(fc1.quantized)
        let table = try #require(fc1.fanout)
        #expect(table.rows == 4 && table.columns == 3)  // row = input unit
        #expect(table.transposed().dense() == q.values)
        for (i, v) in q.values.enumerated() where !mask[i] { #expect(v == 0) }
        #expect(table.values.allSatisfy { $0 != 0 })
    }

    @Test func kernelTableRowsAreInputChannels() throws {
        let conv = ConvLayer(
            inputShape: [2, 3, 3], outChannels: 3, geometry: ConvGeometry(kernelH: 2, kernelW: 2),
            encoder: false, weights: SynapticWeights(weight: .zeros([3, 2, 2, 2]), bias: nil))
        let values: [Int32] = (0..<24).map { $0 % 4 == 0 ? 0 : Int32($0) - 12 }
        let table = KernelCSRLayout(conv).table(values)
        #expect(table.rows == 2 && table.columns == 12)
        // Row ci, column (co·kH + ky)·kW + kx holds w[co, ci, ky, kx].
        for ci in 0..<2 {
            for co in 0..<3 {
                for k in 0..<4 {
                    let expected = values[(co * 2 + ci) * 4 + k]
                    let stored = table.entries(ofRow: ci).first { Int(table.columnIndices[$0]) == co * 4 + k }
                    #expect((stored.map { table.values[$0] } ?? 0) == expected)
                }
            }
        }
        #expect(KernelCSRLayout(conv).denseWeights(table) == values)
    }

    @Test func linearTableIsTheTransposeWithoutZeros() {
        let values: [Int32] = [1, 0, -2, 0, 3, 4]  // [out 2, in 3]
        let layout = LinearCSRLayout(inFeatures: 3, outFeatures: 2)
        let table = layout.table(values)
        #expect(table.rows == 3 && table.columns == 2)  // row = input unit
        #expect(table.rowOffsets == [0, 1, 2, 4])
        #expect(table.columnIndices == [0, 1, 0, 1])
        #expect(table.values == [1, 3, -2, 4])
        #expect(layout.denseWeights(table) == values)
    }

    @Test func identityTableIsTheDiagonalWithoutZeros() {
        let gains: [Int32] = [5, 0, -3]
        let layout = IdentityCSRLayout(units: 3)
        let table = layout.table(gains)
        #expect(table == CSRMatrix(rows: 3, columns: 3, rowOffsets: [0, 1, 1, 2], columnIndices: [0, 2], values: [5, -3]))
        #expect(layout.gains(table) == gains)
        let offDiagonal = CSRMatrix<Int32>(rows: 3, columns: 3, rowOffsets: [0, 1, 1, 1], columnIndices: [2], values: [1])
        #expect(layout.gains(offDiagonal) == nil)
    }
}
