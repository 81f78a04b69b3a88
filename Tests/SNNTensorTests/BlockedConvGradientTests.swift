import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct BlockedConvGradientTests {} }

/// The bits of a tensor's values (`==` on Floats cannot tell +0 from −0).
func bitPatterns(_ t: Tensor?) -> [UInt32]? { t?.scalars.map(\.bitPattern) }

/// Whether oneDNN's backward reads an 8 → 8-channel convolution's output gradient channel-blocked
/// on this CPU (every x86 kernel does; reference kernels elsewhere read it plain, and the blocked
/// path is then never taken).
let blockedConvGradientsRun: Bool = {
    var workspace = ConvWorkspace(threads: 1)
    return conv2dOutputGradientBlock(
        input: randomTensor([2, 8, 8, 8], seed: 1), outChannels: 8, window: Window2d(kernel: 3, padding: 1),
        workspace: &workspace) != nil
}()

extension SNNTensorTests.BlockedConvGradientTests {
    /// A convolution's output through training-mode batch norm; batch norm's backward written
    /// plain and written in the convolution's blocked layout must give the same dγ, dβ and dx
    /// (each value where oneDNN's reorder puts it, padding channels 0), row sums equal to
    /// `runSum` over the plain rows, and the convolution's backward from either the same bits.
    /// Channels in → out: 8 → 8 and 16 → 16 (whole blocks), 8 → 24, and 16 → 20 (a padded last
    /// block); maps of 7×7 (rows with a scalar tail) and 16×16; one statistics group and one per step.
    @Test(
        "batch norm backward written in the convolution's blocked layout gives the same bits",
        .enabled(if: blockedConvGradientsRun),
        arguments: [(8, 8, 16, 1), (16, 16, 7, 3), (8, 24, 7, 3), (16, 20, 16, 1)])
    func blockedGradientEqualsThePlainOne(cin: Int, channels: Int, side: Int, groups: Int) throws {
        let batch = 6
        let window = Window2d(kernel: 3, padding: 1)
        let x = randomTensor([batch, cin, side, side], seed: 3)
        let weight = randomTensor([channels, cin, 3, 3], seed: 4, range: 0.3)
        let bias = randomTensor([channels], seed: 5)
        var workspace = ConvWorkspace(threads: 1)
        let y = conv2dForward(input: x, weight: weight, bias: bias, window: window, workspace: &workspace)
        let block = try #require(
            conv2dOutputGradientBlock(input: x, outChannels: channels, window: window, workspace: &workspace),
            "oneDNN reads this convolution's output gradient plain: the blocked path is not exercised")
        let gamma = randomTensor([channels], seed: 6)
        let beta = randomTensor([channels], seed: 7)
        var (mean, variance) = (Tensor.zeros([channels]), Tensor(shape: [channels], scalars: .init(repeating: 1, count: channels)))
        let cache = batchNormForwardTraining(
            input: y, gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, groups: groups
        ).cache
        let dy = randomTensor(y.shape, seed: 8)
        var (dGammaPlain, dBetaPlain) = (Tensor.zeros([channels]), Tensor.zeros([channels]))
        let plain = batchNormBackward(
            dOutput: dy, input: y, gamma: gamma, cache: cache, dGamma: &dGammaPlain, dBeta: &dBetaPlain)
        var (dGammaBlocked, dBetaBlocked) = (Tensor.zeros([channels]), Tensor.zeros([channels]))
        var blocked = batchNormBackward(
            dOutput: dy, input: y, gamma: gamma, cache: cache, channelBlock: block, dGamma: &dGammaBlocked,
            dBeta: &dBetaBlocked)
        #expect(bitPatterns(dGammaBlocked) == bitPatterns(dGammaPlain) && bitPatterns(dBetaBlocked) == bitPatterns(dBetaPlain))
        let p = side * side
        let blocks = (channels + block - 1) / block
        #expect(blocked.shape == y.shape && blocked.block == block && blocked.scalars.count == batch * blocks * p * block)
        var misplaced = 0
        var wrongSums = 0
        for i in 0..<batch {
            for c in 0..<blocks * block {
                for j in 0..<p {
                    let value = blocked.scalars[((i * blocks + c / block) * p + j) * block + c % block]
                    let expected = c < channels ? plain.scalars[(i * channels + c) * p + j] : 0
                    if value.bitPattern != expected.bitPattern { misplaced += 1 }
                }
                guard c < channels else { continue }
                let sum = plain.scalars.withUnsafeBufferPointer { runSum($0.baseAddress! + (i * channels + c) * p, p) }
                if blocked.rowSums[i * channels + c].bitPattern != sum.bitPattern { wrongSums += 1 }
            }
        }
        #expect(misplaced == 0 && wrongSums == 0)
        // The convolution's backward from either gradient, with and without the input gradient
        // (a first layer's: only the weight-gradient kernel runs).
        for inputGradient in [true, false] {
            var results: [[[UInt32]?]] = []
            for useBlocked in [false, true] {
                var dWeight = Tensor.zeros(weight.shape)
                var dBias: Tensor? = Tensor.zeros([channels])
                let dx =
                    useBlocked
                    ? conv2dBackward(
                        blockedOutputGradient: &blocked, input: x, weight: weight, window: window, dWeight: &dWeight,
                        dBias: &dBias, computeInputGradient: inputGradient, workspace: &workspace)
                    : conv2dBackward(
                        dOutput: plain, input: x, weight: weight, window: window, dWeight: &dWeight, dBias: &dBias,
                        computeInputGradient: inputGradient, workspace: &workspace)
                #expect(dWeight.scalars.contains { $0 != 0 } && (dx == nil) != inputGradient)
                results.append([bitPatterns(dx), bitPatterns(dWeight), bitPatterns(dBias)])
            }
            #expect(results[0] == results[1], "input gradient \(inputGradient)")
        }
    }

    /// oneDNN's reorder buffers are allocated when their pass first runs: none before the first
    /// call, the forward's after a forward, no dy-sized one for a backward handed dy blocked, and
    /// one (at least) once a plain dy needs reordering. 8 → 64 channels make dy 8 times x's size.
    @Test(.enabled(if: blockedConvGradientsRun))
    func reorderBuffersAreAllocatedWhenTheirPassRuns() throws {
        let window = Window2d(kernel: 3, padding: 1)
        let x = randomTensor([4, 8, 16, 16], seed: 3)
        let weight = randomTensor([64, 8, 3, 3], seed: 4, range: 0.3)
        let bias = randomTensor([64], seed: 5)
        var workspace = ConvWorkspace(threads: 1)
        let primitives = workspace.primitives(
            ConvCallShape(batch: 4, inChannels: 8, height: 16, width: 16, outChannels: 64, window: window))
        #expect(primitives.bufferBytes == 0)
        let y = conv2dForward(input: x, weight: weight, bias: bias, window: window, workspace: &workspace)
        let floats = MemoryLayout<Float>.size
        // Upper bounds: x and the weights as if their channels were padded to blocks of 16 (8 → 64 runs in
        // nChw8c, unpadded); dy's 64 channels need no padding.
        let (xBytes, weightBytes, dyBytes) = (x.count * 2 * floats, weight.count * 2 * floats, y.count * floats)
        let forward = primitives.bufferBytes
        #expect(forward <= xBytes + dyBytes + weightBytes)
        let block = try #require(
            conv2dOutputGradientBlock(input: x, outChannels: 64, window: window, workspace: &workspace))
        let dy = randomTensor(y.shape, seed: 8)
        var blocked = ChannelBlockedGradient(
            shape: y.shape, block: block, scalars: (0..<y.count).map { Float($0 % 7) - 3 },
            rowSums: [Float](repeating: 0, count: 4 * 64))
        var dWeight = Tensor.zeros(weight.shape)
        var dBias: Tensor? = Tensor.zeros([64])
        _ = conv2dBackward(
            blockedOutputGradient: &blocked, input: x, weight: weight, window: window, dWeight: &dWeight, dBias: &dBias,
            computeInputGradient: true, workspace: &workspace)
        let blockedBackward = primitives.bufferBytes
        // The backward's weights, dx and dw buffers at most: nothing the size of dy.
        #expect(blockedBackward - forward <= xBytes + 2 * weightBytes)
        _ = conv2dBackward(
            dOutput: dy, input: x, weight: weight, window: window, dWeight: &dWeight, dBias: &dBias,
            computeInputGradient: true, workspace: &workspace)
        #expect(primitives.bufferBytes - blockedBackward >= dyBytes)
    }
}
