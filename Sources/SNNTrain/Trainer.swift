import Foundation
import SNNData
import SNNTensor

/// Accuracy and spike statistics of a model on a labelled set.
public struct Evaluation: Equatable, Sendable {
    public var images: Int
    public var correct: Int
    /// Mean cross-entropy of the summed logits' softmax is not used by the paper; this is the
    /// mean per-step loss, comparable with training loss.
    public var loss: Double
    /// Spikes per image (all steps) for each LIF node, in graph order.
    public var spikesPerImage: [(node: String, spikes: Double, neurons: Int)]

    public var accuracy: Double { images == 0 ? 0 : Double(correct) / Double(images) }

    public static func == (a: Evaluation, b: Evaluation) -> Bool {
        a.images == b.images && a.correct == b.correct && a.loss == b.loss
            && a.spikesPerImage.map(\.node) == b.spikesPerImage.map(\.node)
            && a.spikesPerImage.map(\.spikes) == b.spikesPerImage.map(\.spikes)
    }
}

/// Progress inside an epoch, reported after every batch.
public struct BatchProgress: Sendable {
    public var epoch: Int
    public var batch: Int
    public var batches: Int
    public var imagesSeen: Int
    public var meanLoss: Double
    public var elapsedSeconds: Double
}

/// Trains and evaluates one model: owns the training state and a `Network` runner.
public struct Trainer: Sendable {
    public private(set) var state: TrainingState
    private var network: Network
    public let normalization: Normalization
    /// See `Network.eventKernels` (benchmarks compare with `.off`, oneDNN's dense kernels).
    public var eventKernels: EventConvPolicy {
        get { network.eventKernels }
        set { network.eventKernels = newValue }
    }
    /// See `Network.sparseKernels` (benchmarks compare with `.off`, the dense kernels).
    public var sparseKernels: SparseKernelPolicy {
        get { network.sparseKernels }
        set { network.sparseKernels = newValue }
    }

    public init(state: TrainingState, normalization: Normalization) throws {
        self.state = state
        self.network = Network(graph: try LayerGraph(state.spec), parameters: state.parameters)
        self.normalization = normalization
    }

