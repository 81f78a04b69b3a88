import SNNIR
import SNNTensor

/// What a node's forward pass keeps for its backward pass (beyond its input tensors).
enum NodeCache: Sendable {
    case none
    /// Statistics of every group (T groups under per-step statistics, else one).
    case batchNorm(BatchNormCache)
    case maxPool(MaxPoolCache)
    case lif(LIFCache)
    case integrate(IFCache)
    case cuba(CubaLIFCache)
}

/// The result of a forward pass, holding what the backward pass needs.
public struct ForwardPass: Sendable {
    /// Logits of every time step, `[T·B, K]` time-major (ANN twin: `[B, K]`).
    public var logits: Tensor
    /// Images in the batch (B).
    public var batchSize: Int
    /// Spikes emitted per LIF node over the whole batch and all steps, in graph order.
    public var spikeCounts: [(node: String, spikes: Double, neurons: Int)]
    var values: [Tensor]
    var caches: [NodeCache]
    /// The kept-weight pattern each convolution ran with (nil: the dense kernels), reused by
    /// `backward` so both passes take the same path.
    var sparsePatterns: [SparseConvPattern?]
    /// The ternary weights each convolution and linear layer of a `--ternary-weights` model ran
    /// with (nil otherwise), so `backward` does not ternarise them again.
    var ternaryWeights: [Tensor?]
}

/// Runs a `LayerGraph` forward and backward on batches.
///
/// Stateless layers process all time steps of a batch at once (`[T·B, …]`, time-major, one big
/// GEMM per convolution); LIF nodes step through time. The runner owns reusable scratch memory,
/// so keep one per thread.
///
/// Pruned stride-1 convolutions whose masks keep few enough weights (`sparseKernels`) run on
/// the sparse kernels (`sparseConv2dForward`), whose work is proportional to the kept weights;
/// the others on im2col + GEMM. The choice depends only on the masks and shapes, so a given
/// model and mask always take the same path (same bits).
public struct Network: Sendable {
    public let graph: LayerGraph
    private var workspace = ConvWorkspace()
    /// When a masked convolution uses the sparse kernels (`.off` for the dense ones).
    public var sparseKernels = SparseKernelPolicy.measured
    /// When a dense convolution follows its input's spikes instead of running oneDNN's kernels
    /// (`EventConvPolicy`; benchmarks compare with `.off`).
    public var eventKernels: EventConvPolicy {
        get { workspace.events }
        set { workspace.events = newValue }
    }
    /// For each node, the index of its weight / bias / BN buffers in the `ParameterSet`.
    private let weightIndex: [Int?], biasIndex: [Int?], meanIndex: [Int?], varIndex: [Int?]
    /// For each node, whether its output depends on a parameter, so that `backward` needs the
    /// gradient with respect to it. False for the input and everything computed from the input
    /// alone (normalisation, `repeatTime`): the first convolution then skips its input gradient,
    /// which nothing would read.
    private let carriesGradient: [Bool]
    /// For each batch-norm node whose one reader is a `.lif` node reading nothing else, that node.
    private let lifReader: [Int?]
    /// For each convolution node whose one reader is a batch norm reading nothing else: true. Its
    /// batch norm's backward writes the output gradient in the layout the convolution's backward
    /// reads (`batchNormBackward(…, channelBlock:)`) when that is a channel-blocked one.
    private let batchNormReadsOnly: [Bool]
    /// In training (keeping intermediates), such a batch norm with LIF neurons hands its affine map
    /// to the LIF node instead of writing its output (`lifForward(…, normalizedBy:)`: the same
    /// bits, one write and one read of the activation fewer), and in backward the LIF node takes
    /// the batch norm's row sums of its gradient (`lifBackward(…, batchNormInput:…)`: one read
    /// fewer). Tests turn it off to compare.
    var fusesBatchNormIntoLIF = true
    /// A batch norm whose input is a convolution's output (its only reader) writes that output's
    /// gradient in the layout the convolution's backward reads (the same bits, one reorder fewer).
    /// Tests turn it off to compare.
    var writesBlockedConvGradients = true
    /// The channel-blocked output gradients the convolutions' backward took, and how many of them
    /// arrived copied (`ConvWorkspace.blockedGradients`; tests check that none did).
    var blockedConvGradients: (taken: Int, copied: Int) { workspace.blockedGradients }

