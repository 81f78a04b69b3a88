import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct EventConv2dTests {} }

/// A spike-like input: each value is 0 with probability 1 − density, else 1 (or, with
/// `pooled`, one of 0.25, 0.5, 0.75, 1 as after 2×2 average pooling of spikes).
func sparseInput(_ shape: [Int], density: Float, seed: UInt64, pooled: Bool = false) -> Tensor {
    var rng = SeededRNG(seed: seed)
    let n = shape.reduce(1, *)
    return Tensor(
        shape: shape,
        scalars: (0..<n).map { _ in
            guard rng.nextUnitFloat() < density else { return 0 }
            return pooled ? Float(1 + rng.nextInt(below: 4)) / 4 : 1
        })
}

/// The weight gradient by its definition, in Double.
func naiveConvWeightGradient(_ x: Tensor, _ dy: Tensor, _ wShape: [Int], _ win: Window2d) -> [Float] {
    let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, ho, wo) = (dy.shape[1], dy.shape[2], dy.shape[3])
    var dw = [Double](repeating: 0, count: wShape.reduce(1, *))
    for i in 0..<n {
        for co in 0..<cout {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    let g = Double(dy.scalars[((i * cout + co) * ho + oh) * wo + ow])
                    for ci in 0..<cin {
                        for kh in 0..<win.kernelH {
                            for kw in 0..<win.kernelW {
                                let ih = oh * win.strideH - win.padH + kh
                                let iw = ow * win.strideW - win.padW + kw
                                guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                                let xv = Double(x.scalars[((i * cin + ci) * h + ih) * wd + iw])
                                dw[((co * cin + ci) * win.kernelH + kh) * win.kernelW + kw] += g * xv
                            }
                        }
                    }
                }
            }
        }
    }
    return dw.map(Float.init)
}

extension SNNTensorTests.EventConv2dTests {
    static let eventsAlways = EventConvPolicy(maxDensity: 1)

