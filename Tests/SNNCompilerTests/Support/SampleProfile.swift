import Foundation

/// A small valid profile for tests that break one thing at a time.
enum SampleProfile {
    /// The text of a valid profile called `name` (edge-like numbers).
    static func text(name: String = "sample") -> String {
        """
        # A valid test profile.
        [chip]
        name = "\(name)"
        description = "Test profile"
        kind = "generic"

        [cores]
        cores = 64
        neurons_per_core = 1024
        synapse_memory_bytes_per_core = 16_384
        fan_in_per_core = 4096
        fan_out_per_core = 4096

        [numerics]
        weight_bits = 8
        state_bits = 16
        index_bits = 16
        pointer_bits = 32
        weight_sharing = true
        sparse_storage = true
        threshold_compare = ">="
        leak = "multiply12"

        [timing]
        clock_hz = 100e6
        cycles_per_row_fetch = 2
        cycles_per_synaptic_op = 2
        cycles_per_neuron_update = 4
        cycles_per_hop = 2
        cycles_per_barrier = 50
        estimated = ["clock_hz"]

        [energy]
        e_synaptic_op_pj = 6.0
        sop_includes_weight_read = true
        e_neuron_update_pj = 10
        e_spike_route_pj = 3.0
        e_memory_pj_per_byte = 1.8
        static_power_mw = 3.2

        """
    }

    /// `text(name:)` with exactly one occurrence of `old` replaced by `new`.
    static func text(name: String = "sample", replacing old: String, with new: String) -> String {
        let base = text(name: name)
        let parts = base.components(separatedBy: old)
        precondition(parts.count == 2, "SampleProfile: '\(old)' must occur exactly once")
        return parts.joined(separator: new)
    }
}
