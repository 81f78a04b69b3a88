import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct ElementwiseTests {} }

extension SNNTensorTests.ElementwiseTests {
    @Test func reluForwardBackward() {
        let x = Tensor(shape: [2, 3], scalars: [-2, -0.0, 0.5, 3, -1, 0])
        let y = reluForward(x)
        #expect(y.scalars == [0, 0, 0.5, 3, 0, 0])
        let dx = reluBackward(dOutput: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), output: y)
        #expect(dx.scalars == [0, 0, 3, 4, 0, 0])
    }

    @Test func reluGradientMatchesFiniteDifferences() {
        // Keep every value at least 0.05 away from the kink at 0.
        var x = randomTensor([3, 4, 5], seed: 1)
        for i in 0..<x.count where abs(x.scalars[i]) < 0.05 { x.scalars[i] += 0.1 }
        let r = randomDoubles(x.count, seed: 2)
        let dx = reluBackward(dOutput: Tensor(shape: x.shape, scalars: r.map(Float.init)), output: reluForward(x))
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x) { weightedSum(reluForward($0).scalars, r) },
            atol: 1e-4, rtol: 1e-4, "relu dInput")
    }

    @Test func addAccumulateScale() {
        let a = Tensor(shape: [3], scalars: [1, 2, 3])
        let b = Tensor(shape: [3], scalars: [10, 20, 30])
        #expect(add(a, b).scalars == [11, 22, 33])
        var y = b
        accumulate(a, into: &y)
        #expect(y.scalars == [11, 22, 33])
        accumulate(a, into: &y, alpha: -2)
        #expect(y.scalars == [9, 18, 27])
        scale(&y, by: 0.5)
        #expect(y.scalars == [4.5, 9, 13.5])
        #expect(b.scalars == [10, 20, 30])  // value semantics: b untouched
    }

    @Test func meanOverTimeAndBackward() {
        // T = 2, B = 2, K = 2: rows 0-1 are step 0, rows 2-3 step 1.
        let x = Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = meanOverTime(x, timeSteps: 2)
        #expect(y.shape == [2, 2])
        #expect(y.scalars == [3, 4, 5, 6])
        let dx = meanOverTimeBackward(dOutput: Tensor(shape: [2, 2], scalars: [2, 4, 6, 8]), timeSteps: 2)
        #expect(dx.shape == [4, 2])
        #expect(dx.scalars == [1, 2, 3, 4, 1, 2, 3, 4])
    }
}

extension SNNTensorTests.ElementwiseTests {
    @Test func allocatorSettingIsAvailableOnLinux() {
        #if os(Linux)
            #expect(retainFreedMemoryForReuse())
            // Kernels still work (and allocate) afterwards.
            #expect(reluForward(Tensor(shape: [2], scalars: [-1, 1])).scalars == [0, 1])
        #endif
    }
}