    @Test("event forward matches direct convolution", arguments: 0..<convCases.count)
    func forwardMatchesDirect(caseIndex: Int) {
        let (shape, cout, win) = convCases[caseIndex]
        for pooled in [false, true] {
            let x = sparseInput(shape, density: 0.2, seed: 40, pooled: pooled)
            let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 41)
            let b = randomTensor([cout], seed: 42)
            var ws = ConvWorkspace()
            ws.events = Self.eventsAlways
            let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
            #expect(y.shape == conv2dOutputShape(inputShape: shape, outChannels: cout, window: win))
            expectClose(y.scalars, naiveConv2d(x, w, b, win), atol: 1e-5, rtol: 1e-5, "event conv case \(caseIndex)")
            let unbiased = conv2dForward(input: x, weight: w, bias: nil, window: win, workspace: &ws)
            expectClose(unbiased.scalars, naiveConv2d(x, w, nil, win), atol: 1e-5, rtol: 1e-5, "no bias, case \(caseIndex)")
        }
    }

    @Test("event weight gradient matches its definition; the input gradient is oneDNN's", arguments: 0..<convCases.count)
    func backwardMatchesDefinition(caseIndex: Int) {
        let (shape, cout, win) = convCases[caseIndex]
        let x = sparseInput(shape, density: 0.15, seed: 50, pooled: caseIndex % 2 == 1)
        let w = randomTensor([cout, shape[1], win.kernelH, win.kernelW], seed: 51)
        let outShape = conv2dOutputShape(inputShape: shape, outChannels: cout, window: win)
        let dy = randomTensor(outShape, seed: 52)
        var events = ConvWorkspace()
        events.events = Self.eventsAlways
        var dense = ConvWorkspace()
        dense.events = .off
        // Gradients accumulate: start from ones.
        var dwEvents = Tensor(repeating: 1, shape: w.shape)
        var dwDense = Tensor(repeating: 1, shape: w.shape)
        var dbEvents: Tensor? = Tensor.zeros([cout])
        var dbDense: Tensor? = Tensor.zeros([cout])
        let dxEvents = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win, dWeight: &dwEvents, dBias: &dbEvents, workspace: &events)
        let dxDense = conv2dBackward(
            dOutput: dy, input: x, weight: w, window: win, dWeight: &dwDense, dBias: &dbDense, workspace: &dense)
        expectClose(
            dwEvents.scalars.map { $0 - 1 }, naiveConvWeightGradient(x, dy, w.shape, win), atol: 1e-5, rtol: 1e-5,
            "event dWeight, case \(caseIndex)")
        #expect(dxEvents == dxDense)
        #expect(dbEvents == dbDense)
    }

    @Test func bitsDoNotDependOnTheThreadCount() {
        let win = Window2d(kernel: 3, stride: 1, padding: 1)
        let x = sparseInput([6, 16, 8, 8], density: 0.1, seed: 60)
        let w = randomTensor([32, 16, 3, 3], seed: 61)
        let b = randomTensor([32], seed: 62)
        let dy = randomTensor([6, 32, 8, 8], seed: 63)
        var results: [(Tensor, Tensor)] = []
        for threads in [1, 2, 3] {
            var ws = ConvWorkspace(threads: threads)
            ws.events = Self.eventsAlways
            let y = conv2dForward(input: x, weight: w, bias: b, window: win, workspace: &ws)
            var dw = Tensor.zeros(w.shape)
            var noBias: Tensor? = nil
            _ = conv2dBackward(
                dOutput: dy, input: x, weight: w, window: win, dWeight: &dw, dBias: &noBias,
                computeInputGradient: false, workspace: &ws)
            results.append((y, dw))
        }
        for r in results.dropFirst() {
            #expect(r.0 == results[0].0)
            #expect(r.1 == results[0].1)
        }
        #expect(results[0].1.scalars.contains { $0 != 0 })
    }

    @Test func policyFollowsTheInputsDensity() {
        let policy = EventConvPolicy(maxDensity: 0.25)
        #expect(policy.applies(to: sparseInput([2, 4, 8, 8], density: 0.1, seed: 70), outputChannels: 3))
        #expect(!policy.applies(to: sparseInput([2, 4, 8, 8], density: 0.6, seed: 71), outputChannels: 3))
        #expect(!EventConvPolicy.off.applies(to: sparseInput([2, 4, 8, 8], density: 0.1, seed: 72), outputChannels: 3))
        #expect(!policy.applies(to: Tensor.zeros([0, 4, 8, 8]), outputChannels: 3))
        // The measured policy: by width.
        let spikes = sparseInput([4, 8, 16, 16], density: 0.07, seed: 74)
        #expect(!EventConvPolicy.measured.applies(to: spikes, outputChannels: 32))
        #expect(!EventConvPolicy.measured.applies(to: spikes, outputChannels: 64))
        #expect(EventConvPolicy.measured.applies(to: spikes, outputChannels: 128))
        #expect(EventConvPolicy.measured.maxDensity(outputChannels: 512) == 0.15)
        #expect(EventConvPolicy.measured.maxDensity(outputChannels: 63) == 0)
        // An all-zero input runs the event kernels and gives the bias everywhere.
        var ws = ConvWorkspace()
        ws.events = policy
        let b = Tensor(shape: [3], scalars: [0.5, -1, 2])
        let y = conv2dForward(
            input: Tensor.zeros([2, 4, 5, 5]), weight: randomTensor([3, 4, 3, 3], seed: 73), bias: b,
            window: Window2d(kernel: 3, stride: 1, padding: 1), workspace: &ws)
        #expect(y.scalars == (0..<2).flatMap { _ in b.scalars.flatMap { [Float](repeating: $0, count: 25) } })
        #expect(["avx512", "avx2", "generic"].contains(eventConvInstructionSet))
    }
}
