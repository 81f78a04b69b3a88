import SNNTensor
import Testing

@testable import SNNTrain

/// End-to-end gradient checks of the network runner's wiring (node order, fan-out, residual
/// adds, BN groups, pooling, flatten, classifier) against central finite differences.
/// Spikes have no derivative, so these run the ANN twin; the LIF kernel's surrogate backward has
/// its own tests in SNNTensorTests, and the time operations are checked below.
@Suite("Network gradients")
struct GradientTests {
    func images(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        var t = Tensor.zeros(shape)
        for i in t.scalars.indices { t.scalars[i] = rng.nextFloat(in: -1, 1) }
        return t
    }

    func loss(_ network: inout Network, _ parameters: ParameterSet, _ x: Tensor, _ labels: [Int32]) -> Double {
        var copy = parameters
        let pass = network.forward(x, parameters: &copy, training: true)
        return Trainer.loss(pass.logits, labels: labels, timeSteps: 1).loss
    }

    func check(_ spec: ModelSpec, batch: Int) throws {
        let graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 7)
        let parameters = ParameterSet(graph: graph, scheme: .pytorch, rng: &rng)
        var network = Network(graph: graph, parameters: parameters)
        let x = images([batch, spec.inputChannels, spec.inputHeight, spec.inputWidth], seed: 3)
        let labels = (0..<batch).map { Int32($0 % spec.classes) }
        var scratch = parameters
        let pass = network.forward(x, parameters: &scratch, training: true)
        let (_, dLogits, _) = Trainer.loss(pass.logits, labels: labels, timeSteps: 1)
        let grads = network.backward(pass, dLogits: dLogits, parameters: parameters)
        #expect(grads.count == parameters.parameters.count)

