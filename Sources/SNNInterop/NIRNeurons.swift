import SNNFormat
import SNNTrain

/// How NIR's continuous neuron parameters become the engine's discrete neurons (docs/NIR.md).
///
/// NIR (forward Euler with step dt): `v ← v + (dt/τ)·(v_leak − v + r·I)` for LIF,
/// `v ← v + dt·r·I` for IF; the engine: `X = gain·I + leak`, `H = V + (X − V)/τ_steps` (LIF),
/// `H = V + X` (IF). So `τ_steps = τ/dt`, `gain = r` (LIF) or `r·dt` (IF), `leak = v_leak`;
/// computed in double precision and rounded once to float32, the engine's precision.
public struct NeuronMapping: Sendable, Equatable {
    /// The time step in NIR's time unit (NIR graphs are continuous-time; exporters assume one).
    public var dt: Double
    /// NIR says a neuron fires when v > v_threshold; SpikingJelly and snnc fire on v ≥ v_threshold.
    public var fireOnGreater: Bool

    /// Creates a mapping.
    public init(dt: Double = 1, fireOnGreater: Bool = false) {
        self.dt = dt
        self.fireOnGreater = fireOnGreater
    }

    /// The engine threshold for a NIR threshold: itself for `≥`; for `>` the next float32 up,
    /// since for float32 values `h > θ` holds exactly when `h ≥ θ.nextUp`.
    func threshold(_ value: Double) -> Float {
        fireOnGreater ? Float(value).nextUp : Float(value)
    }

    func neuron(_ reader: FieldReader, shape: [Int]) throws -> NeuronSpec {
        let node = reader.node
        let vReset = try reader.uniform("v_reset", neuronShape: shape, default: 0)
        guard vReset == 0 else {
            throw reader.fail(
                "v_reset", "v_reset is \(vReset); snnc neurons reset to 0",
                hint: "shift v_leak, v_threshold and v_reset by −v_reset (the dynamics are the same) and export again")
        }
        let threshold = try reader.uniform("v_threshold", neuronShape: shape)
        switch node.kind {
        case .integrateAndFire?:
            let r = try reader.uniform("r", neuronShape: shape)
            return NeuronSpec(tau: nil, threshold: self.threshold(threshold), gain: Float(r * dt))
        case .lif?:
            let tau = try steps(reader, "tau", shape: shape)
            let r = try reader.uniform("r", neuronShape: shape)
            let leak = try reader.uniform("v_leak", neuronShape: shape, default: 0)
            return NeuronSpec(tau: tau, threshold: self.threshold(threshold), gain: Float(r), leak: Float(leak))
        case .cubaLIF?:
            let tauSyn = try reader.uniform("tau_syn", neuronShape: shape)
            guard tauSyn == dt else { return try currentBased(reader, shape: shape, tauSyn: tauSyn) }
            let tau = try steps(reader, "tau_mem", shape: shape)
            let r = try reader.uniform("r", neuronShape: shape)
            let wIn = try reader.uniform("w_in", neuronShape: shape)
            let leak = try reader.uniform("v_leak", neuronShape: shape, default: 0)
            let (rf, wf) = (Float(r), Float(wIn))
            guard rf.isPowerOfTwo || wf.isPowerOfTwo else {
                throw reader.fail(
                    "w_in",
                    "r = \(r) and w_in = \(wIn): NIR applies them one after the other, and their product rounds differently unless "
                        + "one of them is a power of two",
                    hint: "fold w_in into the weights before the node (w_in = 1)")
            }
            return NeuronSpec(
                tau: tau, threshold: self.threshold(threshold), gain: rf * wf, leak: Float(leak),
                cubaInput: NeuronSpec.CubaInput(wIn: wf, r: rf))
        default:
            throw reader.fail("type", "'\(node.type)' is not a neuron type snnc maps")
        }
    }

    /// A `CubaLIF` with synaptic memory (tau_syn > dt) as a current-based node: with τs, τ in
    /// steps, `gain = r·w_in / (τ·(τs − 1))` (so that NIR's Euler steps equal the engine's
    /// `I = (1 − 1/τs)(I + gain·X)`, `H = (1 − 1/τ)V + I`), one spike per step and no delay
    /// unless `snnc_spike_counts` says otherwise.
    private func currentBased(_ reader: FieldReader, shape: [Int], tauSyn: Double) throws -> NeuronSpec {
        let tauS = try steps(reader, "tau_syn", shape: shape)
        let tau = try steps(reader, "tau_mem", shape: shape)
        guard tauS > 1 else {
            throw reader.fail("tau_syn", "tau_syn = \(tauSyn) is below dt (\(dt)): the current would change sign every step")
        }
        let leak = try reader.uniform("v_leak", neuronShape: shape, default: 0)
        guard leak == 0 else {
            throw reader.fail(
                "v_leak", "v_leak is \(leak); snnc's current-based neurons have no membrane leak target",
                hint: "shift v_leak, v_threshold and v_reset by −v_leak and export again")
        }
        let r = try reader.uniform("r", neuronShape: shape)
        let wIn = try reader.uniform("w_in", neuronShape: shape)
        let gain = Float(r * wIn / (Double(tau) * (Double(tauS) - 1)))
        return NeuronSpec(
            tau: tau, threshold: self.threshold(try reader.uniform("v_threshold", neuronShape: shape)), gain: gain,
            synapse: NeuronSpec.Synapse(tau: tauS, maxSpikes: 1, delay: 0))
    }

    /// A time constant in steps (τ/dt), which must be positive and finite.
    private func steps(_ reader: FieldReader, _ field: String, shape: [Int]) throws -> Float {
        let tau = try reader.uniform(field, neuronShape: shape)
        let value = Float(tau / dt)
        guard tau > 0, value.isFinite, value > 0 else {
            throw reader.fail(field, "\(field) = \(tau) is not a positive time constant (dt = \(dt))")
        }
        return value
    }
}

extension Float {
    /// Whether the value is ±2^k (multiplying by it never rounds, barring overflow and subnormals).
    fileprivate var isPowerOfTwo: Bool { isNormal && significandBitPattern == 0 }
}
