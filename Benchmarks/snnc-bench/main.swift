// snnc-bench: training and inference speed of the snnc engine on the speed-anchor models
// (../shared/anchors/bench_torch_snn.py), reported with the anchor's conventions so the two
// can be compared as a ratio. Not a test: run it in release builds, one model per process
// (peak RSS is per process).
//
//   swift run -c release snnc-bench small            # batch 128, 3 warm-up + 30 timed iterations
//   swift run -c release snnc-bench vgg16 --iters 10 # batch 32
//   swift run -c release snnc-bench vgg16-paper-w8 --sparsity 0.9 [--dense-kernels]
//       the ticket-search workload with every conv/linear weight pruned to 90% (layer-wise
//       magnitude masks); --dense-kernels runs the masked convolutions on im2col + GEMM
//       instead of the sparse kernels (compare the two in alternating processes);
//       --sparse-limit D runs every masked conv keeping ≤ D sparse (default: the measured policy)
//   swift run -c release snnc-bench --ticket imp.h5 --level 8 [--dense-kernels]
//       one level of a `snnc prune` ticket file (its model, weights and masks) instead of a
//       built-in model: the speed of training a real ticket; --extra-rounds N prunes it N more
//       IMP rounds (the search's own rate, scope and tie rule; no retraining between them) to
//       time densities beyond the search's last round
//   swift run -c release snnc-bench subset-indices 20000 1
//       the Fashion-MNIST training images of `snnc train --train-subset 20000 --data-seed 1`
//   swift run -c release snnc-bench conv-events [--runs 3] [--models vgg16,small] [--densities 0.05,0.2]
//       every spike-reading conv shape of the anchor models: oneDNN vs the event kernels
//   swift run -c release snnc-bench conv-layers [--runs 3] [--densities 0.9,0.5,0.1]
//       every conv shape of vgg16-paper-w8: dense vs sparse kernels, forward + backward
//   swift run -c release snnc-bench sparse-vgg16 0.95 out.h5
//       writes a full-width VGG16 checkpoint (1×32×32 input, 10 classes, PyTorch init) whose
//       conv and linear weights keep the largest 5% by magnitude (global), for the export benchmark
//
// Prints one JSON object per model on stdout.
import Foundation
import SNNData
import SNNTensor
import SNNTickets
import SNNTrain

struct Options {
    var model = "small"
    var batch: Int?
    var warmup = 3
    var iters: Int?
    var threads = 2
    var timeSteps = 5
    var sparsity = 0.0
    var denseKernels = false
    var eventLimit: Double?
    var sparseLimit: Double?
    var ticket: String?
    var level: Int?
    var extraRounds = 0

    init(_ arguments: [String]) {
        var rest = arguments.makeIterator()
        while let a = rest.next() {
            switch a {
            case "--batch": batch = rest.next().flatMap(Int.init)
            case "--warmup": warmup = rest.next().flatMap(Int.init) ?? warmup
            case "--iters": iters = rest.next().flatMap(Int.init)
            case "--threads": threads = rest.next().flatMap(Int.init) ?? threads
            case "--time-steps": timeSteps = rest.next().flatMap(Int.init) ?? timeSteps
            case "--sparsity": sparsity = rest.next().flatMap(Double.init) ?? sparsity
            case "--dense-kernels": denseKernels = true
            case "--event-limit": eventLimit = rest.next().flatMap(Double.init)
            case "--sparse-limit": sparseLimit = rest.next().flatMap(Double.init)
            case "--ticket": ticket = rest.next()
            case "--level": level = rest.next().flatMap(Int.init)
            case "--extra-rounds": extraRounds = rest.next().flatMap(Int.init) ?? extraRounds
            case "small", "vgg16", "vgg16-paper-w8": model = a
            default:
                FileHandle.standardError.write(
                    Data(
                        """
                        snnc-bench: unknown argument '\(a)'
                        usage: snnc-bench [small|vgg16|vgg16-paper-w8] [--batch N] [--warmup N] [--iters N] [--threads N] [--time-steps T]
                                          [--sparsity S] [--dense-kernels] [--sparse-limit D] [--event-limit D]
                                          [--ticket FILE --level K [--extra-rounds N]]
                               snnc-bench sparse-vgg16 SPARSITY out.h5

                        """.utf8))
                exit(2)
            }
        }
    }
}

