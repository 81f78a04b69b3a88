import Testing

@testable import SNNTensor
@testable import SNNTrain

/// In training, a batch norm read only by a LIF node hands its map to that node, and in backward
/// takes its row sums from that node (`Network.fusesBatchNormIntoLIF`); the results must be the
/// bits of the unfused forward and backward.
@Suite("batch norm handed to LIF")
struct BatchNormLIFFusionTests {
    @Test(
        "a training step gives the same bits with and without the hand-over",
        arguments: [BatchNormStatistics.perStep, .pooled])
    func trainingStepIsBitIdentical(statistics: BatchNormStatistics) throws {
        // VGG16/8 on 32×32 images, 3 of them, T = 3: LIF maps of 32×32 … 2×2 (rows of 1,024 … 4
        // values; 2×2 rows are shorter than a SIMD block).
        let spec = ModelSpec(
            architecture: .vgg16, width: 1.0 / 8, inputChannels: 1, inputHeight: 32, inputWidth: 32,
            classes: 4, timeSteps: 3, batchNormStatistics: statistics)
        let graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 21)
        let parameters = ParameterSet(graph: graph, scheme: .paper, rng: &rng)
        let x = Tensor(shape: [3, 1, 32, 32], scalars: (0..<(3 * 1024)).map { _ in rng.nextFloat(in: -1, 3) })
        let labels: [Int32] = [0, 3, 2]
        var results: [(ForwardPass, [Tensor], ParameterSet)] = []
        for fused in [true, false] {
            var network = Network(graph: graph, parameters: parameters)
            network.fusesBatchNormIntoLIF = fused
            var state = parameters
            let pass = network.forward(x, parameters: &state, training: true)
            let dLogits = Trainer.loss(pass.logits, labels: labels, timeSteps: spec.timeSteps).dLogits
            results.append((pass, network.backward(pass, dLogits: dLogits, parameters: state), state))
        }
        let (fused, plain) = (results[0], results[1])
        #expect(fused.0.logits == plain.0.logits)
        #expect(fused.0.spikeCounts.map(\.spikes) == plain.0.spikeCounts.map(\.spikes))
        #expect(fused.0.spikeCounts.contains { $0.spikes > 0 })
        #expect(fused.1 == plain.1)
        #expect(fused.2.buffers.map(\.value) == plain.2.buffers.map(\.value))
        // The hand-over happened: the batch norms read by LIF kept no output in the fused pass.
        var handedOver = 0
        for (i, node) in graph.nodes.enumerated() {
            guard case .batchNorm = node.op else { continue }
            #expect(plain.0.output(ofNode: i) != nil)
            if fused.0.output(ofNode: i) == nil { handedOver += 1 }
        }
        #expect(handedOver == 12)  // all but conv1's, which runs once before `repeatTime`
        // Evaluation never hands over (it writes every node's output for `snnc evaluate`).
        var network = Network(graph: graph, parameters: parameters)
        var state = parameters
        let eval = network.forward(x, parameters: &state, training: false)
        #expect(graph.nodes.indices.allSatisfy { eval.output(ofNode: $0) != nil || $0 == 0 })
    }
}

/// Whether oneDNN's backward reads an 8 → 8-channel convolution's output gradient channel-blocked
/// on this CPU (see `BlockedConvGradientTests`).
let blockedConvGradientsRun: Bool = {
    var workspace = ConvWorkspace(threads: 1)
    let input = Tensor(shape: [2, 8, 8, 8], scalars: (0..<1024).map { Float($0 % 7) - 3 })
    return conv2dOutputGradientBlock(
        input: input, outChannels: 8, window: Window2d(kernel: 3, padding: 1), workspace: &workspace) != nil
}()

/// In backward, a batch norm whose input is a convolution's output writes that gradient in the
/// layout the convolution's backward reads (`Network.writesBlockedConvGradients`); the results
/// must be the bits of the plain path.
@Suite("batch norm writing its convolution's blocked gradient")
struct BlockedConvGradientNetworkTests {
    @Test(
        "a training step gives the same bits with and without the blocked gradients",
        .enabled(if: blockedConvGradientsRun), arguments: [BatchNormStatistics.perStep, .pooled])
    func trainingStepIsBitIdentical(statistics: BatchNormStatistics) throws {
        let spec = ModelSpec(
            architecture: .vgg16, width: 1.0 / 8, inputChannels: 1, inputHeight: 32, inputWidth: 32,
            classes: 4, timeSteps: 3, batchNormStatistics: statistics)
        let graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 22)
        let parameters = ParameterSet(graph: graph, scheme: .paper, rng: &rng)
        let x = Tensor(shape: [3, 1, 32, 32], scalars: (0..<(3 * 1024)).map { _ in rng.nextFloat(in: -1, 3) })
        let labels: [Int32] = [1, 0, 2]
        var results: [(Tensor, [Tensor], ParameterSet)] = []
        var blockedConvolutions = 0
        for blocked in [true, false] {
            var network = Network(graph: graph, parameters: parameters)
            network.writesBlockedConvGradients = blocked
            var state = parameters
            let pass = network.forward(x, parameters: &state, training: true)
            let dLogits = Trainer.loss(pass.logits, labels: labels, timeSteps: spec.timeSteps).dLogits
            results.append((pass.logits, network.backward(pass, dLogits: dLogits, parameters: state), state))
            guard blocked else { continue }
            // The path ran: convolutions whose backward reads a channel-blocked gradient.
            var workspace = ConvWorkspace(threads: 1)
            for node in graph.nodes {
                guard case .conv(_, let outChannels, let window, _) = node.op, let input = pass.output(ofNode: node.inputs[0]),
                    conv2dOutputGradientBlock(input: input, outChannels: outChannels, window: window, workspace: &workspace) != nil
                else { continue }
                blockedConvolutions += 1
            }
        }
        #expect(blockedConvolutions > 0)
        #expect(results[0].0.scalars.map(\.bitPattern) == results[1].0.scalars.map(\.bitPattern))
        #expect(results[0].1.map { $0.scalars.map(\.bitPattern) } == results[1].1.map { $0.scalars.map(\.bitPattern) })
        #expect(results[0].1.contains { $0.scalars.contains { $0 != 0 } })
        #expect(results[0].2.buffers.map(\.value) == results[1].2.buffers.map(\.value))
    }
}
