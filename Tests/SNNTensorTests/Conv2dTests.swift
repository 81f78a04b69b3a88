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
        var ws = ConvWorkspace()
        let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
        #expect(y.shape == conv2dOutputShape(inputShape: shape, outChannels: cout, window: win))
        expectClose(y.scalars, naiveConv2d(x, w, b, win), atol: 1e-5, rtol: 1e-5, "conv case \(caseIndex)")
        let yNoBias = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        expectClose(yNoBias.scalars, naiveConv2d(x, w, nil, win), atol: 1e-5, rtol: 1e-5, "conv case \(caseIndex) no bias")
    }

    /// The channel counts of the ticket-search model, where oneDNN picks its blocked JIT kernels
    /// (and reorders to and from them) rather than the small-channel paths of `convCases`.
    @Test("blocked kernels: forward and backward match the definition", arguments: [(8, 8, 12), (8, 16, 6), (16, 16, 5)])
    func blockedKernelsMatchDirect(cin: Int, cout: Int, size: Int) {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([3, cin, size, size], seed: 17)
        let w = randomTensor([cout, cin, 3, 3], seed: 18)
        let b = randomTensor([cout], seed: 19)
        var ws = ConvWorkspace()
        let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
        expectClose(y.scalars, naiveConv2d(x, w, b, win), atol: 1e-4, rtol: 1e-4, "blocked forward")
        // Backward against the definition: dX is the transposed convolution of dY, dW the
        // correlation of X with dY, dB the sum of dY.
        let dy = randomTensor(y.shape, seed: 20)
        var dw = Tensor.zeros(w.shape)
        var db: Tensor? = Tensor.zeros([cout])
        let dx = conv2dBackward(dOutput: dy, input: x, weight: w, window: win, dWeight: &dw, dBias: &db, workspace: &ws)!
        var dxExpected = [Double](repeating: 0, count: x.count)
        var dwExpected = [Double](repeating: 0, count: w.count)
        var dbExpected = [Double](repeating: 0, count: cout)
        for n in 0..<3 {
            for co in 0..<cout {
                for oh in 0..<size {
                    for ow in 0..<size {
                        let g = Double(dy.scalars[((n * cout + co) * size + oh) * size + ow])
                        dbExpected[co] += g
                        for ci in 0..<cin {
                            for kh in 0..<3 {
                                for kw in 0..<3 {
                                    let (ih, iw) = (oh - 1 + kh, ow - 1 + kw)
                                    guard ih >= 0, ih < size, iw >= 0, iw < size else { continue }
                                    let xi = ((n * cin + ci) * size + ih) * size + iw
                                    let wi = ((co * cin + ci) * 3 + kh) * 3 + kw
                                    dxExpected[xi] += g * Double(w.scalars[wi])
                                    dwExpected[wi] += g * Double(x.scalars[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        expectClose(dx.scalars, dxExpected.map(Float.init), atol: 1e-4, rtol: 1e-4, "blocked dInput")
        expectClose(dw.scalars, dwExpected.map(Float.init), atol: 1e-4, rtol: 1e-4, "blocked dWeight")
        expectClose(db!.scalars, dbExpected.map(Float.init), atol: 1e-4, rtol: 1e-4, "blocked dBias")
    }

    @Test("conv2d backward matches finite differences", arguments: 0..<convCases.count)
    func backwardMatchesFiniteDifferences(caseIndex: Int) {
        let (shape, cout, win) = convCases[caseIndex]
        let x = randomTensor(shape, seed: 20)
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 21)
        let b = randomTensor([cout], seed: 22)
        var ws = ConvWorkspace()
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
            weightedSum(conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws).scalars, r)
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

    @Test func sameThreadCountGivesIdenticalBits() {
        // Large enough that oneDNN splits the work over threads.
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([4, 8, 16, 16], seed: 50)
        let w = randomTensor([64, 8, 3, 3], seed: 51)
        let b = randomTensor([64], seed: 52)
        let dy = randomTensor([4, 64, 16, 16], seed: 53)
        func run(threads: Int) -> (Tensor, Tensor, Tensor, Tensor?) {
            var ws = ConvWorkspace(threads: threads)
            let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = Tensor.zeros([64])
            let dx = conv2dBackward(dOutput: dy, input: x, weight: w, window: win, dWeight: &dw, dBias: &db, workspace: &ws)!
            return (y, dx, dw, db)
        }
        for threads in [1, 2] {
            let (first, second) = (run(threads: threads), run(threads: threads))
            expectClose(first.0.scalars, naiveConv2d(x, w, b, win), atol: 1e-4, rtol: 1e-4, "\(threads) threads")
            #expect(first.0 == second.0 && first.1 == second.1 && first.2 == second.2 && first.3 == second.3)
        }
        // Across thread counts only the summation order of the weight gradient may differ.
        let (one, two) = (run(threads: 1), run(threads: 2))
        expectClose(one.2.scalars, two.2.scalars, atol: 1e-4, rtol: 1e-4, "dWeight 1 vs 2 threads")
        expectClose(one.1.scalars, two.1.scalars, atol: 1e-5, rtol: 1e-5, "dInput 1 vs 2 threads")
    }

    /// Backward reuses the forward's reordered copy of the input only when it is the same,
    /// unchanged array: an input changed in place, or another forward of the same shape in
    /// between, must not leave a stale copy in the weight gradient.
    @Test func backwardNeverReadsAStaleCopyOfTheInput() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        var x = randomTensor([2, 8, 6, 6], seed: 56)
        let other = randomTensor([2, 8, 6, 6], seed: 57)
        let w = randomTensor([8, 8, 3, 3], seed: 58)
        let dy = randomTensor([2, 8, 6, 6], seed: 59)
        func weightGradient(_ input: Tensor, _ ws: inout ConvWorkspace) -> Tensor {
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = nil
            _ = conv2dBackward(dOutput: dy, input: input, weight: w, window: win, dWeight: &dw, dBias: &db, workspace: &ws)
            return dw
        }
        var fresh = ConvWorkspace()
        let expectedX = weightGradient(x, &fresh)
        var ws = ConvWorkspace()
        // The same array: reused, same bits as without a forward.
        _ = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        #expect(weightGradient(x, &ws) == expectedX)
        // Another forward of the same shape in between.
        _ = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        _ = conv2dForward(input: other, weight: w, bias: nil, window: win, workspace: &ws)
        #expect(weightGradient(x, &ws) == expectedX)
        // Changed in place after the forward.
        _ = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
        for i in x.scalars.indices { x.scalars[i] *= -2 }
        var fresh2 = ConvWorkspace()
        let expectedChanged = weightGradient(x, &fresh2)
        #expect(expectedChanged != expectedX)
        #expect(weightGradient(x, &ws) == expectedChanged)
    }

    @Test func copiedWorkspaceGetsItsOwnPrimitivesAndTheSameBits() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = randomTensor([2, 8, 6, 6], seed: 54)
        let w = randomTensor([8, 8, 3, 3], seed: 55)
        var a = ConvWorkspace()
        let ya = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &a)
        var b = a  // shares a's primitives until b runs
        let yb = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &b)
        let ya2 = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &a)
        #expect(ya == yb && ya == ya2)
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
