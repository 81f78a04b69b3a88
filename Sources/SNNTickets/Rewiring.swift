import Foundation
import SNNTensor
import SNNTrain

/// Settings of the rewiring searches (`gradr`, `deepr`): pruning during training, where every
/// prunable weight is `w = s · max(θ, 0)` with a sign `s` fixed at the initialisation and a
/// trained strength θ. Defaults and sources: docs/TICKETS.md.
public struct RewiringConfig: Codable, Equatable, Sendable {
    /// Grad R: strength α of the Laplacian prior on θ (per unit learning rate). Larger prunes more.
    public var alpha: Double = 5e-4
    /// Deep R: L1 penalty on the strengths of active connections (per unit learning rate).
    public var l1: Double = 1e-5
    /// Deep R: temperature of the noise `sqrt(2·lr·T)·N(0, 1)` added to active strengths.
    public var temperature: Double = 1e-12

    public init() {}

    /// - Throws: `SearchConfigError` for a value the update cannot use.
    func validate(for method: TicketMethod) throws {
        switch method {
        case .gradR:
            guard alpha.isFinite && alpha > 0 else {
                throw SearchConfigError("Grad R's prior strength --gradr-alpha must be a positive number, got \(alpha)")
            }
        case .deepR:
            guard l1.isFinite && l1 >= 0 else { throw SearchConfigError("--deepr-l1 must be a number ≥ 0, got \(l1)") }
            guard temperature.isFinite && temperature >= 0 else {
                throw SearchConfigError("--deepr-temperature must be a number ≥ 0, got \(temperature)")
            }
        default:
            break
        }
    }
}

/// The fixed sign of every prunable weight: the sign of its initial value (+1 for an initial 0).
func initialSigns(_ parameters: ParameterSet) -> [Tensor?] {
    parameters.parameters.map { p in
        guard p.isPrunable else { return nil }
        return Tensor(shape: p.value.shape, scalars: p.value.scalars.map { $0 < 0 ? -1 : 1 })
    }
}

/// The hyper-parameters of one rewiring update.
public struct RewiringStep: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float

    public init(learningRate: Float, momentum: Float, weightDecay: Float) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// SGD (SNNTensor's `sgdStep`, unmasked) for a parameter that is not rewired (biases, BN).
    func plain(_ parameter: inout Parameter, gradient: Tensor, momentum buffer: inout Tensor) {
        var optional: Tensor? = buffer
        sgdStep(
            weight: &parameter.value, gradient: gradient, momentumBuffer: &optional, mask: nil,
            config: SGDConfig(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay))
        buffer = optional ?? Tensor.zeros(parameter.value.shape)
    }
}

/// Gradient Rewiring (Chen et al., IJCAI 2021).
///
/// Every prunable weight is `w = s · max(θ, 0)`. The gradient on θ is taken as if every
/// connection were present, `∂L/∂θ = s · ∂L/∂w` (the ReLU's derivative is dropped), so a pruned
/// connection (θ ≤ 0) keeps moving and grows back when θ crosses 0 again. A Laplacian prior
/// `p(θ) ∝ exp(−α|θ − μ|)` with centre `μ = ln(2(1 − S)) / α` (the prior mass below 0 is the
/// target sparsity S) adds `α · sign(θ − μ)` to the gradient: for θ above the centre, a constant
/// pull towards pruning.
public enum GradientRewiring {
    /// The prior's centre for target sparsity `sparsity` in [0.5, 1): `ln(2(1 − S)) / α` (≤ 0).
    public static func center(sparsity: Double, alpha: Double) -> Double {
        log(2 * (1 - sparsity)) / alpha
    }

    /// One update of one prunable parameter, elementwise:
    ///
    ///     g   = s · (∂L/∂w + weightDecay · w)
    ///     buf = momentum · buf + g
    ///     θ   = θ − lr · buf − lr · α · sign(θ − μ)
    ///     w   = s · max(θ, 0)
    public static func update(
        theta: inout Tensor, weight: inout Tensor, momentum buffer: inout Tensor, gradient: Tensor, sign: Tensor,
        step: RewiringStep, alpha: Float, center: Float
    ) {
        let count = theta.count
        precondition(
            weight.count == count && buffer.count == count && gradient.count == count && sign.count == count,
            "Grad R tensors of different sizes")
        let (lr, mu, wd) = (step.learningRate, step.momentum, step.weightDecay)
        let prior = lr * alpha
        for i in 0..<count {
            let s = sign.scalars[i]
            let g = s * (gradient.scalars[i] + wd * weight.scalars[i])
            let b = mu * buffer.scalars[i] + g
            buffer.scalars[i] = b
            var t = theta.scalars[i] - lr * b
            let d = theta.scalars[i] - center
            if d > 0 { t -= prior } else if d < 0 { t += prior }
            theta.scalars[i] = t
            weight.scalars[i] = t > 0 ? s * t : 0
        }
    }
}

