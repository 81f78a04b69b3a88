import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct GEMMTests {} }

extension SNNTensorTests.GEMMTests {
    /// Triple-loop reference: C = alpha·op(A)·op(B) + beta·C in Double, row-major with leading dims.
    func naiveGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float,
        c: [Float], ldc: Int
    ) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                out[i * ldc + j] = Float(Double(alpha) * s + Double(beta) * Double(c[i * ldc + j]))
            }
        }
        return out
    }

    @Test(
        "GEMM matches the naive reference for all transpose combos and odd sizes",
        arguments: [(false, false), (false, true), (true, false), (true, true)])
    func gemmMatchesNaive(transA: Bool, transB: Bool) {
        for (m, n, k) in [(1, 1, 1), (7, 5, 3), (33, 17, 65), (3, 40, 1)] {
            for (alpha, beta): (Float, Float) in [(1, 0), (0.5, 2)] {
                // Leading dimensions one larger than tight, to exercise strided storage.
                let aRows = transA ? k : m
                let aCols = transA ? m : k
                let bRows = transB ? n : k
                let bCols = transB ? k : n
                let lda = aCols + 1
                let ldb = bCols + 2
                let ldc = n + 3
                let a = randomTensor([aRows * lda], seed: 1).scalars
                let b = randomTensor([bRows * ldb], seed: 2).scalars
                var c = randomTensor([m * ldc], seed: 3).scalars
                let expected = naiveGemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                gemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                expectClose(
                    c, expected, atol: 1e-5, rtol: 1e-5,
                    "gemm tA=\(transA) tB=\(transB) \(m)x\(n)x\(k) alpha=\(alpha) beta=\(beta)")
            }
        }
    }

    @Test func gemmTightDefaultsAndBetaZeroIgnoresGarbage() {
        // [2,3]·[3,2] with hand-computed result; C starts as NaN, which beta = 0 must ignore.
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: .nan, count: 4)
        gemm(m: 2, n: 2, k: 3, a: a, b: b, c: &c)
        #expect(c == [58, 64, 139, 154])
    }

    @Test func gemmEmptyInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        gemm(m: 2, n: 2, k: 0, a: [], b: [], beta: 0.5, c: &c)
        #expect(c == [0.5, 1, 1.5, 2])
    }

    @Test func gemmIsDeterministic() {
        let a = randomTensor([64 * 96], seed: 4).scalars
        let b = randomTensor([96 * 80], seed: 5).scalars
        var c1 = [Float](repeating: 0, count: 64 * 80)
        var c2 = c1
        gemm(m: 64, n: 80, k: 96, a: a, b: b, c: &c1)
        gemm(m: 64, n: 80, k: 96, a: a, b: b, c: &c2)
        #expect(c1 == c2)
    }

    @Test func blasThreadCountRoundTrips() {
        let before = blasThreads()
        setBLASThreads(1)
        #expect(blasThreads() == 1)
        setBLASThreads(before)
        #expect(blasThreads() == before)
    }
}
