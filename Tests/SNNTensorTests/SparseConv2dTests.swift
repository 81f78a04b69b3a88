import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct SparseConv2dTests {} }

/// Stride-1 cases: (input shape [N, Cin, H, W], Cout, window).
private let sparseCases: [([Int], Int, Window2d)] = [
    ([2, 3, 6, 5], 4, Window2d(kernel: 3, stride: 1, padding: 1)),
    ([1, 2, 5, 5], 3, Window2d(kernel: 5, stride: 1, padding: 2)),
    ([2, 2, 7, 6], 3, Window2d(kernelH: 3, kernelW: 2, padH: 1, padW: 0)),
    ([3, 4, 4, 4], 5, Window2d(kernel: 1)),
    ([2, 2, 3, 3], 2, Window2d(kernel: 3, stride: 1, padding: 0)),  // 1×1 output
    ([2, 3, 4, 5], 2, Window2d(kernel: 1, stride: 1, padding: 1)),  // 1×1 kernel with padding
    ([3, 2, 1, 1], 3, Window2d(kernel: 3, stride: 1, padding: 1)),  // kernel larger than the image
    ([2, 2, 5, 6], 3, Window2d(kernelH: 3, kernelW: 5, padH: 2, padW: 1)),
]

/// A mask keeping each weight with probability `density` (deterministic in `seed`).
private func randomMask(_ shape: [Int], density: Double, seed: UInt64) -> Tensor {
    let u = randomDoubles(shape.reduce(1, *), seed: seed)
    return Tensor(shape: shape, scalars: u.map { abs($0).truncatingRemainder(dividingBy: 1) < density ? 1 : 0 })
}

private func masked(_ w: Tensor, _ mask: Tensor) -> Tensor {
    Tensor(shape: w.shape, scalars: zip(w.scalars, mask.scalars).map { $1 != 0 ? $0 : 0 })
}

extension SNNTensorTests.SparseConv2dTests {
    @Test func patternGroupsKeptWeightsByOutputAndByInputChannel() {
        // [Cout 2, Cin 2, 1, 2]: flat = (co·2 + ci)·2 + kw.
        let mask = Tensor(
            shape: [2, 2, 1, 2],
            scalars: [
                1, 0, 0, 1,
                1, 1, 0, 0,
            ])
        let p = SparseConvPattern(mask: mask)
        #expect(p.byOutput == [0, 3, 4, 5])
        #expect(p.outputStart == [0, 2, 4])
        #expect(p.byInput == [0, 4, 5, 3])  // ci 0: (co 0, kw 0), (co 1, kw 0), (co 1, kw 1); ci 1: (co 0, kw 1)
        #expect(p.inputStart == [0, 3, 4])
        #expect(p.keptCount == 4 && p.density == 0.5)
        #expect(SparseConvPattern(mask: Tensor.zeros([3, 1, 3, 3])).keptCount == 0)
        #expect(SparseConvPattern.supports(Window2d(kernel: 3, stride: 1, padding: 1)))
        #expect(!SparseConvPattern.supports(Window2d(kernel: 1, stride: 2)))
    }