        // For each parameter tensor, step along its own gradient direction u = g/|g|: the
        // directional derivative (L(θ + h·u) − L(θ − h·u)) / 2h must equal |g|. This averages
        // the ReLU-kink and Float32 noise of single-element differences over the whole tensor,
        // while a wrong or missing gradient path changes it by order 100%.
        for (p, parameter) in parameters.parameters.enumerated() {
            let g = grads[p].scalars
            let norm = Double(g.reduce(Float(0)) { $0 + $1 * $1 }).squareRoot()
            guard norm > 1e-6 else { continue }
            let h = 2e-4
            var plus = parameters
            var minus = parameters
            for j in g.indices {
                let step = Float(h * Double(g[j]) / norm)
                plus.parameters[p].value.scalars[j] += step
                minus.parameters[p].value.scalars[j] -= step
            }
            let numeric = (loss(&network, plus, x, labels) - loss(&network, minus, x, labels)) / (2 * h)
            #expect(
                abs(numeric - norm) <= 0.05 * norm + 2e-4,
                "\(parameter.name): directional derivative \(numeric), gradient norm \(norm)")
        }
    }

    @Test func smallNetGradientsMatchFiniteDifferences() throws {
        try check(
            ModelSpec(
                architecture: .small, width: 0.125, inputChannels: 2, inputHeight: 8, inputWidth: 8,
                classes: 3, spiking: false), batch: 4)
    }

    @Test func resnetGradientsMatchFiniteDifferences() throws {
        // 16×16 input and 8 images, so the last stage's BN (2×2 pixels) averages 32 values.
        try check(
            ModelSpec(
                architecture: .resnet19, width: 1.0 / 32, inputChannels: 1, inputHeight: 16, inputWidth: 16,
                classes: 3, pooling: .avg, spiking: false), batch: 8)
    }

    /// Masked stride-1 convolutions at 20% kept (within the policy) run on the sparse kernels; stride-2 ones and
    /// unmasked layers stay on im2col + GEMM. Both paths give the same logits and gradients
    /// (up to rounding), except that pruned weights get no gradient on the sparse path.
    @Test func prunedConvolutionsRunSparseAndMatchTheDenseKernels() throws {
        let spec = ModelSpec(
            architecture: .resnet19, width: 1.0 / 32, inputChannels: 1, inputHeight: 16, inputWidth: 16,
            classes: 3, pooling: .avg, spiking: false)
        let graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 11)
        var parameters = ParameterSet(graph: graph, scheme: .pytorch, rng: &rng)
        for i in parameters.parameters.indices where parameters.parameters[i].isPrunable {
            let shape = parameters.parameters[i].value.shape
            parameters.parameters[i].mask = Tensor(
                shape: shape,
                scalars: (0..<shape.reduce(1, *)).map { _ in
                    rng.nextUnitFloat() < 0.2 ? 1 : 0
                })
        }
        parameters.applyMasks()
        let x = images([4, 1, 16, 16], seed: 12)
        let labels: [Int32] = [0, 1, 2, 0]
        var sparse = Network(graph: graph, parameters: parameters)
        sparse.sparseKernels = .uniform(maxDensity: 0.3)  // every map size, so every stride-1 conv
        var dense = Network(graph: graph, parameters: parameters)
        dense.sparseKernels = .off
        var scratchA = parameters
        var scratchB = parameters
        let passA = sparse.forward(x, parameters: &scratchA, training: true)
        let passB = dense.forward(x, parameters: &scratchB, training: true)
        for (i, node) in graph.nodes.enumerated() {
            guard case .conv(_, _, let window, _) = node.op else {
                #expect(passA.sparsePatterns[i] == nil)
                continue
            }
            #expect((passA.sparsePatterns[i] != nil) == (window.strideH == 1), "\(node.name) \(window)")
            #expect(passB.sparsePatterns[i] == nil)
        }
        #expect(passA.sparsePatterns.contains { $0 != nil })
        for (a, b) in zip(passA.logits.scalars, passB.logits.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        let dLogits = Trainer.loss(passB.logits, labels: labels, timeSteps: 1).dLogits
        let gradsA = sparse.backward(passA, dLogits: dLogits, parameters: parameters)
        let gradsB = dense.backward(passB, dLogits: dLogits, parameters: parameters)
        for (p, parameter) in parameters.parameters.enumerated() {
            let scale = gradsB[p].scalars.map(abs).max() ?? 0
            for j in gradsA[p].scalars.indices {
                let kept = parameter.mask.map { $0.scalars[j] != 0 } ?? true
                let expected = kept ? gradsB[p].scalars[j] : 0
                let node = parameter.name.split(separator: ".").dropLast().joined(separator: ".")
                let nodeIndex = try #require(graph.index(of: node))
                let isSparse = parameter.mask != nil && passA.sparsePatterns[nodeIndex] != nil
                #expect(
                    abs(gradsA[p].scalars[j] - (isSparse ? expected : gradsB[p].scalars[j])) <= 1e-3 * max(scale, 1e-3),
                    "\(parameter.name)[\(j)]")
            }
        }
    }

    @Test func sparseKernelPolicyPicksTheLimitOfTheMapSize() {
        let policy = SparseKernelPolicy.measured
        #expect(policy.maxDensity(outputPixels: 32 * 32) == 0.2)
        #expect(policy.maxDensity(outputPixels: 16 * 16) == 0.12)
        #expect(policy.maxDensity(outputPixels: 8 * 8) == 0.08)
        #expect(policy.maxDensity(outputPixels: 4 * 4) == 0)
        #expect(SparseKernelPolicy.off.maxDensity(outputPixels: 1024) == 0)
        #expect(SparseKernelPolicy.uniform(maxDensity: 0.3).maxDensity(outputPixels: 1) == 0.3)
        let unsorted = SparseKernelPolicy(limits: [.init(outputPixels: 0, maxDensity: 0.1), .init(outputPixels: 100, maxDensity: 0.5)])
        #expect(unsorted.maxDensity(outputPixels: 100) == 0.5 && unsorted.maxDensity(outputPixels: 99) == 0.1)
    }

    @Test func repeatAndSumOverTimeAreAdjoint() {
        let x = images([2, 3], seed: 1)
        let repeated = repeatOverTime(x, timeSteps: 4)
        #expect(repeated.shape == [8, 3])
        #expect(Array(repeated.scalars[12..<18]) == x.scalars)
        let summed = sumOverTime(repeated, timeSteps: 4)
        #expect(summed.scalars == x.scalars.map { 4 * $0 })
        #expect(concatenate(split(repeated, into: 4)) == repeated)
    }

    /// Per-step BN: in training, each time step's B images form their own statistics group and
    /// the running statistics are updated T times per batch.
    @Test func perStepBatchNormUsesEachStepsStatistics() throws {
        let spec = ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 8, inputWidth: 8,
            classes: 3, timeSteps: 3, tau: 1.5)
        let graph = try LayerGraph(spec)
        var rng = SeededRNG(seed: 5)
        var parameters = ParameterSet(graph: graph, scheme: .pytorch, rng: &rng)
        var network = Network(graph: graph, parameters: parameters)
        let x = images([4, 1, 8, 8], seed: 9)
        let pass = network.forward(x.map { 3 * $0 }, parameters: &parameters, training: true)
        let conv2 = try #require(graph.index(of: "conv2"))
        let input = pass.values[conv2]  // bn2's input, [T·B, C, H, W]
        let channels = input.shape[1]
        let pixels = input.shape[2] * input.shape[3]
        var expected = [Float](repeating: 0, count: channels)
        for part in split(input, into: 3) {
            for c in 0..<channels {
                var sum: Float = 0
                for n in 0..<4 { for p in 0..<pixels { sum += part.scalars[(n * channels + c) * pixels + p] } }
                expected[c] = 0.9 * expected[c] + 0.1 * sum / Float(4 * pixels)
            }
        }
        let stored = parameters.buffers[try #require(parameters.bufferIndex("bn2.running_mean"))].value.scalars
        for c in 0..<channels { #expect(abs(stored[c] - expected[c]) < 1e-5) }
    }
}

extension Tensor {
    func map(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, scalars: scalars.map(f)) }
}
