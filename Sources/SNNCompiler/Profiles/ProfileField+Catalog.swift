/// The chip-profile schema: every table and key a profile may contain.
extension ProfileField {
    /// The tables in the order a profile writes them.
    public static let tables = ["chip", "cores", "numerics", "timing", "energy"]

    /// The per-table key listing the fields whose values are estimates (`estimated = ["clock_hz"]`).
    /// Allowed in every table except `[chip]`.
    public static let estimatedKey = "estimated"

    // [chip]: identity
    /// `[chip] name`: the profile's identifier; must equal the file name without `.toml`.
    public static let chipName = ProfileField(table: "chip", key: "name", rule: .identifier)
    /// `[chip] description`: one line for people.
    public static let chipDescription = ProfileField(table: "chip", key: "description", rule: .text)
    /// `[chip] kind`: `"generic"` or `"chip"`.
    public static let chipKind = ProfileField(
        table: "chip", key: "kind", rule: .choice(ChipProfile.Kind.allCases.map(\.rawValue)))

    // [cores]: capacity
    /// `[cores] cores`: cores available to the network.
    public static let coreCount = ProfileField(table: "cores", key: "cores", rule: .integer(1...1 << 20))
    /// `[cores] neurons_per_core`.
    public static let neuronsPerCore = ProfileField(
        table: "cores", key: "neurons_per_core", rule: .integer(1...1 << 24))
    /// `[cores] synapse_memory_bytes_per_core`, bytes.
    public static let synapseMemoryBytesPerCore = ProfileField(
        table: "cores", key: "synapse_memory_bytes_per_core", rule: .integer(1...1 << 40), unit: "B")
    /// `[cores] fan_in_per_core`, input axons.
    public static let fanInPerCore = ProfileField(
        table: "cores", key: "fan_in_per_core", rule: .integer(1...1 << 32), unit: "axons")
    /// `[cores] fan_out_per_core`, output axons.
    public static let fanOutPerCore = ProfileField(
        table: "cores", key: "fan_out_per_core", rule: .integer(1...1 << 32), unit: "axons")
    /// `[cores] max_fan_in_per_neuron`, synapses; optional.
    public static let maxFanInPerNeuron = ProfileField(
        table: "cores", key: "max_fan_in_per_neuron", rule: .integer(1...1 << 32), unit: "synapses",
        isRequired: false)
    /// `[cores] max_fan_out_per_neuron`, synapses; optional (checked by `mapping = "single-core"`).
    public static let maxFanOutPerNeuron = ProfileField(
        table: "cores", key: "max_fan_out_per_neuron", rule: .integer(1...1 << 32), unit: "synapses",
        isRequired: false)
    /// `[cores] mapping`: `"split"` (a layer spread over several cores; the default),
    /// `"layer-per-core"` (DYNAP-CNN/Speck: each layer takes exactly one core) or `"single-core"`
    /// (Xylo: the whole network on one core); optional.
    public static let mapping = ProfileField(
        table: "cores", key: "mapping", rule: .choice(ChipProfile.Mapping.allCases.map(\.rawValue)),
        isRequired: false)
    /// `[cores] kernel_memory_per_core`, kernel entries of each core in core order; optional,
    /// required by `mapping = "layer-per-core"`.
    public static let kernelMemoryPerCore = ProfileField(
        table: "cores", key: "kernel_memory_per_core", rule: .integerList(1...1 << 32), unit: "entries",
        isRequired: false)
    /// `[cores] neuron_memory_per_core`, neuron states of each core in core order; optional,
    /// required by `mapping = "layer-per-core"`.
    public static let neuronMemoryPerCore = ProfileField(
        table: "cores", key: "neuron_memory_per_core", rule: .integerList(1...1 << 32), unit: "neurons",
        isRequired: false)
    /// `[cores] bias_memory_per_core`, biases of each core in core order; optional (no limit if unset).
    public static let biasMemoryPerCore = ProfileField(
        table: "cores", key: "bias_memory_per_core", rule: .integerList(1...1 << 32), unit: "entries",
        isRequired: false)