    @Test("sparse forward equals the direct convolution of the masked weights", arguments: 0..<sparseCases.count)
    func forwardMatchesMaskedDirect(caseIndex: Int) {
        let (shape, cout, win) = sparseCases[caseIndex]
        let x = randomTensor(shape, seed: 60)
        // Pruned positions hold nonzero values: the kernel must not read them.
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 61)
        let b = randomTensor([cout], seed: 62)
        for density in [0.0, 0.1, 0.5, 1.0] {
            let mask = randomMask(w.shape, density: density, seed: 63)
            let pattern = SparseConvPattern(mask: mask)
            let expected = naiveConv2d(x, masked(w, mask), b, win)
            var results: [Tensor] = []
            // One image per wide chunk, two (a partial last chunk for odd batches), the whole batch.
            let perImage = shape[1] * (shape[2] + 2 * win.padH) * (shape[3] + 2 * win.padW) * 4
            for budget in [1, 2 * perImage, 32 << 20] {
                var ws = ConvWorkspace(maxColumnBytes: budget)
                let y = sparseConv2dForward(input: x, weight: w, bias: b, window: win, pattern: pattern, workspace: &ws)
                #expect(y.shape == conv2dOutputShape(inputShape: shape, outChannels: cout, window: win))
                expectClose(y.scalars, expected, atol: 1e-5, rtol: 1e-5, "case \(caseIndex) density \(density)")
                results.append(y)
                let yNoBias = sparseConv2dForward(input: x, weight: w, bias: nil, window: win, pattern: pattern, workspace: &ws)
                expectClose(
                    yNoBias.scalars, naiveConv2d(x, masked(w, mask), nil, win), atol: 1e-5, rtol: 1e-5,
                    "case \(caseIndex) density \(density) no bias")
            }
            // Each output element sums its kept weights in one fixed order: chunking changes no bit.
            #expect(results[0] == results[1] && results[1] == results[2])
        }
    }

    @Test("sparse backward equals the dense backward of the masked weights", arguments: 0..<sparseCases.count)
    func backwardMatchesDense(caseIndex: Int) {
        let (shape, cout, win) = sparseCases[caseIndex]
        let x = randomTensor(shape, seed: 70)
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 71)
        let mask = randomMask(w.shape, density: 0.4, seed: 72)
        let pattern = SparseConvPattern(mask: mask)
        let outShape = conv2dOutputShape(inputShape: shape, outChannels: cout, window: win)
        let dy = randomTensor(outShape, seed: 73)
        let perImage = max(shape[1], cout) * (shape[2] + 2 * win.padH) * (shape[3] + 2 * win.padW) * 4
        for budget in [1, 2 * perImage, 32 << 20] {
            var ws = ConvWorkspace(maxColumnBytes: budget)
            // Gradients accumulate: start from ones; pruned positions must stay exactly 1.
            var dwSparse = Tensor(repeating: 1, shape: w.shape)
            var dwDense = Tensor(repeating: 1, shape: w.shape)
            var dbSparse: Tensor? = Tensor(repeating: 1, shape: [cout])
            var dbDense: Tensor? = Tensor(repeating: 1, shape: [cout])
            let dxSparse = sparseConv2dBackward(
                dOutput: dy, input: x, weight: w, window: win, pattern: pattern,
                dWeight: &dwSparse, dBias: &dbSparse, workspace: &ws)!
            let dxDense = conv2dBackward(
                dOutput: dy, input: x, weight: masked(w, mask), window: win,
                dWeight: &dwDense, dBias: &dbDense, workspace: &ws)!
            expectClose(dxSparse.scalars, dxDense.scalars, atol: 1e-5, rtol: 1e-5, "case \(caseIndex) dInput")
            for i in 0..<w.count {
                if mask.scalars[i] == 0 {
                    #expect(dwSparse.scalars[i] == 1, "case \(caseIndex): pruned weight \(i) got a gradient")
                } else {
                    #expect(
                        abs(dwSparse.scalars[i] - dwDense.scalars[i]) <= 1e-4 * max(1, abs(dwDense.scalars[i])),
                        "case \(caseIndex) dWeight[\(i)] \(dwSparse.scalars[i]) vs \(dwDense.scalars[i])")
                }
            }
            #expect(dbSparse == dbDense)
            var dwNoInput = Tensor(repeating: 1, shape: w.shape)
            var noBias: Tensor? = nil
            #expect(
                sparseConv2dBackward(
                    dOutput: dy, input: x, weight: w, window: win, pattern: pattern,
                    dWeight: &dwNoInput, dBias: &noBias, computeInputGradient: false,
                    workspace: &ws) == nil)
            #expect(dwNoInput == dwSparse && noBias == nil)
        }
    }

    @Test func everyWeightPrunedGivesTheBiasAndZeroGradients() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([2, 3, 4, 4], seed: 75)
        let w = randomTensor([2, 3, 3, 3], seed: 76)
        let b = Tensor(shape: [2], scalars: [0.5, -2])
        let pattern = SparseConvPattern(mask: Tensor.zeros(w.shape))
        var ws = ConvWorkspace()
        let y = sparseConv2dForward(input: x, weight: w, bias: b, window: win, pattern: pattern, workspace: &ws)
        #expect(y.scalars == (0..<2).flatMap { _ in [Float](repeating: 0.5, count: 16) + [Float](repeating: -2, count: 16) })
        var dw = Tensor(repeating: 1, shape: w.shape)
        var db: Tensor? = Tensor.zeros([2])
        let dx = sparseConv2dBackward(
            dOutput: randomTensor(y.shape, seed: 77), input: x, weight: w, window: win,
            pattern: pattern, dWeight: &dw, dBias: &db, workspace: &ws)!
        #expect(dx == Tensor.zeros(x.shape))
        #expect(dw == Tensor(repeating: 1, shape: w.shape))
        #expect(db!.scalars.allSatisfy { $0 != 0 })
        // Empty batch and no output channels.
        #expect(
            sparseConv2dForward(
                input: Tensor.zeros([0, 3, 4, 4]), weight: w, bias: b, window: win,
                pattern: SparseConvPattern(mask: Tensor(repeating: 1, shape: w.shape)),
                workspace: &ws
            ).shape == [0, 2, 4, 4])
        let noOutputs = Tensor.zeros([0, 3, 3, 3])
        #expect(
            sparseConv2dForward(
                input: x, weight: noOutputs, bias: nil, window: win,
                pattern: SparseConvPattern(mask: noOutputs), workspace: &ws
            ).shape == [2, 0, 4, 4])
    }

    @Test func backwardMatchesFiniteDifferencesOfTheSparseForward() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([2, 3, 5, 4], seed: 80)
        let w = randomTensor([4, 3, 3, 3], seed: 81)
        let b = randomTensor([4], seed: 82)
        let pattern = SparseConvPattern(mask: randomMask(w.shape, density: 0.3, seed: 83))
        let r = randomDoubles(2 * 4 * 5 * 4, seed: 84)
        let dy = Tensor(shape: [2, 4, 5, 4], scalars: r.map(Float.init))
        var ws = ConvWorkspace()
        var dw = Tensor.zeros(w.shape)
        var db: Tensor? = Tensor.zeros([4])
        let dx = sparseConv2dBackward(
            dOutput: dy, input: x, weight: w, window: win, pattern: pattern,
            dWeight: &dw, dBias: &db, workspace: &ws)!
        // Linear loss: central differences are exact up to Float rounding (see Conv2dTests).
        func loss(_ x: Tensor, _ w: Tensor) -> Double {
            var ws = ConvWorkspace()
            return weightedSum(
                sparseConv2dForward(
                    input: x, weight: w, bias: b, window: win, pattern: pattern,
                    workspace: &ws
                ).scalars, r)
        }
        expectGradientMatches(
            analytic: dx.scalars, numeric: finiteDifferenceGradient(at: x, step: 0.1) { loss($0, w) },
            atol: 1e-3, rtol: 1e-3, "sparse dInput")
        // The sparse forward ignores pruned weights, so their numeric gradient is 0 as well.
        expectGradientMatches(
            analytic: dw.scalars, numeric: finiteDifferenceGradient(at: w, step: 0.1) { loss(x, $0) },
            atol: 1e-3, rtol: 1e-3, "sparse dWeight")
    }

    @Test func threadCountChangesNoBit() {
        // Large enough that every stage splits over threads: 32·18 = 576 wide rows in 6 row
        // chunks of 113, 10,368 positions in 6 weight-gradient groups, spreads of > 2^16 floats.
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([32, 8, 16, 16], seed: 90)
        let w = randomTensor([16, 8, 3, 3], seed: 91)
        let b = randomTensor([16], seed: 92)
        let dy = randomTensor([32, 16, 16, 16], seed: 93)
        let g = WideGeometry(channels: 8, height: 16, width: 16, window: win, images: 32)
        #expect(g.rows / g.rowsPerChunk >= 2 && g.length > 2 * wideChunkPositions && 8 * g.channelStride >= 1 << 16)
        let pattern = SparseConvPattern(mask: randomMask(w.shape, density: 0.2, seed: 94))
        var results: [(Tensor, Tensor, Tensor)] = []
        for threads in [1, 2, 3] {
            var ws = ConvWorkspace(threads: threads)
            let y = sparseConv2dForward(input: x, weight: w, bias: b, window: win, pattern: pattern, workspace: &ws)
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = Tensor.zeros([16])
            let dx = sparseConv2dBackward(
                dOutput: dy, input: x, weight: w, window: win, pattern: pattern,
                dWeight: &dw, dBias: &db, workspace: &ws)!
            results.append((y, dx, dw))
        }
        for r in results.dropFirst() {
            #expect(r.0 == results[0].0 && r.1 == results[0].1 && r.2 == results[0].2)
        }
        let kept = Set(pattern.byOutput)
        let maskedW = masked(w, Tensor(shape: w.shape, scalars: (0..<w.count).map { kept.contains($0) ? 1 : 0 }))
        expectClose(results[0].0.scalars, naiveConv2d(x, maskedW, b, win), atol: 1e-5, rtol: 1e-5, "multi-chunk forward")
        var ws = ConvWorkspace()
        var dwDense = Tensor.zeros(w.shape)
        var dbDense: Tensor? = Tensor.zeros([16])
        let dxDense = conv2dBackward(
            dOutput: dy, input: x, weight: maskedW, window: win, dWeight: &dwDense,
            dBias: &dbDense, workspace: &ws)!
        expectClose(results[0].1.scalars, dxDense.scalars, atol: 1e-5, rtol: 1e-5, "multi-chunk dInput")
        for k in pattern.byOutput {
            #expect(abs(results[0].2.scalars[k] - dwDense.scalars[k]) <= 1e-3 * max(1, abs(dwDense.scalars[k])))
        }
    }

    @Test func staleBuffersNeverReachTheResults() {
        // The wide buffers are reused between calls and the input gradient's storage is not
        // zero-filled before the kernels write it: fill both with NaN first, and the results must
        // still be bit-identical to a fresh run's, with an input channel that has no kept weight
        // exactly 0.
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([3, 3, 6, 5], seed: 100)
        let w = randomTensor([4, 3, 3, 3], seed: 101)
        let b = randomTensor([4], seed: 102)
        let dy = randomTensor([3, 4, 6, 5], seed: 103)
        var mask = randomMask(w.shape, density: 0.5, seed: 104)
        for co in 0..<4 { for k in 0..<9 { mask.scalars[(co * 3 + 1) * 9 + k] = 0 } }  // input channel 1: none kept
        let pattern = SparseConvPattern(mask: mask)
        func run(_ ws: inout ConvWorkspace, dxStorage: [Float]) -> (Tensor, Tensor, Tensor) {
            var storage: [Float]? = dxStorage
            let y = sparseConv2dForward(input: x, weight: w, bias: b, window: win, pattern: pattern, workspace: &ws)
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = nil
            let dx = sparseConv2dBackward(
                dOutput: dy, input: x, weight: w, window: win, pattern: pattern,
                dWeight: &dw, dBias: &db, inputGradientStorage: &storage, workspace: &ws)!
            #expect(storage == nil)
            return (y, dx, dw)
        }
        for budget in [1, 32 << 20] {  // one image per chunk, and the whole batch in one
            // (The weight gradient's summation blocks follow the chunks: compare like with like.)
            var fresh = ConvWorkspace(maxColumnBytes: budget)
            let expected = run(&fresh, dxStorage: [Float](repeating: 0, count: x.count))
            #expect(expected.0.scalars.allSatisfy(\.isFinite) && expected.1.scalars.allSatisfy(\.isFinite))
            var stale = ConvWorkspace(maxColumnBytes: budget)
            stale.columns = [Float](repeating: .nan, count: 1 << 14)
            stale.product = [Float](repeating: .nan, count: 1 << 14)
            let got = run(&stale, dxStorage: [Float](repeating: .nan, count: x.count))
            #expect(got.0 == expected.0 && got.1 == expected.1 && got.2 == expected.2, "budget \(budget)")
            let plane = 6 * 5
            for n in 0..<3 {
                #expect(got.1.scalars[(n * 3 + 1) * plane..<(n * 3 + 2) * plane].allSatisfy { $0 == 0 })
            }
        }
    }
}
