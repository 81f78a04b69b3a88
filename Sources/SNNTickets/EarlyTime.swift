import Foundation
import SNNData
import SNNTensor
import SNNTrain

/// Which KL divergence the early-time probe measures.
public enum KLDirection: String, Codable, CaseIterable, Sendable {
    /// `D_KL(P_T ‖ P_t)`: PyTorch's `KLDivLoss(log_softmax(z_t), softmax(z_T))`, the released code.
    case code
    /// `D_KL(P_t ‖ P_T)`: the paper's Eq. 1.
    case paper
}

/// How the probe rescales the divergences before comparing them with λ.
public enum KLNormalization: String, Codable, CaseIterable, Sendable {
    /// Divide by the largest candidate's divergence (the code).
    case maximum = "max"
    /// Divide by the first candidate's divergence, `D_KL(P_2‖P_T)` (the paper).
    case first
}

/// Early-time settings (Kim et al. §3.3, Alg. 1; reference-code-notes §6).
public struct EarlyTimeConfig: Codable, Equatable, Sendable {
    /// Epochs trained at the full T before probing (the paper's N = 2).
    public var probeAfterEpochs: Int = 2
    /// Training images in the probe batch (the code: one batch of 1000, augmented).
    public var probeImages: Int = 1000
    /// Threshold on the normalised divergence.
    public var lambda: Double = 0.6
    /// Candidate time steps, tried in order (the code hard-codes 2, 3, 4 for T = 5).
    public var candidates: [Int] = [2, 3, 4]
    public var direction: KLDirection = .code
    public var normalization: KLNormalization = .maximum
    /// Whether the loss under T_early keeps the code's division by the full T (so the gradient
    /// shrinks by T_early/T). snnc's loss is a mean over steps, so this is applied as a
    /// learning-rate factor T_early/T, which is the same update when weight decay is 0 (the
    /// code's effective setting).
    public var scaleLossByTimeSteps: Bool = true
    /// IMP+ET's round 0 anneals to this fraction of the peak learning rate (the code's
    /// `eta_min = 0.01·lr`; plain IMP and later rounds anneal to 0).
    public var roundZeroMinimumLearningRate: Float = 0.01
    /// Probe with BatchNorm in training mode (batch statistics, running statistics updated),
    /// as the code does; `false` uses running statistics and leaves them alone.
    public var probeInTrainingMode: Bool = true

    public init() {}
}

/// What one early-time probe measured and chose.
public struct EarlyTimeProbe: Codable, Equatable, Sendable {
    public var candidates: [Int]
    /// Raw divergences per candidate, mean over probe images (nats).
    public var divergences: [Double]
    /// Divergences after normalisation.
    public var normalized: [Double]
    public var lambda: Double
    /// The chosen T_early: the first candidate whose normalised divergence is below λ, else the
    /// full T.
    public var chosen: Int
    /// Epochs trained before the probe.
    public var afterEpochs: Int
    /// Images probed.
    public var images: Int

    public init(
        candidates: [Int], divergences: [Double], normalized: [Double], lambda: Double, chosen: Int,
        afterEpochs: Int, images: Int
    ) {
        self.candidates = candidates
        self.divergences = divergences
        self.normalized = normalized
        self.lambda = lambda
        self.chosen = chosen
        self.afterEpochs = afterEpochs
        self.images = images
    }
}

/// The early-time probe: divergences between class predictions of shorter and full runs.
public enum EarlyTime {
    /// `log softmax(z)` computed stably in Double.
    public static func logSoftmax(_ z: [Double]) -> [Double] {
        let peak = z.max() ?? 0
        let logSum = log(z.reduce(0) { $0 + exp($1 - peak) }) + peak
        return z.map { $0 - logSum }
    }

    /// Per image, the mean over the first `steps` time steps of the logits `[T·B, K]` (time-major).
    public static func prefixMeanLogits(_ logits: Tensor, steps: Int, batch: Int) -> [[Double]] {
        let classes = logits.shape[1]
        precondition(logits.shape[0] >= steps * batch, "logits hold fewer than \(steps) steps")
        return (0..<batch).map { b in
            (0..<classes).map { k in
                var sum = 0.0
                for t in 0..<steps { sum += Double(logits.scalars[(t * batch + b) * classes + k]) }
                return sum / Double(steps)
            }
        }
    }

    /// Mean over images of the KL divergence between the class distributions of `reference`
    /// (the full T) and `candidate` (a shorter run), in the given direction.
    public static func divergence(reference: [[Double]], candidate: [[Double]], direction: KLDirection) -> Double {
        precondition(reference.count == candidate.count, "different numbers of images")
        var total = 0.0
        for (zT, zt) in zip(reference, candidate) {
            let logT = logSoftmax(zT)
            let logt = logSoftmax(zt)
            let (logP, logQ) = direction == .code ? (logT, logt) : (logt, logT)
            for k in logP.indices { total += exp(logP[k]) * (logP[k] - logQ[k]) }
        }
        return total / Double(max(reference.count, 1))
    }

    /// Normalises `divergences` and picks T_early: the first candidate (in the given order) with
    /// a normalised value strictly below `lambda`, otherwise `fallback` (the full T).
    public static func choose(
        candidates: [Int], divergences: [Double], lambda: Double, normalization: KLNormalization,
        fallback: Int, afterEpochs: Int = 0, images: Int = 0
    ) -> EarlyTimeProbe {
        precondition(candidates.count == divergences.count && !candidates.isEmpty, "one divergence per candidate")
        let scale = normalization == .maximum ? (divergences.max() ?? 1) : divergences[0]
        let normalized = divergences.map { scale > 0 ? $0 / scale : 0 }
        let chosen = zip(candidates, normalized).first { $0.1 < lambda }?.0 ?? fallback
        return EarlyTimeProbe(
            candidates: candidates, divergences: divergences, normalized: normalized, lambda: lambda,
            chosen: chosen, afterEpochs: afterEpochs, images: images)
    }

    /// Runs the probe on `batch`: the network at the full `spec.timeSteps`, then at every
    /// candidate, each a fresh forward pass from zero membrane state (as the code resets the
    /// network between runs). In training mode BatchNorm uses the batch's statistics and updates
    /// the running statistics in `parameters` once per pass, as the code does.
    /// - Returns: the probe and the image-steps of every pass (for the cost ledger).
    public static func probe(
        parameters: inout ParameterSet, spec: ModelSpec, batch: Batch, config: EarlyTimeConfig,
        afterEpochs: Int
    ) throws -> (probe: EarlyTimeProbe, passes: [Int]) {
        func logits(_ steps: Int) throws -> [[Double]] {
            var stepSpec = spec
            stepSpec.timeSteps = steps
            let graph = try LayerGraph(stepSpec)
            var network = Network(graph: graph, parameters: parameters)
            let pass = network.forward(
                batch.images, parameters: &parameters, training: config.probeInTrainingMode,
                keepIntermediates: false)
            return prefixMeanLogits(pass.logits, steps: steps, batch: batch.count)
        }
        let reference = try logits(spec.timeSteps)
        var divergences: [Double] = []
        for t in config.candidates {
            divergences.append(divergence(reference: reference, candidate: try logits(t), direction: config.direction))
        }
        let probe = choose(
            candidates: config.candidates, divergences: divergences, lambda: config.lambda,
            normalization: config.normalization, fallback: spec.timeSteps, afterEpochs: afterEpochs,
            images: batch.count)
        return (probe, [spec.timeSteps] + config.candidates)
    }
}