    /// The `[cores]` keys that only some mapping families use; `describe()` leaves them out when unset.
    public static let mappingFields: Set<ProfileField> = [
        maxFanOutPerNeuron, mapping, kernelMemoryPerCore, neuronMemoryPerCore, biasMemoryPerCore,
    ]

    // [numerics]: formats
    /// `[numerics] weight_bits`.
    public static let weightBits = ProfileField(
        table: "numerics", key: "weight_bits", rule: .integer(1...16), unit: "bits")
    /// `[numerics] state_bits`; at least `weight_bits`.
    public static let stateBits = ProfileField(
        table: "numerics", key: "state_bits", rule: .integer(1...64), unit: "bits")
    /// `[numerics] index_bits`.
    public static let indexBits = ProfileField(
        table: "numerics", key: "index_bits", rule: .integer(1...32), unit: "bits")
    /// `[numerics] pointer_bits`.
    public static let pointerBits = ProfileField(
        table: "numerics", key: "pointer_bits", rule: .integer(1...64), unit: "bits")
    /// `[numerics] weight_sharing`.
    public static let weightSharing = ProfileField(table: "numerics", key: "weight_sharing", rule: .boolean)
    /// `[numerics] sparse_storage`.
    public static let sparseStorage = ProfileField(table: "numerics", key: "sparse_storage", rule: .boolean)
    /// `[numerics] threshold_compare`: `">="` or `">"`.
    public static let thresholdCompare = ProfileField(
        table: "numerics", key: "threshold_compare",
        rule: .choice(ChipProfile.ThresholdCompare.allCases.map(\.rawValue)))
    /// `[numerics] leak`: `"shift"`, `"multiply12"` or `"subtract"`.
    public static let leak = ProfileField(
        table: "numerics", key: "leak", rule: .choice(ChipProfile.Leak.allCases.map(\.rawValue)))
    /// `[numerics] axon_types`: axon types of a binary-synapse chip; optional.
    public static let axonTypes = ProfileField(table: "numerics", key: "axon_types", rule: .integer(2...16), isRequired: false)
    /// `[numerics] axon_type_weight_bits`: bits of each neuron's per-axon-type weight; optional.
    public static let axonTypeWeightBits = ProfileField(
        table: "numerics", key: "axon_type_weight_bits", rule: .integer(2...16), unit: "bits", isRequired: false)
    /// `[numerics] reset`: `"zero"` (the default), `"subtract"` or `"zero-or-subtract"`.
    public static let reset = ProfileField(
        table: "numerics", key: "reset", rule: .choice(ChipProfile.ResetSupport.allCases.map(\.rawValue)),
        isRequired: false)
    /// `[numerics] synaptic_current`: `"none"` (the default) or `"decrement-shift"` (Xylo).
    public static let synapticCurrent = ProfileField(
        table: "numerics", key: "synaptic_current", rule: .choice(ChipProfile.SynapticCurrentSupport.allCases.map(\.rawValue)),
        isRequired: false)
    /// `[numerics] max_spikes_per_step`: spikes one neuron may send per step; optional (1).
    public static let maxSpikesPerStep = ProfileField(
        table: "numerics", key: "max_spikes_per_step", rule: .integer(1...255), isRequired: false)
    /// `[numerics] spike_delay_steps`: steps between a spike and its delivery; optional (0).
    public static let spikeDelaySteps = ProfileField(
        table: "numerics", key: "spike_delay_steps", rule: .integer(0...1), isRequired: false)
    /// `[numerics] max_weight_shift`: the largest left shift of a weight matrix; optional (0).
    public static let maxWeightShift = ProfileField(
        table: "numerics", key: "max_weight_shift", rule: .integer(0...15), unit: "bits", isRequired: false)
    /// `[numerics] max_input_events_per_step`: inputs are 0…N events per channel and step; optional.
    public static let maxInputEventsPerStep = ProfileField(
        table: "numerics", key: "max_input_events_per_step", rule: .integer(1...255), isRequired: false)

