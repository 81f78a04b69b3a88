import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct LinearTests {} }

extension SNNTensorTests.LinearTests {
    @Test func forwardMatchesDefinition() {
        let x = randomTensor([5, 7], seed: 1)
        let w = randomTensor([3, 7], seed: 2)
        let b = randomTensor([3], seed: 3)
        let y = linearForward(input: x, weight: w, bias: b)
        #expect(y.shape == [5, 3])
        var expected = [Float]()
        for n in 0..<5 {
            for o in 0..<3 {
                var s = Double(b.scalars[o])
                for i in 0..<7 { s += Double(x.scalars[n * 7 + i]) * Double(w.scalars[o * 7 + i]) }
                expected.append(Float(s))
            }
        }
        expectClose(y.scalars, expected, "linear forward")
        let yNoBias = linearForward(input: x, weight: w, bias: nil)
        expectClose(
            yNoBias.scalars, zip(expected, (0..<15).map { b.scalars[$0 % 3] }).map { $0 - $1 },
            atol: 1e-5, rtol: 1e-5, "linear forward without bias")
    }

    @Test func flattensTrailingInputDimensions() {
        let x = randomTensor([4, 6, 1, 1], seed: 4)
        let w = randomTensor([2, 6], seed: 5)
        let y = linearForward(input: x, weight: w, bias: nil)
        #expect(y == linearForward(input: x.reshaped([4, 6]), weight: w, bias: nil))
        var dw = Tensor.zeros(w.shape)
        var db: Tensor? = nil
        let dx = linearBackward(
            dOutput: randomTensor([4, 2], seed: 6), input: x, weight: w,
            dWeight: &dw, dBias: &db)
        #expect(dx?.shape == [4, 6, 1, 1])
    }

    @Test func backwardMatchesFiniteDifferences() {
        let x = randomTensor([6, 9], seed: 7)
        let w = randomTensor([4, 9], seed: 8)
        let b = randomTensor([4], seed: 9)
        let r = randomDoubles(6 * 4, seed: 10)
        let dy = Tensor(shape: [6, 4], scalars: r.map(Float.init))
        // Accumulation: start from a non-zero gradient and subtract it afterwards.
        var dw = Tensor(repeating: 0.5, shape: w.shape)
        var db: Tensor? = Tensor(repeating: 0.5, shape: [4])
        let dx = linearBackward(dOutput: dy, input: x, weight: w, dWeight: &dw, dBias: &db)!
        func loss(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Double {
            weightedSum(linearForward(input: x, weight: w, bias: b).scalars, r)
        }
        // Linear in each argument: no truncation error, so a large step and tight tolerance.
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x, step: 0.1) { loss($0, w, b) },
            atol: 1e-4, rtol: 1e-4, "linear dInput")
        expectGradientMatches(
            analytic: dw.scalars.map { $0 - 0.5 },
            numeric: finiteDifferenceGradient(at: w, step: 0.1) { loss(x, $0, b) },
            atol: 1e-4, rtol: 1e-4, "linear dWeight")
        expectGradientMatches(
            analytic: db!.scalars.map { $0 - 0.5 },
            numeric: finiteDifferenceGradient(at: b, step: 0.1) { loss(x, w, $0) },
            atol: 1e-4, rtol: 1e-4, "linear dBias")
    }

    @Test func backwardCanSkipInputGradient() {
        let x = randomTensor([3, 5], seed: 11)
        let w = randomTensor([2, 5], seed: 12)
        var dw = Tensor.zeros(w.shape)
        var db: Tensor? = nil
        let dx = linearBackward(
            dOutput: randomTensor([3, 2], seed: 13), input: x, weight: w,
            dWeight: &dw, dBias: &db, computeInputGradient: false)
        #expect(dx == nil)
        #expect(dw.scalars.contains { $0 != 0 })
    }
}
