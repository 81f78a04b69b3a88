import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct Conv2dTests {} }

/// Direct convolution in Double: the definition, loop by loop.
func naiveConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ win: Window2d) -> [Float] {
    let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let cout = w.shape[0]
    let ho = (h + 2 * win.padH - win.kernelH) / win.strideH + 1
    let wo = (wd + 2 * win.padW - win.kernelW) / win.strideW + 1
    var y = [Float](repeating: 0, count: n * cout * ho * wo)
    for i in 0..<n {
        for co in 0..<cout {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    var s = Double(b?.scalars[co] ?? 0)
                    for ci in 0..<cin {
                        for kh in 0..<win.kernelH {
                            for kw in 0..<win.kernelW {
                                let ih = oh * win.strideH - win.padH + kh
                                let iw = ow * win.strideW - win.padW + kw
                                guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                                let xv = x.scalars[((i * cin + ci) * h + ih) * wd + iw]
                                let wv = w.scalars[((co * cin + ci) * win.kernelH + kh) * win.kernelW + kw]
                                s += Double(xv) * Double(wv)
                            }
                        }
                    }
                    y[((i * cout + co) * ho + oh) * wo + ow] = Float(s)
                }
            }
        }
    }
    return y
}

/// (input shape [N, Cin, H, W], Cout, window) cases: 3×3 pad 1, 1×1 stride 2 (ResNet
/// shortcut), non-square kernels, stride 2 with padding, kernel larger than the stride.
let convCases: [([Int], Int, Window2d)] = [
    ([2, 3, 6, 5], 4, Window2d(kernel: 3, stride: 1, padding: 1)),
    ([3, 4, 7, 7], 5, Window2d(kernel: 1, stride: 2, padding: 0)),
    ([2, 2, 7, 6], 3, Window2d(kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 0)),
    ([2, 3, 8, 9], 2, Window2d(kernel: 3, stride: 2, padding: 1)),
    ([1, 2, 5, 5], 3, Window2d(kernel: 5, stride: 1, padding: 2)),
    ([2, 1, 4, 4], 2, Window2d(kernel: 2, stride: 3, padding: 1)),
]