    // [timing]: cycle model
    /// `[timing] clock_hz`, Hz, greater than 0.
    public static let clockHz = ProfileField(
        table: "timing", key: "clock_hz", rule: .number(minimum: 0, exclusive: true), unit: "Hz")
    /// `[timing] cycles_per_row_fetch`.
    public static let cyclesPerRowFetch = cycles("cycles_per_row_fetch")
    /// `[timing] cycles_per_synaptic_op`.
    public static let cyclesPerSynapticOp = cycles("cycles_per_synaptic_op")
    /// `[timing] cycles_per_neuron_update`.
    public static let cyclesPerNeuronUpdate = cycles("cycles_per_neuron_update")
    /// `[timing] cycles_per_hop`.
    public static let cyclesPerHop = cycles("cycles_per_hop")
    /// `[timing] cycles_per_barrier`.
    public static let cyclesPerBarrier = cycles("cycles_per_barrier")
    /// `[timing] tick_hz`, time steps per second on a fixed timer; optional.
    public static let tickHz = ProfileField(
        table: "timing", key: "tick_hz", rule: .number(minimum: 0, exclusive: true), unit: "Hz", isRequired: false)

    // [energy]: energy model
    /// `[energy] e_synaptic_op_pj`, pJ.
    public static let synapticOpPJ = energy("e_synaptic_op_pj", unit: "pJ")
    /// `[energy] sop_includes_weight_read`.
    public static let synapticOpIncludesWeightRead = ProfileField(
        table: "energy", key: "sop_includes_weight_read", rule: .boolean)
    /// `[energy] e_neuron_update_pj`, pJ.
    public static let neuronUpdatePJ = energy("e_neuron_update_pj", unit: "pJ")
    /// `[energy] e_spike_route_pj`, pJ per hop.
    public static let spikeRoutePJ = energy("e_spike_route_pj", unit: "pJ")
    /// `[energy] e_memory_pj_per_byte`, pJ/B.
    public static let memoryPJPerByte = energy("e_memory_pj_per_byte", unit: "pJ/B")
    /// `[energy] static_power_mw`, mW for the whole chip.
    public static let staticPowerMW = energy("static_power_mw", unit: "mW")
    /// `[energy] e_mac_pj`, pJ per multiply-accumulate of the analog input layer (the encoder);
    /// optional, absent = those MACs cost `e_synaptic_op_pj`.
    public static let inputMACPJ = ProfileField(
        table: "energy", key: "e_mac_pj", rule: .number(minimum: 0, exclusive: false), unit: "pJ", isRequired: false)

    /// Every field, table by table, in the order a profile writes them.
    public static let all: [ProfileField] = [
        chipName, chipDescription, chipKind,
        coreCount, neuronsPerCore, synapseMemoryBytesPerCore, fanInPerCore, fanOutPerCore, maxFanInPerNeuron,
        maxFanOutPerNeuron, mapping, kernelMemoryPerCore, neuronMemoryPerCore, biasMemoryPerCore,
        weightBits, stateBits, indexBits, pointerBits, weightSharing, sparseStorage, thresholdCompare, leak, reset,
        axonTypes, axonTypeWeightBits, synapticCurrent, maxSpikesPerStep, spikeDelaySteps, maxWeightShift,
        maxInputEventsPerStep,
        clockHz, cyclesPerRowFetch, cyclesPerSynapticOp, cyclesPerNeuronUpdate, cyclesPerHop, cyclesPerBarrier,
        tickHz,
        synapticOpPJ, synapticOpIncludesWeightRead, neuronUpdatePJ, spikeRoutePJ, memoryPJPerByte, staticPowerMW,
        inputMACPJ,
    ]

    /// The fields of one table, in schema order.
    public static func fields(in table: String) -> [ProfileField] {
        all.filter { $0.table == table }
    }

    /// The field at `[table] key`, if the schema has one.
    public static func field(table: String, key: String) -> ProfileField? {
        all.first { $0.table == table && $0.key == key }
    }

    private static func cycles(_ key: String) -> ProfileField {
        ProfileField(table: "timing", key: key, rule: .number(minimum: 0, exclusive: false), unit: "cycles")
    }

    private static func energy(_ key: String, unit: String) -> ProfileField {
        ProfileField(table: "energy", key: key, rule: .number(minimum: 0, exclusive: false), unit: unit)
    }
}