/// The anchor models: tau 2, average pooling, no conv bias, image repeated over T (every layer
/// per step), BN statistics pooled over T·B (SpikingJelly multi-step BN).
func anchorSpec(_ name: String, timeSteps: Int) -> (ModelSpec, batch: Int, iters: Int) {
    switch name {
    case "vgg16-paper-w8":
        // The workload of the ticket searches: the paper's VGG16 at width 1/8 on padded
        // Fashion-MNIST (direct coding, per-step BN, max pooling, tau 4/3).
        return (
            ModelSpec(
                architecture: .vgg16, width: 0.125, inputChannels: 1, inputHeight: 32, inputWidth: 32,
                classes: 10, timeSteps: timeSteps), 128, 10
        )
    case "vgg16":
        return (
            ModelSpec(
                architecture: .vgg16, inputChannels: 3, inputHeight: 32, inputWidth: 32, classes: 10,
                timeSteps: timeSteps, tau: 2, pooling: .avg, encoding: .repeated,
                batchNormStatistics: .pooled, convBias: false), 32, 10
        )
    default:
        return (
            ModelSpec(
                architecture: .small, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10,
                timeSteps: timeSteps, tau: 2, encoding: .repeated, batchNormStatistics: .pooled,
                convBias: false), 128, 30
        )
    }
}