extension SNNTensorTests.Conv2dTests {
    @Test("conv2d forward matches direct convolution", arguments: 0..<convCases.count)
    func forwardMatchesDirect(caseIndex: Int) {
        let (shape, cout, win) = convCases[caseIndex]
        let x = randomTensor(shape, seed: 10)
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 11)
        let b = randomTensor([cout], seed: 12)
        // A tiny column budget forces one image per chunk; the default puts the batch in one chunk.
        for budget in [1, 32 << 20] {
            var ws = ConvWorkspace(maxColumnBytes: budget)
            let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
            #expect(y.shape == conv2dOutputShape(inputShape: shape, outChannels: cout, window: win))
            expectClose(
                y.scalars, naiveConv2d(x, w, b, win), atol: 1e-5, rtol: 1e-5,
                "conv case \(caseIndex) budget \(budget)")
            let yNoBias = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
            expectClose(
                yNoBias.scalars, naiveConv2d(x, w, nil, win), atol: 1e-5, rtol: 1e-5,
                "conv case \(caseIndex) no bias budget \(budget)")
        }
    }

    @Test func chunkSizeBatchesSmallMapsWithinTheByteBudget() {
        let ws = ConvWorkspace(maxColumnBytes: 32 << 20, targetColumns: 2048)
        #expect(ws.chunkSize(batch: 64, columnRows: 576, pixels: 1024) == 2)  // 32x32 maps
        #expect(ws.chunkSize(batch: 64, columnRows: 1152, pixels: 256) == 8)  // 16x16
        #expect(ws.chunkSize(batch: 64, columnRows: 4608, pixels: 16) == 64)  // 4x4: whole batch
        #expect(ws.chunkSize(batch: 64, columnRows: 4608, pixels: 64) == 28)  // capped by 32 MiB
        #expect(ws.chunkSize(batch: 5, columnRows: 27, pixels: 16) == 5)  // never above N
        #expect(ConvWorkspace(maxColumnBytes: 1).chunkSize(batch: 9, columnRows: 9, pixels: 9) == 1)
    }

    @Test func chunkingSplitsTheBatchAndGivesTheSameBits() {
        // 7 images, budget for 3 per chunk: chunks of 3, 3, 1 (exercises the partial last chunk).
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([7, 2, 5, 4], seed: 13)
        let w = randomTensor([3, 2, 3, 3], seed: 14)
        let b = randomTensor([3], seed: 15)
        let perImage = 2 * 9 * 5 * 4 * 4
        var small = ConvWorkspace(maxColumnBytes: 3 * perImage + 7)
        #expect(small.chunkSize(batch: 7, columnRows: 18, pixels: 20) == 3)
        let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &small)
        expectClose(y.scalars, naiveConv2d(x, w, b, win), atol: 1e-5, rtol: 1e-5, "chunked conv")
        #expect(small.allocatedBytes <= 3 * perImage + 3 * 3 * 20 * 4)

        // Backward through chunks equals backward in one chunk up to GEMM summation order.
        let dy = randomTensor(y.shape, seed: 16)
        var big = ConvWorkspace()
        var dw1 = Tensor.zeros(w.shape)
        var dw2 = Tensor.zeros(w.shape)
        var db1: Tensor? = Tensor.zeros([3])
        var db2: Tensor? = Tensor.zeros([3])
        let dx1 = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win,
            dWeight: &dw1, dBias: &db1, workspace: &small)
        let dx2 = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win,
            dWeight: &dw2, dBias: &db2, workspace: &big)
        expectClose(dx1!.scalars, dx2!.scalars, "dInput chunked vs whole")
        expectClose(dw1.scalars, dw2.scalars, atol: 1e-5, rtol: 1e-5, "dWeight chunked vs whole")
        #expect(db1 == db2)
    }

    @Test("conv2d backward matches finite differences", arguments: 0..<convCases.count)
    func backwardMatchesFiniteDifferences(caseIndex: Int) {
        let (shape, cout, win) = convCases[caseIndex]
        let x = randomTensor(shape, seed: 20)
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 21)
        let b = randomTensor([cout], seed: 22)
        var ws = ConvWorkspace(maxColumnBytes: 2 * 4 * shape[1] * win.kernelH * win.kernelW * 64)
        let outShape = conv2dOutputShape(inputShape: shape, outChannels: cout, window: win)
        let r = randomDoubles(outShape.reduce(1, *), seed: 23)
        let dy = Tensor(shape: outShape, scalars: r.map(Float.init))

        // Gradients accumulate: start dW, dB from ones and subtract afterwards.
        var dw = Tensor(repeating: 1, shape: w.shape)
        var db: Tensor? = Tensor(repeating: 1, shape: [cout])
        let dx = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win,
            dWeight: &dw, dBias: &db, workspace: &ws)!
        let dwOnly = dw.scalars.map { $0 - 1 }
        let dbOnly = db!.scalars.map { $0 - 1 }

        // The loss is linear in each argument, so central differences have no truncation error
        // and a large step (0.1) keeps Float rounding of the loss (~1e-5) below 1e-4 in the
        // quotient: a 1e-3 tolerance is far tighter than any wiring mistake.
        func loss(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Double {
            var ws = ConvWorkspace()
            return weightedSum(conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws).scalars, r)
        }
        expectGradientMatches(
            analytic: dx.scalars,
            numeric: finiteDifferenceGradient(at: x, step: 0.1) { loss($0, w, b) },
            atol: 1e-3, rtol: 1e-3, "conv \(caseIndex) dInput")
        expectGradientMatches(
            analytic: dwOnly,
            numeric: finiteDifferenceGradient(at: w, step: 0.1) { loss(x, $0, b) },
            atol: 1e-3, rtol: 1e-3, "conv \(caseIndex) dWeight")
        expectGradientMatches(
            analytic: dbOnly,
            numeric: finiteDifferenceGradient(at: b, step: 0.1) { loss(x, w, $0) },
            atol: 1e-3, rtol: 1e-3, "conv \(caseIndex) dBias")
    }

    @Test func backwardWithoutInputGradientStillGivesWeightGradient() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([2, 3, 5, 5], seed: 30)
        let w = randomTensor([4, 3, 3, 3], seed: 31)
        let dy = randomTensor([2, 4, 5, 5], seed: 32)
        var ws = ConvWorkspace()
        var dwA = Tensor.zeros(w.shape)
        var dwB = Tensor.zeros(w.shape)
        var noBias: Tensor? = nil
        let dx = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win, dWeight: &dwA,
            dBias: &noBias, computeInputGradient: false, workspace: &ws)
        #expect(dx == nil)
        _ = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win, dWeight: &dwB,
            dBias: &noBias, workspace: &ws)
        #expect(dwA == dwB)
        #expect(dwA.scalars.contains { $0 != 0 })
        #expect(noBias == nil)
    }

    @Test func threadedCopiesGiveIdenticalBits() {
        // Large enough that im2col, scatter, gather and col2im all split over threads.
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([4, 8, 16, 16], seed: 50)
        let w = randomTensor([64, 8, 3, 3], seed: 51)
        let b = randomTensor([64], seed: 52)
        let dy = randomTensor([4, 64, 16, 16], seed: 53)
        var results: [(Tensor, Tensor, Tensor, Tensor?)] = []
        for threads in [1, 2, 3] {
            var ws = ConvWorkspace(threads: threads)
            #expect(ws.chunkSize(batch: 4, columnRows: 72, pixels: 256) == 4)
            let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = Tensor.zeros([64])
            let dx = conv2dBackward(
                dOutput: dy, input: x, weight: w, window: win,
                dWeight: &dw, dBias: &db, workspace: &ws)!
            results.append((y, dx, dw, db))
        }
        expectClose(results[0].0.scalars, naiveConv2d(x, w, b, win), atol: 1e-5, rtol: 1e-5, "threaded forward")
        for r in results.dropFirst() {
            #expect(r.0 == results[0].0 && r.1 == results[0].1 && r.2 == results[0].2 && r.3 == results[0].3)
        }
    }

    @Test func forwardIsDeterministic() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([4, 8, 9, 9], seed: 40)
        let w = randomTensor([16, 8, 3, 3], seed: 41)
        var ws = ConvWorkspace()
        let y1 = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        let y2 = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        #expect(y1 == y2)
    }
}