/// Deep Rewiring (Bellec et al., ICLR 2018).
///
/// A fixed number of active connections, each `w = s · θ` with θ > 0 and a fixed sign. Active
/// strengths follow SGD on the loss plus an L1 penalty and Gaussian noise,
/// `θ ← θ − lr·(s·∂L/∂w + l1) + sqrt(2·lr·T)·N(0, 1)`; a connection whose θ drops to ≤ 0 becomes
/// dormant (w = 0, mask 0) and as many dormant connections, drawn uniformly, become active
/// with θ = `reactivatedStrength`, so the count never changes. Dormant strengths are not kept.
public enum DeepRewiring {
    /// θ of a reactivated connection (Bellec et al.'s code: a tiny positive value).
    public static let reactivatedStrength: Float = 1e-12

    /// The gradient, L1 and noise update of one prunable parameter's active connections. Those
    /// whose θ drops to ≤ 0 become dormant (weight, mask and momentum 0). Dormant entries do
    /// not change. Normal draws are made in row-major order of the active entries.
    public static func update(
        weight: inout Tensor, mask: inout Tensor, momentum buffer: inout Tensor, gradient: Tensor, sign: Tensor,
        step: RewiringStep, l1: Float, temperature: Float, rng: inout SeededRNG
    ) {
        let count = weight.count
        precondition(
            mask.count == count && buffer.count == count && gradient.count == count && sign.count == count,
            "Deep R tensors of different sizes")
        let (lr, mu, wd) = (step.learningRate, step.momentum, step.weightDecay)
        let noise = (2 * lr * temperature).squareRoot()
        for i in 0..<count where mask.scalars[i] != 0 {
            let s = sign.scalars[i]
            let g = s * (gradient.scalars[i] + wd * weight.scalars[i])
            let b = mu * buffer.scalars[i] + g
            var t = s * weight.scalars[i] - lr * b - lr * l1
            if noise > 0 { t += noise * standardNormal(&rng) }
            if t > 0 {
                buffer.scalars[i] = b
                weight.scalars[i] = s * t
            } else {
                buffer.scalars[i] = 0
                weight.scalars[i] = 0
                mask.scalars[i] = 0
            }
        }
    }

    /// Reactivates dormant connections of one pool (the prunable layers `layers`, indices into
    /// `layout`) until `budget` of them are active: a partial Fisher–Yates draw over the pool's
    /// dormant positions in layout order. New connections get θ = `reactivatedStrength`, their
    /// fixed sign and zero momentum. `prunable[l]` is layer l's index in the parameter set.
    static func reactivate(
        layers: [Int], budget: Int, layout: PrunableLayout, prunable: [Int], parameters: inout ParameterSet,
        momentum: inout [Tensor], signs: [Tensor?], rng: inout SeededRNG
    ) {
        var dormant: [Int] = []
        var active = 0
        for l in layers {
            let mask = parameters.parameters[prunable[l]].mask!.scalars
            for j in mask.indices {
                if mask[j] != 0 { active += 1 } else { dormant.append(layout.offsets[l] + j) }
            }
        }
        let needed = min(budget - active, dormant.count)
        guard needed > 0 else { return }
        for k in 0..<needed {
            let pick = k + rng.nextInt(below: dormant.count - k)
            dormant.swapAt(k, pick)
            var l = layers[0]
            while dormant[k] >= layout.offsets[l + 1] { l += 1 }
            let (p, j) = (prunable[l], dormant[k] - layout.offsets[l])
            parameters.parameters[p].mask!.scalars[j] = 1
            parameters.parameters[p].value.scalars[j] = signs[p]!.scalars[j] * reactivatedStrength
            momentum[p].scalars[j] = 0
        }
    }

    /// A standard normal draw (Box–Muller, one of the pair) from 2 × 24 random bits.
    static func standardNormal(_ rng: inout SeededRNG) -> Float {
        let u1 = Double(1 - rng.nextUnitFloat())  // (0, 1]
        let u2 = Double(rng.nextUnitFloat())
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
