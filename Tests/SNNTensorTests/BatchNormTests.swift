import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct BatchNormTests {} }

extension SNNTensorTests.BatchNormTests {
    @Test func trainingForwardNormalisesPerChannelAndUpdatesRunningStats() {
        // [N=2, C=2, H=1, W=2]; channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 14.
        let x = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 10, 10, 3, 4, 10, 14])
        let gamma = Tensor(shape: [2], scalars: [2, 1])
        let beta = Tensor(shape: [2], scalars: [0.5, -1])
        var rm = Tensor(shape: [2], scalars: [0, 1])
        var rv = Tensor(shape: [2], scalars: [1, 2])
        let (y, cache) = batchNormForwardTraining(
            input: x, gamma: gamma, beta: beta,
            runningMean: &rm, runningVar: &rv)
        // Channel 0: mean 2.5, biased var 1.25, unbiased 5/3.  Channel 1: mean 11, biased 3, unbiased 4.
        #expect(cache.mean == [2.5, 11])
        expectClose(cache.invStd, [1 / (1.25 + 1e-5).squareRoot(), 1 / (3 + 1e-5).squareRoot()], "invStd")
        expectClose(rm.scalars, [0.9 * 0 + 0.1 * 2.5, 0.9 * 1 + 0.1 * 11], "running mean")
        expectClose(rv.scalars, [0.9 * 1 + 0.1 * (5.0 / 3.0), 0.9 * 2 + 0.1 * 4], "running var (unbiased)")
        let s0: Float = 1 / (1.25 + 1e-5).squareRoot()
        let s1: Float = 1 / (3 + 1e-5).squareRoot()
        let expected: [Float] = [
            2 * (1 - 2.5) * s0 + 0.5, 2 * (2 - 2.5) * s0 + 0.5, (10 - 11) * s1 - 1, (10 - 11) * s1 - 1,
            2 * (3 - 2.5) * s0 + 0.5, 2 * (4 - 2.5) * s0 + 0.5, (10 - 11) * s1 - 1, (14 - 11) * s1 - 1,
        ]
        expectClose(y.scalars, expected, "normalised output")

        // Eval mode uses the running statistics, not the batch's.
        let yEval = batchNormForwardEval(input: x, gamma: gamma, beta: beta, runningMean: rm, runningVar: rv)
        let evalExpected = (0..<8).map { i -> Float in
            let c = (i / 2) % 2
            return gamma.scalars[c] * (x.scalars[i] - rm.scalars[c]) / (rv.scalars[c] + 1e-5).squareRoot()
                + beta.scalars[c]
        }
        expectClose(yEval.scalars, evalExpected, "eval output")
        #expect(yEval != y)
    }

    @Test func batchNorm1dSharesTheKernel() {
        // [N=4, F=2]: feature 0 = 1, 2, 3, 4 → mean 2.5, biased var 1.25.
        let x = Tensor(shape: [4, 2], scalars: [1, 0, 2, 0, 3, 0, 4, 8])
        var rm = Tensor.zeros([2])
        var rv = Tensor(repeating: 1, shape: [2])
        let (y, cache) = batchNormForwardTraining(
            input: x, gamma: Tensor(repeating: 1, shape: [2]),
            beta: Tensor.zeros([2]), runningMean: &rm, runningVar: &rv)
        #expect(cache.mean == [2.5, 2])
        expectClose(
            [y.scalars[0], y.scalars[6]],
            [-1.5 / (1.25 + 1e-5).squareRoot(), 1.5 / (1.25 + 1e-5).squareRoot()], "bn1d output")
        expectClose(rv.scalars, [0.9 + 0.1 * (5.0 / 3.0), 0.9 + 0.1 * (48.0 / 3.0)], "bn1d running var")
    }

    @Test("batch norm backward matches finite differences", arguments: [[3, 4, 5, 3], [6, 3], [4, 2, 7]])
    func backwardMatchesFiniteDifferences(shape: [Int]) {
        let c = shape[1]
        // A non-zero mean and non-unit scale per channel, so centring and scaling both matter.
        var x = randomTensor(shape, seed: 1, range: 2)
        let p = shape.dropFirst(2).reduce(1, *)
        for i in 0..<x.count { x.scalars[i] += Float((i / p) % c) - 1 }
        let gamma = randomTensor([c], seed: 2)
        let beta = randomTensor([c], seed: 3)
        // Loss weights with a non-zero mean, so the Σdy/M term of dx is not negligible.
        let r = randomDoubles(x.count, seed: 4).map { $0 + 0.7 }
        let dy = Tensor(shape: shape, scalars: r.map(Float.init))
        var rm = Tensor.zeros([c])
        var rv = Tensor(repeating: 1, shape: [c])
        let (_, cache) = batchNormForwardTraining(
            input: x, gamma: gamma, beta: beta,
            runningMean: &rm, runningVar: &rv)
        var dGamma = Tensor(repeating: 1, shape: [c])
        var dBeta = Tensor(repeating: 1, shape: [c])
        let dx = batchNormBackward(
            dOutput: dy, input: x, gamma: gamma, cache: cache,
            dGamma: &dGamma, dBeta: &dBeta)
        func loss(_ x: Tensor, _ g: Tensor, _ b: Tensor) -> Double {
            var m = Tensor.zeros([c])
            var v = Tensor(repeating: 1, shape: [c])
            return weightedSum(
                batchNormForwardTraining(
                    input: x, gamma: g, beta: b,
                    runningMean: &m, runningVar: &v
                ).output.scalars, r)
        }
        // Nonlinear through the batch statistics: with h = 1e-2 the O(h²) truncation and the
        // Float rounding of losses of order 10 (≈1e-6 / 2h) both stay below ~1e-4, so
        // atol 5e-4 + rtol 2e-3 is tight enough to catch a few-percent error in any term.
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x) { loss($0, gamma, beta) },
            atol: 5e-4, rtol: 2e-3, "bn dInput")
        expectGradientMatches(
            analytic: dGamma.scalars.map { $0 - 1 },
            numeric: finiteDifferenceGradient(at: gamma) { loss(x, $0, beta) },
            atol: 5e-4, rtol: 2e-3, "bn dGamma")
        expectGradientMatches(
            analytic: dBeta.scalars.map { $0 - 1 },
            numeric: finiteDifferenceGradient(at: beta) { loss(x, gamma, $0) },
            atol: 5e-4, rtol: 2e-3, "bn dBeta")
    }
}