    /// A runner for `graph` whose parameters are laid out as in `parameters`.
    public init(graph: LayerGraph, parameters: ParameterSet) {
        self.graph = graph
        weightIndex = graph.nodes.map { parameters.parameterIndex($0.name + ".weight") }
        biasIndex = graph.nodes.map { parameters.parameterIndex($0.name + ".bias") }
        meanIndex = graph.nodes.map { parameters.bufferIndex($0.name + ".running_mean") }
        varIndex = graph.nodes.map { parameters.bufferIndex($0.name + ".running_var") }
        var carries = [Bool](repeating: false, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() {
            carries[i] = weightIndex[i] != nil || biasIndex[i] != nil || node.inputs.contains { carries[$0] }
        }
        carriesGradient = carries
        var readers = [[Int]](repeating: [], count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() { for j in node.inputs { readers[j].append(i) } }
        lifReader = graph.nodes.indices.map { i in
            guard case .batchNorm = graph.nodes[i].op, readers[i].count == 1, let r = readers[i].first,
                graph.nodes[r].op == .lif, graph.nodes[r].inputs == [i]
            else { return nil }
            return r
        }
        batchNormReadsOnly = graph.nodes.indices.map { i in
            guard case .conv = graph.nodes[i].op, readers[i].count == 1, let r = readers[i].first,
                case .batchNorm = graph.nodes[r].op, graph.nodes[r].inputs == [i]
            else { return false }
            return true
        }
    }

    var spec: ModelSpec { graph.spec }

    /// The weight node `i` computes with: its stored weight, or the ternary form of it for a
    /// `--ternary-weights` model (whose gradient then reaches the stored weight unchanged).
    private func computedWeight(_ i: Int, _ parameters: ParameterSet) -> Tensor {
        let weight = parameters.parameters[weightIndex[i]!]
        return spec.isTernary ? TernaryWeights.ternarize(weight) : weight.value
    }
    var timeSteps: Int { spec.spiking ? spec.timeSteps : 1 }

    /// Runs the network on `images` `[B, C, H, W]`.
    /// - Parameters:
    ///   - training: batch statistics in BN (and running-stat updates in `parameters`);
    ///     otherwise running statistics.
    ///   - keepIntermediates: `true` keeps every node's output and cache for `backward`. `false`
    ///     releases each output as soon as its last consumer ran and keeps no caches, so a
    ///     forward-only pass (evaluation, the early-time probe on 1000 images) holds a few
    ///     layers' activations instead of all of them. The logits and spike counts are the same
    ///     bits either way; the returned pass cannot be used for `backward`.
    public mutating func forward(
        _ images: Tensor, parameters: inout ParameterSet, training: Bool,
        keepIntermediates: Bool = true
    ) -> ForwardPass {
        let nodes = graph.nodes
        let batch = images.shape[0]
        var values = [Tensor](repeating: Tensor.zeros([0]), count: nodes.count)
        var caches = [NodeCache](repeating: .none, count: nodes.count)
        var spikes: [(String, Double, Int)] = []
        var patterns = [SparseConvPattern?](repeating: nil, count: nodes.count)
        var ternaryWeights = [Tensor?](repeating: nil, count: nodes.count)
        let keepTernary = keepIntermediates && spec.isTernary
        values[0] = images
        let lastUse = keepIntermediates ? [] : lastConsumers()
        // Batch norms' maps handed to their LIF readers: reader → (the batch norm's input, map).
        var handedOn: [Int: (input: Int, map: BatchNormAffine)] = [:]
        for i in 1..<nodes.count {
            let node = nodes[i]
            let x = values[node.inputs[0]]
            defer {
                if !keepIntermediates {
                    caches[i] = .none
                    for j in node.inputs where lastUse[j] == i { values[j] = Tensor.zeros([0]) }
                }
            }
            switch node.op {
            case .input:
                preconditionFailure("input node after position 0")
            case .conv(_, _, let window, _):
                let bias = biasIndex[i].map { parameters.parameters[$0].value }
                let weight = parameters.parameters[weightIndex[i]!]
                let computed = computedWeight(i, parameters)
                if keepTernary { ternaryWeights[i] = computed }
                if let pattern = sparsePattern(weight, window: window, node: node) {
                    patterns[i] = pattern
                    values[i] = sparseConv2dForward(
                        input: x, weight: computed, bias: bias, window: window,
                        pattern: pattern, workspace: &workspace)
                } else {
                    values[i] = conv2dForward(
                        input: x, weight: computed, bias: bias, window: window,
                        workspace: &workspace)
                }
            case .batchNorm:
                let gamma = parameters.parameters[weightIndex[i]!].value
                let beta = parameters.parameters[biasIndex[i]!].value
                if training {
                    var runningMean = parameters.buffers[meanIndex[i]!].value
                    var runningVar = parameters.buffers[varIndex[i]!].value
                    let (map, cache) = batchNormStatisticsTraining(
                        input: x, gamma: gamma, beta: beta,
                        runningMean: &runningMean, runningVar: &runningVar,
                        eps: spec.effectiveBatchNormEpsilon, groups: statisticsGroups(node))
                    parameters.buffers[meanIndex[i]!].value = runningMean
                    parameters.buffers[varIndex[i]!].value = runningVar
                    caches[i] = .batchNorm(cache)
                    if keepIntermediates, fusesBatchNormIntoLIF, spec.neuron == .lif, let reader = lifReader[i] {
                        handedOn[reader] = (node.inputs[0], map)  // no output: `reader` normalises as it reads x
                    } else {
                        values[i] = batchNormApply(x, map)
                    }
                } else {
                    values[i] = batchNormForwardEval(
                        input: x, gamma: gamma, beta: beta,
                        runningMean: parameters.buffers[meanIndex[i]!].value,
                        runningVar: parameters.buffers[varIndex[i]!].value,
                        eps: spec.effectiveBatchNormEpsilon)
                }
            case .lif:
                let reset = SpikeReset(spec.reset)
                var counted: Int?  // LIF counts its spikes as it writes them
                switch spec.neuron {
                case .lif:
                    let fused = handedOn.removeValue(forKey: i)
                    let (s, cache) = lifForward(
                        input: fused.map { values[$0.input] } ?? x, timeSteps: timeSteps,
                        parameters: LIFParameters(tau: spec.tau, vThreshold: spec.threshold, reset: reset),
                        normalizedBy: fused?.map)
                    values[i] = s
                    caches[i] = .lif(cache)
                    counted = cache.spikeCount
                case .if:
                    let (s, cache) = ifForward(input: x, timeSteps: timeSteps, threshold: spec.threshold, reset: reset)
                    values[i] = s
                    caches[i] = .integrate(cache)
                case .cubaLIF:
                    (values[i], caches[i]) = Self.cuba(x, spec.neuronSpec, timeSteps: timeSteps)
                }
                spikes.append((node.name, Double(counted ?? nonzeroCount(values[i])), node.shape.reduce(1, *)))
            case .neuron(let neuron):
                var counted: Int?
                let input = neuron.gain == 1 && neuron.leak == 0 ? x : affineElementwise(x, gain: neuron.gain, offset: neuron.leak)
                if neuron.synapse != nil {
                    (values[i], caches[i]) = Self.cuba(input, neuron, timeSteps: timeSteps)
                } else if let tau = neuron.tau {
                    let (s, cache) = lifForward(
                        input: input, timeSteps: timeSteps,
                        parameters: LIFParameters(tau: tau, vThreshold: neuron.threshold, reset: SpikeReset(neuron.resetMode)))
                    values[i] = s
                    caches[i] = .lif(cache)
                    counted = cache.spikeCount
                } else {
                    let (s, cache) = ifForward(
                        input: input, timeSteps: timeSteps, threshold: neuron.threshold, reset: SpikeReset(neuron.resetMode))
                    values[i] = s
                    caches[i] = .integrate(cache)
                }
                spikes.append((node.name, Double(counted ?? nonzeroCount(values[i])), node.shape.reduce(1, *)))
            case .scale(let factors):
                values[i] = scaleUnits(x, by: factors)
            case .sumPool(let window):
                values[i] = sumPool2dForward(input: x, window: window)
            case .relu:
                values[i] = reluForward(x)
            case .maxPool(let window):
                let (y, cache) = maxPool2dForward(input: x, window: window)
                values[i] = y
                caches[i] = .maxPool(cache)
            case .avgPool(let window):
                values[i] = avgPool2dForward(input: x, window: window)
            case .flatten:
                values[i] = x.reshaped([x.shape[0], x.count / max(x.shape[0], 1)])
            case .linear:
                let bias = biasIndex[i].map { parameters.parameters[$0].value }
                let computed = computedWeight(i, parameters)
                if keepTernary { ternaryWeights[i] = computed }
                values[i] = linearForward(input: x, weight: computed, bias: bias)
            case .add:
                var sum = x
                for j in node.inputs.dropFirst() { sum = add(sum, values[j]) }
                values[i] = sum
            case .repeatTime:
                values[i] = repeatOverTime(x, timeSteps: timeSteps)
            }
        }
        return ForwardPass(
            logits: values[nodes.count - 1], batchSize: batch, spikeCounts: spikes,
            values: values, caches: caches, sparsePatterns: patterns, ternaryWeights: ternaryWeights)
    }

    /// Backpropagates `dLogits` (same shape as `pass.logits`) and returns one gradient per
    /// parameter, aligned with `parameters.parameters`.
    public mutating func backward(_ pass: ForwardPass, dLogits: Tensor, parameters: ParameterSet) -> [Tensor] {
        let nodes = graph.nodes
        var grads = parameters.parameters.map { Tensor.zeros($0.value.shape) }
        var dValues = [Tensor?](repeating: nil, count: nodes.count)
        dValues[nodes.count - 1] = dLogits
        // Batch norm row sums taken by the LIF node that reads the batch norm: node → sums.
        var rowSums: [Int: BatchNormRowSums] = [:]
        // Output gradients of convolutions, written by their batch norm in the kernels' layout.
        var blocked: [Int: ChannelBlockedGradient] = [:]
        for i in stride(from: nodes.count - 1, to: 0, by: -1) {
            if let blockedDy = blocked.removeValue(forKey: i) {  // written by its batch norm
                // `consume`: oneDNN takes the storage mutably, and a second reference would copy it.
                let xIndex = nodes[i].inputs[0]
                let dx = convBackward(i, .blocked(consume blockedDy), pass, parameters, grads: &grads)
                if carriesGradient[xIndex], let dx { accumulateGradient(dx, into: &dValues[xIndex]) }
                continue
            }
            guard let dy = dValues[i] else { continue }
            dValues[i] = nil  // free as we go
            let node = nodes[i]
            let xIndex = node.inputs[0]
            let x = pass.values[xIndex]
            let needsInputGradient = carriesGradient[xIndex]
            var dx: Tensor?
            switch node.op {
            case .input:
                break
            case .conv:
                dx = convBackward(i, .plain(dy), pass, parameters, grads: &grads)
            case .batchNorm:
                guard case .batchNorm(let cache) = pass.caches[i] else {
                    preconditionFailure("backward through '\(node.name)' needs a training-mode forward")
                }
                var dGamma = grads[weightIndex[i]!]
                var dBeta = grads[biasIndex[i]!]
                if writesBlockedConvGradients, batchNormReadsOnly[xIndex], needsInputGradient, pass.sparsePatterns[xIndex] == nil,
                    case .conv(_, let outChannels, let window, _) = nodes[xIndex].op,
                    let block = conv2dOutputGradientBlock(
                        input: pass.values[nodes[xIndex].inputs[0]], outChannels: outChannels, window: window,
                        workspace: &workspace)
                {
                    blocked[xIndex] = batchNormBackward(
                        dOutput: dy, input: x, gamma: parameters.parameters[weightIndex[i]!].value, cache: cache,
                        rowSums: rowSums.removeValue(forKey: i), channelBlock: block, dGamma: &dGamma, dBeta: &dBeta)
                } else {
                    dx = batchNormBackward(
                        dOutput: dy, input: x, gamma: parameters.parameters[weightIndex[i]!].value,
                        cache: cache, rowSums: rowSums.removeValue(forKey: i), dGamma: &dGamma, dBeta: &dBeta)
                }
                grads[weightIndex[i]!] = dGamma
                grads[biasIndex[i]!] = dBeta
            case .lif:
                switch pass.caches[i] {
                case .lif(let cache):
                    // The batch norm this node read (its only reader) gets its row sums from here.
                    if fusesBatchNormIntoLIF, lifReader[xIndex] == i, case .batchNorm(let bn) = pass.caches[xIndex] {
                        let fused = lifBackward(
                            dSpikes: dy, cache: cache, batchNormInput: pass.values[nodes[xIndex].inputs[0]], batchNormCache: bn)
                        dx = fused.dInput
                        rowSums[xIndex] = fused.rowSums
                    } else {
                        dx = lifBackward(dSpikes: dy, cache: cache)
                    }
                case .integrate(let cache): dx = ifBackward(dSpikes: dy, cache: cache)
                case .cuba(let cache): dx = cubaLIFBackward(dSpikes: dy, cache: cache)
                default: preconditionFailure("missing neuron cache")
                }
            case .neuron(let neuron):
                let dInput: Tensor
                switch pass.caches[i] {
                case .lif(let cache): dInput = lifBackward(dSpikes: dy, cache: cache)
                case .integrate(let cache): dInput = ifBackward(dSpikes: dy, cache: cache)
                case .cuba(let cache): dInput = cubaLIFBackward(dSpikes: dy, cache: cache)
                default: preconditionFailure("missing neuron cache")
                }
                dx = neuron.gain == 1 ? dInput : affineElementwise(dInput, gain: neuron.gain, offset: 0)
            case .scale(let factors):
                dx = scaleUnits(dy, by: factors)
            case .sumPool(let window):
                dx = sumPool2dBackward(dOutput: dy, inputShape: x.shape, window: window)
            case .relu:
                dx = reluBackward(dOutput: dy, output: pass.values[i])
            case .maxPool:
                guard case .maxPool(let cache) = pass.caches[i] else { preconditionFailure("missing pool cache") }
                dx = maxPool2dBackward(dOutput: dy, cache: cache)
            case .avgPool(let window):
                dx = avgPool2dBackward(dOutput: dy, inputShape: x.shape, window: window)
            case .flatten:
                dx = dy.reshaped(x.shape)
            case .linear:
                var dBias: Tensor? = biasIndex[i].map { grads[$0] }
                dx = linearBackward(
                    dOutput: dy, input: x, weight: pass.ternaryWeights[i] ?? computedWeight(i, parameters),
                    dWeight: &grads[weightIndex[i]!], dBias: &dBias,
                    computeInputGradient: needsInputGradient)
                if let b = biasIndex[i], let dBias { grads[b] = dBias }
            case .add:
                for j in node.inputs.dropFirst() where carriesGradient[j] { accumulateGradient(dy, into: &dValues[j]) }
                dx = dy
            case .repeatTime:
                dx = sumOverTime(dy, timeSteps: timeSteps)
            }
            if needsInputGradient, let dx { accumulateGradient(dx, into: &dValues[xIndex]) }
        }
        return grads
    }

    /// Convolution `i`'s backward from its output gradient: adds its weight and bias gradients to
    /// `grads` and returns its input's gradient (nil when nothing needs it).
    private mutating func convBackward(
        _ i: Int, _ dOutput: consuming ConvOutputGradient, _ pass: ForwardPass, _ parameters: ParameterSet,
        grads: inout [Tensor]
    ) -> Tensor? {
        guard case .conv(_, _, let window, _) = graph.nodes[i].op else { preconditionFailure("node \(i) is no convolution") }
        let xIndex = graph.nodes[i].inputs[0]
        let (x, needsInputGradient) = (pass.values[xIndex], carriesGradient[xIndex])
        let weight = pass.ternaryWeights[i] ?? computedWeight(i, parameters)
        var dBias: Tensor? = biasIndex[i].map { grads[$0] }
        defer { if let b = biasIndex[i], let dBias { grads[b] = dBias } }
        switch consume dOutput {  // the blocked storage stays uniquely referenced (no copy)
        case .plain(let dy):
            if let pattern = pass.sparsePatterns[i] {
                return sparseConv2dBackward(
                    dOutput: dy, input: x, weight: weight, window: window, pattern: pattern,
                    dWeight: &grads[weightIndex[i]!], dBias: &dBias,
                    computeInputGradient: needsInputGradient, workspace: &workspace)
            }
            return conv2dBackward(
                dOutput: dy, input: x, weight: weight, window: window, dWeight: &grads[weightIndex[i]!], dBias: &dBias,
                computeInputGradient: needsInputGradient, workspace: &workspace)
        case .blocked(var dy):
            return conv2dBackward(
                blockedOutputGradient: &dy, input: x, weight: weight, window: window, dWeight: &grads[weightIndex[i]!],
                dBias: &dBias, computeInputGradient: needsInputGradient, workspace: &workspace)
        }
    }

    /// The kept-weight pattern of a masked convolution weight when the sparse kernels should run
    /// it (stride 1, kept fraction within `sparseKernels` for its output map), else nil.
    private func sparsePattern(_ weight: Parameter, window: Window2d, node: LayerNode) -> SparseConvPattern? {
        guard let mask = weight.mask, SparseConvPattern.supports(window), node.shape.count == 3 else { return nil }
        let limit = sparseKernels.maxDensity(outputPixels: node.shape[1] * node.shape[2])
        guard limit > 0 else { return nil }
        let kept = mask.scalars.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        guard Double(kept) <= limit * Double(mask.count) else { return nil }
        return SparseConvPattern(mask: mask)
    }

    /// For each node, the index of the last node that reads its output (itself if none does).
    private func lastConsumers() -> [Int] {
        var last = Array(graph.nodes.indices)
        for (i, node) in graph.nodes.enumerated() {
            for j in node.inputs { last[j] = max(last[j], i) }
        }
        return last
    }

    /// Number of statistics groups a BN node uses in training.
    private func statisticsGroups(_ node: LayerNode) -> Int {
        node.perStep && spec.spiking && spec.batchNormStatistics == .perStep ? timeSteps : 1
    }
}

/// A convolution's output gradient as its backward reads it: plain, or written by its batch norm
/// in the layout of oneDNN's kernels.
private enum ConvOutputGradient {
    case plain(Tensor)
    case blocked(ChannelBlockedGradient)
}

private func accumulateGradient(_ g: Tensor, into slot: inout Tensor?) {
    if slot == nil {
        slot = g
    } else {
        accumulate(g, into: &slot!)
    }
}

/// Splits `[N, …]` into `parts` equal consecutive blocks along dimension 0 (copies).
func split(_ x: Tensor, into parts: Int) -> [Tensor] {
    guard parts > 1 else { return [x] }
    let rows = x.shape[0] / parts
    precondition(rows * parts == x.shape[0], "cannot split \(x.shape[0]) rows into \(parts) parts")
    let block = x.count / parts
    var shape = x.shape
    shape[0] = rows
    return (0..<parts).map { p in
        Tensor(shape: shape, scalars: Array(x.scalars[(p * block)..<((p + 1) * block)]))
    }
}

/// Joins tensors of equal trailing shape along dimension 0.
func concatenate(_ parts: [Tensor]) -> Tensor {
    guard parts.count > 1 else { return parts[0] }
    var shape = parts[0].shape
    shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
    var scalars: [Float] = []
    scalars.reserveCapacity(shape.reduce(1, *))
    for p in parts { scalars.append(contentsOf: p.scalars) }
    return Tensor(shape: shape, scalars: scalars)
}

/// `[B, …]` → `[T·B, …]`: the same block at every time step.
func repeatOverTime(_ x: Tensor, timeSteps: Int) -> Tensor {
    var shape = x.shape
    shape[0] *= timeSteps
    var scalars: [Float] = []
    scalars.reserveCapacity(x.count * timeSteps)
    for _ in 0..<timeSteps { scalars.append(contentsOf: x.scalars) }
    return Tensor(shape: shape, scalars: scalars)
}

/// `[T·B, …]` → `[B, …]` summing the T blocks (the gradient of `repeatOverTime`).
func sumOverTime(_ x: Tensor, timeSteps: Int) -> Tensor {
    var parts = split(x, into: timeSteps)
    var total = parts.removeFirst()
    for p in parts { accumulate(p, into: &total) }
    return total
}

extension SpikeReset {
    /// The kernel's reset for a model's reset mode.
    init(_ mode: ResetMode) {
        switch mode {
        case .zero: self = .toZero
        case .subtract: self = .subtractThreshold
        }
    }
}

extension Network {
    /// A current-based neuron node forward (`neuron.synapse` set; τ defaults to 2 if absent).
    static func cuba(_ x: Tensor, _ neuron: NeuronSpec, timeSteps: Int) -> (Tensor, NodeCache) {
        let synapse = neuron.synapse ?? NeuronSpec.Synapse(tau: 1, maxSpikes: 1, delay: 0)
        let (s, cache) = cubaLIFForward(
            input: x, timeSteps: timeSteps,
            parameters: CubaLIFParameters(
                tauSyn: synapse.tau, tauMem: neuron.tau ?? 2, vThreshold: neuron.threshold, maxSpikes: synapse.maxSpikes,
                delay: synapse.delay))
        return (s, .cuba(cache))
    }
}
