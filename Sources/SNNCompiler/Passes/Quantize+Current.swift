import Foundation
import SNNIR

/// Whether current-based group `lif` (Xylo's neuron) can run on `profile`: the target has a
/// synaptic current, lets a neuron send the group's spikes per step with the group's delay, the
/// reset is subtractive, and no bias feeds it (Xylo adds its bias to the membrane, not to the
/// synaptic current the float model adds it to).
/// - Throws: `CompileError` (`.leak`) naming the key and the way out.
func checkCurrentBased(_ lif: LIFGroup, population: Population, graph: Graph, profile: ChipProfile) throws(CompileError) {
    guard let synapse = lif.synapse else { return }
    let numerics = profile.numerics
    let name = population.name
    guard numerics.synapticCurrent == .decrementShift else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] synaptic_current = \"\(numerics.synapticCurrent.rawValue)\"",
            reason: "the layer's neurons are current-based LIF (a synaptic current between weights and membrane), "
                + "which \(profile.name)'s neurons do not have",
            hint: "deploy current-based models to a target with synaptic_current = \"decrement-shift\" (xylo), or train "
                + "--neuron lif or if for this one")
    }
    guard lif.resetMode == .subtract else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] reset = \"\(numerics.reset.rawValue)\"",
            reason: "current-based neurons reset by subtracting the threshold once per spike; this group resets to a value",
            hint: "train with --reset subtract")
    }
    let maxSpikes = numerics.maxSpikesPerStep ?? 1
    guard (1...maxSpikes).contains(synapse.maxSpikes) else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] max_spikes_per_step = \(maxSpikes)",
            reason: "the group's neurons send up to \(synapse.maxSpikes) spikes per step, the target's at most \(maxSpikes)",
            hint: "train with at most \(maxSpikes) spikes per step")
    }
    let delay = numerics.spikeDelaySteps ?? 0
    guard synapse.delay == delay else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] spike_delay_steps = \(delay)",
            reason: "the group's spikes arrive \(synapse.delay) step(s) after they are sent; on \(profile.name) they arrive "
                + "\(delay) step(s) later, so the model would compute something else",
            hint: "train the model with the target's delay")
    }
    for f in population.feeders where graph.weights(at: f)?.bias != nil {
        throw CompileError(
            .quantization, layer: graph.layers[f].name,
            reason: "a bias feeds the current-based group '\(name)': the model adds it to the synaptic current every step, "
                + "which \(profile.name) cannot do (its bias goes to the membrane)",
            hint: "train without biases in the layers feeding current-based neurons")
    }
}

/// The shift `dash` with `tau = 2^dash` steps (Xylo's 4-bit `dash_syn` / `dash_mem`, 0…15).
/// - Throws: `CompileError` (`.leak`) when `tau` is not such a power of two.
func dash(_ tau: Float, name: String, what: String) throws(CompileError) -> Int {
    let k = log2(Double(tau)).rounded()
    guard tau >= 1, (0...15).contains(k), abs(pow(2, k) - Double(tau)) <= 1e-6 * Double(tau) else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] synaptic_current = \"decrement-shift\"",
            reason: "\(what) = \(tau) steps is not 2^dash for a shift dash in 0…15, so the current cannot decay by "
                + "v >> dash",
            hint: "train with --tau-syn-shift / --tau-mem-shift (tau = 2^shift steps)")
    }
    return Int(k)
}