extension SNNTensorTests.BatchNormTests {
    /// Per-step statistics: `groups: T` must give exactly what T separate calls on consecutive
    /// blocks give, in order — outputs, running statistics and gradients, bit for bit.
    @Test func groupsEqualSeparateCallsBitForBit() {
        let t = 3
        let b = 4
        let x = randomTensor([t * b, 5, 3, 3], seed: 21, range: 2)
        let dy = randomTensor([t * b, 5, 3, 3], seed: 22)
        let gamma = randomTensor([5], seed: 23)
        let beta = randomTensor([5], seed: 24)
        let block = b * 5 * 9

        var rmGrouped = Tensor.zeros([5])
        var rvGrouped = Tensor(repeating: 1, shape: [5])
        let (yGrouped, cache) = batchNormForwardTraining(
            input: x, gamma: gamma, beta: beta, runningMean: &rmGrouped,
            runningVar: &rvGrouped, groups: t)
        var dgGrouped = Tensor.zeros([5])
        var dbGrouped = Tensor.zeros([5])
        let dxGrouped = batchNormBackward(
            dOutput: dy, input: x, gamma: gamma, cache: cache,
            dGamma: &dgGrouped, dBeta: &dbGrouped)

        var rm = Tensor.zeros([5])
        var rv = Tensor(repeating: 1, shape: [5])
        var dg = Tensor.zeros([5])
        var db = Tensor.zeros([5])
        var y: [Float] = []
        var dx: [Float] = []
        for step in 0..<t {
            let part = Tensor(shape: [b, 5, 3, 3], scalars: Array(x.scalars[(step * block)..<((step + 1) * block)]))
            let dPart = Tensor(shape: [b, 5, 3, 3], scalars: Array(dy.scalars[(step * block)..<((step + 1) * block)]))
            let (yPart, c) = batchNormForwardTraining(input: part, gamma: gamma, beta: beta, runningMean: &rm, runningVar: &rv)
            y += yPart.scalars
            dx += batchNormBackward(dOutput: dPart, input: part, gamma: gamma, cache: c, dGamma: &dg, dBeta: &db).scalars
        }
        #expect(yGrouped.scalars == y)
        #expect(dxGrouped.scalars == dx)
        #expect(rmGrouped == rm && rvGrouped == rv)
        #expect(dgGrouped == dg && dbGrouped == db)
        #expect(cache.mean.count == t * 5)
    }
}
