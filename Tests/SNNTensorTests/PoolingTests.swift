import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct PoolingTests {} }

/// Distinct values (a shuffled arithmetic sequence with spacing 0.05), so no two elements of a
/// window are within a finite-difference step of each other and the argmax cannot flip.
func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var values = (0..<shape.reduce(1, *)).map { Float($0) * 0.05 - 1 }
    var rng = SeededRNG(seed: seed)
    rng.shuffle(&values)
    return Tensor(shape: shape, scalars: values)
}

/// Naive max pooling: PyTorch's rule (take v if v > best or v is NaN), −∞ padding.
func naiveMaxPool(_ x: Tensor, _ win: Window2d) -> (values: [Float], argmax: [Int32]) {
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    let ho = (h + 2 * win.padH - win.kernelH) / win.strideH + 1
    let wo = (w + 2 * win.padW - win.kernelW) / win.strideW + 1
    var values = [Float]()
    var argmax = [Int32]()
    for p in 0..<planes {
        for oh in 0..<ho {
            for ow in 0..<wo {
                var best = -Float.infinity
                var at = -1
                for kh in 0..<win.kernelH {
                    for kw in 0..<win.kernelW {
                        let ih = oh * win.strideH - win.padH + kh
                        let iw = ow * win.strideW - win.padW + kw
                        guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                        let v = x.scalars[(p * h + ih) * w + iw]
                        if at < 0 || v > best || v.isNaN {
                            best = v
                            at = ih * w + iw
                        }
                    }
                }
                values.append(best)
                argmax.append(Int32(at))
            }
        }
    }
    return (values, argmax)
}

extension SNNTensorTests.PoolingTests {
    @Test(
        "max pool matches the naive reference (incl. the vectorised 2x2 path, ties, NaN)",
        arguments: [
            Window2d(kernel: 2, stride: 2), Window2d(kernel: 3, stride: 2, padding: 1),
            Window2d(kernel: 2, stride: 1),
        ])
    func maxPoolMatchesNaive(window: Window2d) {
        // Width 37 gives 18 outputs per row for 2x2: two 8-wide vector blocks and a scalar tail.
        var rng = SeededRNG(seed: 5)
        var spikes = Tensor(
            shape: [2, 3, 6, 37],
            scalars: (0..<(2 * 3 * 6 * 37)).map { _ in
                Float(rng.nextInt(below: 2))
            })
        let (y, cache) = maxPool2dForward(input: spikes, window: window)
        let ref = naiveMaxPool(spikes, window)
        #expect(y.scalars == ref.values)
        #expect(cache.argmax == ref.argmax)
        let dense = randomTensor([2, 3, 6, 37], seed: 6)
        let (yd, cd) = maxPool2dForward(input: dense, window: window)
        let refd = naiveMaxPool(dense, window)
        #expect(yd.scalars == refd.values && cd.argmax == refd.argmax)
        // A NaN wins its window (compare bit patterns: NaN != NaN).
        spikes.scalars[5] = .nan
        let (yn, cn) = maxPool2dForward(input: spikes, window: window)
        let refn = naiveMaxPool(spikes, window)
        #expect(yn.scalars.map(\.bitPattern) == refn.values.map(\.bitPattern))
        #expect(cn.argmax == refn.argmax)
        #expect(yn.scalars.contains { $0.isNaN })
    }

