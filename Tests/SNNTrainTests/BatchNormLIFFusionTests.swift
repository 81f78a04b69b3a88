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
        let fused = try VGG16TrainingStep(statistics: statistics) { $0.fusesBatchNormIntoLIF = true }
        let plain = try VGG16TrainingStep(statistics: statistics) { $0.fusesBatchNormIntoLIF = false }
        let graph = fused.graph
        #expect(fused.pass.logits == plain.pass.logits)
        #expect(fused.pass.spikeCounts.map(\.spikes) == plain.pass.spikeCounts.map(\.spikes))
        #expect(fused.pass.spikeCounts.contains { $0.spikes > 0 })
        #expect(fused.gradients == plain.gradients)
        #expect(fused.state.buffers.map(\.value) == plain.state.buffers.map(\.value))
        // The hand-over happened: the batch norms read by LIF kept no output in the fused pass.
        var handedOver = 0
        for (i, node) in graph.nodes.enumerated() {
            guard case .batchNorm = node.op else { continue }
            #expect(plain.pass.output(ofNode: i) != nil)
            if fused.pass.output(ofNode: i) == nil { handedOver += 1 }
        }
        #expect(handedOver == 12)  // all but conv1's, which runs once before `repeatTime`
        // Evaluation never hands over (it writes every node's output for `snnc evaluate`).
        var network = Network(graph: graph, parameters: fused.parameters)
        var state = fused.parameters
        let eval = network.forward(fused.images, parameters: &state, training: false)
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
        let blocked = try VGG16TrainingStep(statistics: statistics) { $0.writesBlockedConvGradients = true }
        let plain = try VGG16TrainingStep(statistics: statistics) { $0.writesBlockedConvGradients = false }
        // The path ran: convolutions whose backward reads a channel-blocked gradient.
        var blockedConvolutions = 0
        var workspace = ConvWorkspace(threads: 1)
        for node in blocked.graph.nodes {
            guard case .conv(_, let outChannels, let window, _) = node.op,
                let input = blocked.pass.output(ofNode: node.inputs[0]),
                conv2dOutputGradientBlock(input: input, outChannels: outChannels, window: window, workspace: &workspace) != nil
            else { continue }
            blockedConvolutions += 1
        }
        #expect(blockedConvolutions > 0)
        // Each took its gradient as batch norm wrote it: not copied on the way (`consume`).
        #expect(blocked.blockedConvGradients == (taken: blockedConvolutions, copied: 0))
        #expect(plain.blockedConvGradients == (taken: 0, copied: 0))
        #expect(blocked.pass.logits.scalars.map(\.bitPattern) == plain.pass.logits.scalars.map(\.bitPattern))
        #expect(blocked.gradients.map { $0.scalars.map(\.bitPattern) } == plain.gradients.map { $0.scalars.map(\.bitPattern) })
        #expect(blocked.gradients.contains { $0.scalars.contains { $0 != 0 } })
        #expect(blocked.state.buffers.map(\.value) == plain.state.buffers.map(\.value))
    }
}

/// One training step (forward, loss, backward) of VGG16/8 on three random 32×32 images, T = 3,
/// with the runner set up by `configure`: what the same-bits tests of the runner's fusions
/// compare. LIF maps of 32×32 … 2×2 (rows of 1,024 … 4 values; 2×2 rows are shorter than a SIMD
/// block). The same statistics mode gives the same model, images and labels.
struct VGG16TrainingStep {
    let graph: LayerGraph
    /// The parameters before the step.
    let parameters: ParameterSet
    let images: Tensor
    let pass: ForwardPass
    let gradients: [Tensor]
    /// The parameters after the forward pass (running statistics updated).
    let state: ParameterSet
    /// The runner's `Network.blockedConvGradients` after the step.
    let blockedConvGradients: (taken: Int, copied: Int)

    init(statistics: BatchNormStatistics, configure: (inout Network) -> Void) throws {
        let spec = ModelSpec(
            architecture: .vgg16, width: 1.0 / 8, inputChannels: 1, inputHeight: 32, inputWidth: 32,
            classes: 4, timeSteps: 3, batchNormStatistics: statistics)
        graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 21)
        parameters = ParameterSet(graph: graph, scheme: .paper, rng: &rng)
        images = Tensor(shape: [3, 1, 32, 32], scalars: (0..<(3 * 1024)).map { _ in rng.nextFloat(in: -1, 3) })
        var network = Network(graph: graph, parameters: parameters)
        configure(&network)
        var state = parameters
        pass = network.forward(images, parameters: &state, training: true)
        let dLogits = Trainer.loss(pass.logits, labels: [0, 3, 2], timeSteps: spec.timeSteps).dLogits
        gradients = network.backward(pass, dLogits: dLogits, parameters: state)
        blockedConvGradients = network.blockedConvGradients
        self.state = state
    }
}
