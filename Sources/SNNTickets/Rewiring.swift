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
    public var temperature: Double = 2.5e-11

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

/// The sparsity Grad R's prior aims at for a target, as a fraction: the percentage asked for, or
/// the pruned fraction of IMP round k's count.
func priorSparsity(_ target: DensityTarget, layout: PrunableLayout, scope: PruningScope, rate: Double) -> Double {
    if let percent = target.sparsityPercent { return percent / 100 }
    let kept = Pruning.keptCount(target, layout: layout, scope: scope, rate: rate)
    return Double(layout.total - kept) / Double(max(layout.total, 1))
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

/// Grad R over a whole parameter set: prunable parameters through `GradientRewiring.update` with
/// the hidden strengths `theta` it keeps, the others by plain SGD. Momentum buffers are created
/// (zero) on the first step.
final class GradientRewiringOptimizer {
    /// θ per parameter, nil for the parameters that are not pruned.
    var theta: [Tensor?]
    let signs: [Tensor?]
    let alpha: Float
    let center: Float
    let momentum: Float
    let weightDecay: Float

    /// - Parameters:
    ///   - initial: the initialisation, which gives the signs (and θ = |w₀| unless `theta` is given).
    ///   - sparsity: the prior's target, a fraction in [0.5, 1).
    init(initial: ParameterSet, theta: [Tensor?]? = nil, sparsity: Double, alpha: Double, momentum: Float, weightDecay: Float) {
        signs = initialSigns(initial)
        self.theta =
            theta
            ?? initial.parameters.map { p in
                p.isPrunable ? Tensor(shape: p.value.shape, scalars: p.value.scalars.map { abs($0) }) : nil
            }
        self.alpha = Float(alpha)
        center = Float(GradientRewiring.center(sparsity: sparsity, alpha: alpha))
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    func step(_ parameters: inout ParameterSet, momentum buffers: inout [Tensor], gradients: [Tensor], learningRate: Float) {
        if buffers.isEmpty { buffers = parameters.parameters.map { Tensor.zeros($0.value.shape) } }
        let step = RewiringStep(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        for i in parameters.parameters.indices {
            if var strengths = theta[i], let sign = signs[i] {
                theta[i] = nil  // keeps `strengths` uniquely referenced while it is written
                GradientRewiring.update(
                    theta: &strengths, weight: &parameters.parameters[i].value, momentum: &buffers[i],
                    gradient: gradients[i], sign: sign, step: step, alpha: alpha, center: center)
                theta[i] = strengths
            } else {
                step.plain(&parameters.parameters[i], gradient: gradients[i], momentum: &buffers[i])
            }
        }
    }
}

/// Deep R over a whole parameter set: the active connections of prunable parameters through
/// `DeepRewiring.update`, then reactivation pool by pool (the whole model under a global scope,
/// each layer under a layer-wise one) back to the initial mask's counts; the others by plain
/// SGD. Step k draws its noise and reactivations from `streams.derived(k)`.
struct DeepRewiringOptimizer {
    let signs: [Tensor?]
    /// Index in the parameter set of every prunable layer.
    let prunable: [Int]
    let layout: PrunableLayout
    let pools: [(layers: [Int], budget: Int)]
    let l1: Float
    let temperature: Float
    let momentum: Float
    let weightDecay: Float
    let streams: SeededRNG

    init(
        initial: ParameterSet, mask: WeightMask, scope: PruningScope, l1: Double, temperature: Double, momentum: Float,
        weightDecay: Float, streams: SeededRNG
    ) {
        signs = initialSigns(initial)
        prunable = initial.parameters.indices.filter { initial.parameters[$0].isPrunable }
        layout = mask.layout
        pools =
            switch scope {
            case .global, .chip: [(Array(0..<mask.layout.layerCount), mask.keptCount)]
            case .layerwise: (0..<mask.layout.layerCount).map { ([$0], mask.keptCount(layer: $0)) }
            }
        self.l1 = Float(l1)
        self.temperature = Float(temperature)
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.streams = streams
    }

    func step(_ parameters: inout ParameterSet, momentum buffers: inout [Tensor], gradients: [Tensor], learningRate: Float, index: Int) {
        if buffers.isEmpty { buffers = parameters.parameters.map { Tensor.zeros($0.value.shape) } }
        let step = RewiringStep(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        var rng = streams.derived(UInt64(index))
        for i in parameters.parameters.indices {
            if let sign = signs[i], var mask = parameters.parameters[i].mask {
                parameters.parameters[i].mask = nil  // keeps `mask` uniquely referenced while it is written
                DeepRewiring.update(
                    weight: &parameters.parameters[i].value, mask: &mask, momentum: &buffers[i], gradient: gradients[i],
                    sign: sign, step: step, l1: l1, temperature: temperature, rng: &rng)
                parameters.parameters[i].mask = mask
            } else {
                step.plain(&parameters.parameters[i], gradient: gradients[i], momentum: &buffers[i])
            }
        }
        for pool in pools {
            DeepRewiring.reactivate(
                layers: pool.layers, budget: pool.budget, layout: layout, prunable: prunable, parameters: &parameters,
                momentum: &buffers, signs: signs, rng: &rng)
        }
    }
}