    /// The loss of per-step logits: mean over steps of the batch-mean cross-entropy, which is
    /// the cross-entropy averaged over all T·B rows. Returns the loss, its gradient, and the
    /// number of images whose summed logits pick the right class.
    static func loss(_ logits: Tensor, labels: [Int32], timeSteps: Int) -> (loss: Double, dLogits: Tensor, correct: Int) {
        let batch = labels.count
        var repeated: [Int32] = []
        repeated.reserveCapacity(batch * timeSteps)
        for _ in 0..<timeSteps { repeated.append(contentsOf: labels) }
        let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: repeated)
        return (Double(loss), dLogits, countCorrect(logits, labels: labels, timeSteps: timeSteps))
    }

    /// Images whose logits summed over steps have their maximum at the label (first index on ties).
    static func countCorrect(_ logits: Tensor, labels: [Int32], timeSteps: Int) -> Int {
        let batch = labels.count
        let classes = logits.shape[1]
        var correct = 0
        for b in 0..<batch {
            var best = -Float.infinity
            var bestClass = 0
            for k in 0..<classes {
                var sum: Float = 0
                for t in 0..<timeSteps { sum += logits.scalars[(t * batch + b) * classes + k] }
                if sum > best {
                    best = sum
                    bestClass = k
                }
            }
            if bestClass == Int(labels[b]) { correct += 1 }
        }
        return correct
    }

    /// One optimiser step on a batch. Returns the batch loss and correct count.
    public mutating func step(_ batch: Batch, learningRate: Float) -> (loss: Double, correct: Int) {
        let pass = network.forward(batch.images, parameters: &state.parameters, training: true)
        let (loss, dLogits, correct) = Self.loss(pass.logits, labels: batch.labels, timeSteps: pass.logits.shape[0] / batch.count)
        let grads = network.backward(pass, dLogits: dLogits, parameters: state.parameters)
        SGD.step(
            &state.parameters, gradients: grads, momentum: &state.momentum, learningRate: learningRate,
            momentum: state.config.momentum, weightDecay: state.config.weightDecay)
        return (loss, correct)
    }

    /// One step on a batch whose update `optimizer` makes: it receives the parameters, the
    /// momentum buffers (empty before the first step) and every parameter's gradient, in
    /// parameter order. The rewiring searches use it to train hidden connection strengths.
    /// Returns the batch loss and correct count.
    public mutating func step(
        _ batch: Batch, optimizer: (inout ParameterSet, inout [Tensor], [Tensor]) -> Void
    ) -> (loss: Double, correct: Int) {
        let pass = network.forward(batch.images, parameters: &state.parameters, training: true)
        let (loss, dLogits, correct) = Self.loss(pass.logits, labels: batch.labels, timeSteps: pass.logits.shape[0] / batch.count)
        let grads = network.backward(pass, dLogits: dLogits, parameters: state.parameters)
        optimizer(&state.parameters, &state.momentum, grads)
        return (loss, correct)
    }

    /// Trains the next epoch (`state.epochsCompleted`) on `data` and records it.
    public mutating func trainEpoch(on data: LabeledImages, progress: (BatchProgress) -> Void = { _ in }) -> EpochRecord {
        let epoch = state.epochsCompleted
        let lr = state.config.learningRate(atEpoch: epoch)
        let batches = BatchIterator(
            data: data, batchSize: state.config.batchSize, epoch: epoch, seed: state.config.seed,
            shuffle: true, augmentation: state.config.augment ? .standard : .none,
            normalization: normalization, dropLast: false)
        let start = Date()
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        var index = 0
        let count = batches.batchCount
        for batch in batches {
            let (loss, right) = step(batch, learningRate: lr)
            lossSum += loss * Double(batch.count)
            correct += right
            seen += batch.count
            index += 1
            progress(
                BatchProgress(
                    epoch: epoch, batch: index, batches: count, imagesSeen: seen,
                    meanLoss: lossSum / Double(seen), elapsedSeconds: Date().timeIntervalSince(start)))
        }
        let seconds = Date().timeIntervalSince(start)
        state.epochsCompleted += 1
        let record = EpochRecord(
            epoch: epoch, learningRate: lr, trainLoss: lossSum / Double(max(seen, 1)),
            trainAccuracy: Double(correct) / Double(max(seen, 1)), testAccuracy: nil,
            seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9))
        state.history.append(record)
        return record
    }

    /// Records a test accuracy on the last epoch's history entry.
    public mutating func recordTestAccuracy(_ accuracy: Double) {
        guard !state.history.isEmpty else { return }
        state.history[state.history.count - 1].testAccuracy = accuracy
    }

    /// Evaluates on `data` with running BN statistics (no parameter changes).
    public mutating func evaluate(
        on data: LabeledImages, batchSize: Int = 256,
        progress: (Int) -> Void = { _ in }
    ) -> Evaluation {
        let batches = BatchIterator(
            data: data, batchSize: batchSize, epoch: 0, seed: 0, shuffle: false,
            augmentation: .none, normalization: normalization, dropLast: false)
        var correct = 0
        var lossSum = 0.0
        var seen = 0
        var spikes: [(String, Double, Int)] = []
        for batch in batches {
            let pass = network.forward(
                batch.images, parameters: &state.parameters, training: false,
                keepIntermediates: false)
            let steps = pass.logits.shape[0] / batch.count
            let (loss, _, right) = Self.loss(pass.logits, labels: batch.labels, timeSteps: steps)
            correct += right
            lossSum += loss * Double(batch.count)
            seen += batch.count
            if spikes.isEmpty {
                spikes = pass.spikeCounts.map { ($0.node, $0.spikes, $0.neurons) }
            } else {
                for j in spikes.indices { spikes[j].1 += pass.spikeCounts[j].spikes }
            }
            progress(seen)
        }
        return Evaluation(
            images: seen, correct: correct, loss: lossSum / Double(max(seen, 1)),
            spikesPerImage: spikes.map { ($0.0, $0.1 / Double(max(seen, 1)), $0.2) })
    }

    /// Replaces the parameters (e.g. a rewound ticket), keeping the runner.
    public mutating func setParameters(_ parameters: ParameterSet) {
        state.parameters = parameters
    }

    /// Replaces the whole training state (same model spec).
    public mutating func setState(_ newState: TrainingState) {
        precondition(newState.spec == state.spec, "setState needs the same model spec")
        state = newState
    }
}

extension Trainer {
    /// Inference on one batch of normalised images `[B, C, H, W]` with running BN statistics;
    /// returns the per-step logits `[T·B, K]`.
    public mutating func infer(_ images: Tensor) -> Tensor {
        network.forward(images, parameters: &state.parameters, training: false).logits
    }
}