    @Test func maxPoolHandCase() {
        let x = Tensor(
            shape: [1, 1, 4, 4],
            scalars: [
                1, 5, 2, 0,
                3, 4, 8, 8,
                0, 0, 1, 1,
                9, 0, 1, 2,
            ])
        let (y, cache) = maxPool2dForward(input: x, window: Window2d(kernel: 2, stride: 2))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [5, 8, 9, 2])
        #expect(cache.argmax == [1, 6, 12, 15])  // the tie 8/8 keeps the first (index 6)
        let dx = maxPool2dBackward(dOutput: Tensor(shape: [1, 1, 2, 2], scalars: [10, 20, 30, 40]), cache: cache)
        #expect(dx.scalars == [0, 10, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 30, 0, 0, 40])
    }

    @Test func maxPoolOnSpikesPicksFirstOne() {
        // Binary spike maps tie constantly; the first 1 in row-major window order wins.
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 1, 1])
        let (y, cache) = maxPool2dForward(input: x, window: Window2d(kernel: 2, stride: 2))
        #expect(y.scalars == [1])
        #expect(cache.argmax == [1])
        let zeros = maxPool2dForward(input: Tensor.zeros([1, 1, 2, 2]), window: Window2d(kernel: 2, stride: 2))
        #expect(zeros.cache.argmax == [0])
    }

    @Test(
        "max pool backward matches finite differences",
        arguments: [
            Window2d(kernel: 2, stride: 2), Window2d(kernel: 3, stride: 2, padding: 1),
            Window2d(kernelH: 2, kernelW: 3, strideH: 1, strideW: 2),
        ])
    func maxPoolGradient(window: Window2d) {
        let x = distinctTensor([2, 3, 6, 7], seed: 1)
        let outShape = pool2dOutputShape(inputShape: x.shape, window: window)
        let r = randomDoubles(outShape.reduce(1, *), seed: 2)
        let (_, cache) = maxPool2dForward(input: x, window: window)
        let dx = maxPool2dBackward(dOutput: Tensor(shape: outShape, scalars: r.map(Float.init)), cache: cache)
        // Piecewise linear, no argmax flips within the step: exact up to rounding.
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x, step: 1e-2, maxProbes: 10_000) {
                weightedSum(maxPool2dForward(input: $0, window: window).output.scalars, r)
            }, atol: 1e-4, rtol: 1e-4, "max pool dInput \(window)")
    }

    @Test func maxPoolPaddingIsNegativeInfinity() {
        // All inputs negative: a zero-padded max would wrongly return 0 at the borders.
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [-4, -3, -2, -1])
        let (y, cache) = maxPool2dForward(input: x, window: Window2d(kernel: 2, stride: 1, padding: 1))
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [-4, -3, -3, -2, -1, -1, -2, -1, -1])
        #expect(cache.argmax.allSatisfy { (0..<4).contains($0) })
    }

    @Test func avgPoolHandCaseAndGlobal() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = avgPool2dForward(input: x, window: Window2d(kernel: 2, stride: 2))
        #expect(y.scalars == [3.5, 5.5])
        let dx = avgPool2dBackward(
            dOutput: Tensor(shape: [1, 1, 1, 2], scalars: [4, 8]),
            inputShape: x.shape, window: Window2d(kernel: 2, stride: 2))
        #expect(dx.scalars == [1, 1, 2, 2, 1, 1, 2, 2])
        // Padding counts in the divisor (count_include_pad = true): corner window sees only x[0].
        let padded = avgPool2dForward(input: x, window: Window2d(kernel: 2, stride: 2, padding: 1))
        #expect(padded.shape == [1, 1, 2, 3])
        #expect(padded.scalars[0] == 0.25)
        let g = globalAvgPool2dForward(input: x)
        #expect(g.shape == [1, 1, 1, 1])
        #expect(g.scalars == [4.5])
        let dg = globalAvgPool2dBackward(dOutput: Tensor(shape: [1, 1, 1, 1], scalars: [8]), inputShape: x.shape)
        #expect(dg.scalars == [Float](repeating: 1, count: 8))
    }

    @Test(
        "avg pool backward matches finite differences",
        arguments: [
            Window2d(kernel: 2, stride: 2), Window2d(kernel: 3, stride: 2, padding: 1),
            Window2d(kernel: 3, stride: 1), Window2d(kernelH: 5, kernelW: 6),
        ])
    func avgPoolGradient(window: Window2d) {
        let x = randomTensor([2, 2, 5, 6], seed: 3)
        let outShape = pool2dOutputShape(inputShape: x.shape, window: window)
        let r = randomDoubles(outShape.reduce(1, *), seed: 4)
        let dx = avgPool2dBackward(
            dOutput: Tensor(shape: outShape, scalars: r.map(Float.init)),
            inputShape: x.shape, window: window)
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x, step: 0.1) {
                weightedSum(avgPool2dForward(input: $0, window: window).scalars, r)
            }, atol: 1e-4, rtol: 1e-4, "avg pool dInput \(window)")
    }

    /// The exactly tiled 2×2 / stride-2 case (its own write-once path): every input pixel gets its
    /// window's gradient divided by 4, bit for bit, on several planes and threads' parts.
    @Test func avgPairPoolBackwardWritesEachWindowsShare() {
        let shape = [3, 5, 6, 8]
        let dy = randomTensor([3, 5, 3, 4], seed: 11)
        let dx = avgPool2dBackward(dOutput: dy, inputShape: shape, window: Window2d(kernel: 2, stride: 2))
        #expect(dx.shape == shape)
        var expected = [Float](repeating: 0, count: shape.reduce(1, *))
        for plane in 0..<15 {
            for h in 0..<6 {
                for w in 0..<8 { expected[(plane * 6 + h) * 8 + w] = dy.scalars[(plane * 3 + h / 2) * 4 + w / 2] * 0.25 }
            }
        }
        #expect(dx.scalars == expected)
    }
}