/// Conv + linear MACs per image per time step.
func macsPerStep(_ graph: LayerGraph) -> Int {
    graph.nodes.reduce(0) { total, node in
        switch node.op {
        case .conv(let cin, let cout, let window, _):
            return total + cout * node.shape[1] * node.shape[2] * cin * window.kernelH * window.kernelW
        case .linear(let inFeatures, let outFeatures, _):
            return total + inFeatures * outFeatures
        default:
            return total
        }
    }
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // KiB on Linux
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func timed(warmup: Int, iters: Int, _ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    return (0..<iters).map { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

restartWithSleepingWorkerThreads()
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "sparse-vgg16",
    let sparsity = Double(CommandLine.arguments[2])
{
    try writeSparseVGG16(sparsity: sparsity, to: CommandLine.arguments[3])
    exit(0)
}
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "subset-indices",
    let count = Int(CommandLine.arguments[2]), let seed = UInt64(CommandLine.arguments[3])
{
    // The Fashion-MNIST training images `snnc train --train-subset COUNT --data-seed SEED` uses,
    // one index per line (for Benchmarks/anchors/train_sj_vgg16_paper.py).
    let train = try LabeledImages.load(.fmnist, directory: DatasetName.fmnist.defaultDirectory, split: .train)
    let quotas = LabeledImages.stratifiedQuotas(count: count, classCount: train.classCount)
    print(try train.stratifiedIndices(quotas: quotas, seed: seed).map(String.init).joined(separator: "\n"))
    exit(0)
}
if CommandLine.arguments.count >= 2, CommandLine.arguments[1] == "conv-events" {
    setBLASThreads(2)
    retainFreedMemoryForReuse()
    try benchmarkConvEvents(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.count >= 2, CommandLine.arguments[1] == "conv-layers" {
    setBLASThreads(2)
    retainFreedMemoryForReuse()
    try benchmarkConvLayers(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
let options = Options(Array(CommandLine.arguments.dropFirst()))
setBLASThreads(options.threads)
retainFreedMemoryForReuse()
if options.extraRounds > 0 && options.ticket == nil {
    FileHandle.standardError.write(Data("snnc-bench: --extra-rounds needs --ticket FILE\n".utf8))
    exit(2)
}
let ticketFile = try options.ticket.map { try TicketFile.open($0) }
let ticketState = try ticketFile.map { file in
    guard let level = options.level ?? file.defaultLevel else { throw BenchError("\(file.path): give --level") }
    return try file.loadLevel(level)
}
var (spec, defaultBatch, defaultIters) = anchorSpec(options.model, timeSteps: options.timeSteps)
if let ticketState { (spec, defaultBatch, defaultIters) = (ticketState.spec, 128, 10) }
let batchSize = options.batch ?? defaultBatch
let iters = options.iters ?? defaultIters
let graph = try LayerGraph(spec)
var rng = SeededRNG(seed: 0)
let config = TrainingConfig(
    epochs: 1, batchSize: batchSize, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4,
    seed: 0, augment: false, data: DataConfig(dataset: "random", directory: ""))
var state = try TrainingState(spec: spec, config: config)
if let ticketState { state.parameters = ticketState.parameters }
if options.extraRounds > 0, let search = ticketFile?.header.search {
    // Further IMP rounds on the ticket's trained weights, with the search's own criterion.
    var mask = WeightMask(state.parameters)
    for _ in 0..<options.extraRounds {
        mask = Pruning.magnitudeRound(
            state.parameters, current: mask, rate: search.pruneRate, scope: search.scope,
            ties: search.ties)
    }
    mask.apply(to: &state.parameters)
}
if options.sparsity > 0 { pruneLayerwise(&state.parameters, sparsity: options.sparsity) }
var trainer = try Trainer(state: state, normalization: .unitRange(channels: spec.inputChannels))
if let limit = options.sparseLimit { trainer.sparseKernels = .uniform(maxDensity: limit) }
if options.denseKernels { trainer.sparseKernels = .off }
if let limit = options.eventLimit { trainer.eventKernels = EventConvPolicy(maxDensity: limit) }

// Random data as in the anchor: x ~ U(0, 1), labels uniform.
var images = Tensor.zeros([batchSize, spec.inputChannels, spec.inputHeight, spec.inputWidth])
for i in images.scalars.indices { images.scalars[i] = rng.nextUnitFloat() }
let labels = (0..<batchSize).map { _ in Int32(rng.nextInt(below: spec.classes)) }
let batch = Batch(images: images, labels: labels, indices: Array(0..<batchSize))

let inferTimes = timed(warmup: options.warmup, iters: iters) { _ = trainer.infer(batch.images) }
let peakInfer = peakRSSMegabytes()
let trainTimes = timed(warmup: options.warmup, iters: iters) { _ = trainer.step(batch, learningRate: 0.01) }
let peakTrain = peakRSSMegabytes()

// Spike density per spiking layer (fraction of neuron-steps that fire) on the benchmark batch
// after the timed training steps: how much of a spike-driven kernel's work would remain.
var densityRunner = Network(graph: graph, parameters: trainer.state.parameters)
var densityParameters = trainer.state.parameters
let densityPass = densityRunner.forward(batch.images, parameters: &densityParameters, training: true, keepIntermediates: false)
let steps = Double(densityPass.logits.shape[0])
let spikeDensity = Dictionary(
    densityPass.spikeCounts.map { ($0.node, ($0.spikes / (steps * Double($0.neurons)) * 1e4).rounded() / 1e4) },
    uniquingKeysWith: { a, _ in a })

let macs = macsPerStep(graph)
let flopsPerImage = 2.0 * Double(macs) * Double(spec.timeSteps)
let medTrain = median(trainTimes)
let medInfer = median(inferTimes)
let result: [String: Any] = [
    "model": options.ticket.map {
        "\($0) level \(options.level.map(String.init) ?? "default")" + (options.extraRounds > 0 ? " + \(options.extraRounds) rounds" : "")
    } ?? options.model, "impl": options.denseKernels ? "snnc-dense-kernels" : "snnc",
    "sparsity": options.sparsity, "kept": state.parameters.keptCount, "batch": batchSize, "T": spec.timeSteps, "threads": options.threads,
    "event_limits": trainer.eventKernels.limits.map { "\($0.minOutputChannels):\($0.maxDensity)" }.joined(separator: ","),
    "train_img_s": Double(batchSize) / medTrain, "infer_img_s": Double(batchSize) / medInfer,
    "train_gflops": 3 * flopsPerImage * Double(batchSize) / medTrain / 1e9,
    "infer_gflops": flopsPerImage * Double(batchSize) / medInfer / 1e9,
    "train_s_med": medTrain, "train_s_min": trainTimes.min() ?? 0, "train_s_max": trainTimes.max() ?? 0,
    "infer_s_med": medInfer, "infer_s_min": inferTimes.min() ?? 0, "infer_s_max": inferTimes.max() ?? 0,
    "peak_rss_train_mb": peakTrain, "peak_rss_infer_mb": peakInfer,
    "macs_per_image_per_step": macs, "warmup": options.warmup, "iters": iters, "spike_density": spikeDensity,
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))

/// Masks every prunable weight to keep its largest (1 − sparsity) by magnitude, layer by layer
/// (at initialisation a global threshold would empty the wide late layers, whose PyTorch init
/// bound 1/√fan_in is smallest), and zeroes the pruned weights.
func pruneLayerwise(_ parameters: inout ParameterSet, sparsity: Double) {
    for i in parameters.parameters.indices where parameters.parameters[i].isPrunable {
        let value = parameters.parameters[i].value
        let sorted = value.scalars.map(abs).sorted()
        let threshold = sorted[min(sorted.count - 1, Int(Double(sorted.count) * sparsity))]
        parameters.parameters[i].mask = Tensor(shape: value.shape, scalars: value.scalars.map { abs($0) >= threshold ? 1 : 0 })
    }
    parameters.applyMasks()
}

/// A full-width VGG16 checkpoint (layer-wise magnitude masks at `sparsity`).
func writeSparseVGG16(sparsity: Double, to path: String) throws {
    let spec = ModelSpec(architecture: .vgg16, inputChannels: 1, inputHeight: 32, inputWidth: 32, classes: 10)
    let config = TrainingConfig(
        epochs: 1,
        data: DataConfig(
            dataset: "fmnist", directory: DatasetName.fmnist.defaultDirectory,
            padding: 2))
    var state = try TrainingState(spec: spec, config: config)
    pruneLayerwise(&state.parameters, sparsity: sparsity)
    try Checkpoint.save(state, to: path, snncVersion: "bench")
    print("\(path): kept \(state.parameters.keptCount) of \(state.parameters.prunableCount) weights")
}
