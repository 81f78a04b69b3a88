extension ChipProfile {
    /// The value of `field` as TOML, or nil for an optional field that is not set.
    ///
    /// This is the inverse of loading: writing these values under their tables and loading the
    /// text gives back an equal profile.
    public func value(of field: ProfileField) -> TOMLValue? {
        switch field {
        case .chipName: .string(name)
        case .chipDescription: .string(description)
        case .chipKind: .string(kind.rawValue)
        case .coreCount: .integer(Int64(cores.count))
        case .neuronsPerCore: .integer(Int64(cores.neuronsPerCore))
        case .synapseMemoryBytesPerCore: .integer(Int64(cores.synapseMemoryBytesPerCore))
        case .fanInPerCore: .integer(Int64(cores.fanInPerCore))
        case .fanOutPerCore: .integer(Int64(cores.fanOutPerCore))
        case .maxFanInPerNeuron: cores.maxFanInPerNeuron.map { .integer(Int64($0)) }
        case .maxFanOutPerNeuron: cores.maxFanOutPerNeuron.map { .integer(Int64($0)) }
        case .mapping: cores.mapping == .split ? nil : .string(cores.mapping.rawValue)
        case .kernelMemoryPerCore: cores.kernelMemoryPerCore.map { .array($0.map { .integer(Int64($0)) }) }
        case .neuronMemoryPerCore: cores.neuronMemoryPerCore.map { .array($0.map { .integer(Int64($0)) }) }
        case .biasMemoryPerCore: cores.biasMemoryPerCore.map { .array($0.map { .integer(Int64($0)) }) }
        case .weightBits: .integer(Int64(numerics.weightBits))
        case .stateBits: .integer(Int64(numerics.stateBits))
        case .indexBits: .integer(Int64(numerics.indexBits))
        case .pointerBits: .integer(Int64(numerics.pointerBits))
        case .weightSharing: .boolean(numerics.weightSharing)
        case .sparseStorage: .boolean(numerics.sparseStorage)
        case .thresholdCompare: .string(numerics.thresholdCompare.rawValue)
        case .leak: .string(numerics.leak.rawValue)
        case .reset: .string(numerics.reset.rawValue)
        case .axonTypes: numerics.axonTypes.map { .integer(Int64($0)) }
        case .synapticCurrent: numerics.synapticCurrent == .none ? nil : .string(numerics.synapticCurrent.rawValue)
        case .maxSpikesPerStep: numerics.maxSpikesPerStep.map { .integer(Int64($0)) }
        case .spikeDelaySteps: numerics.spikeDelaySteps.map { .integer(Int64($0)) }
        case .maxWeightShift: numerics.maxWeightShift.map { .integer(Int64($0)) }
        case .maxInputEventsPerStep: numerics.maxInputEventsPerStep.map { .integer(Int64($0)) }
        case .axonTypeWeightBits: numerics.axonTypeWeightBits.map { .integer(Int64($0)) }
        case .clockHz: .float(timing.clockHz)
        case .cyclesPerRowFetch: .float(timing.cyclesPerRowFetch)
        case .cyclesPerSynapticOp: .float(timing.cyclesPerSynapticOp)
        case .cyclesPerNeuronUpdate: .float(timing.cyclesPerNeuronUpdate)
        case .cyclesPerHop: .float(timing.cyclesPerHop)
        case .cyclesPerBarrier: .float(timing.cyclesPerBarrier)
        case .tickHz: timing.tickHz.map { .float($0) }
        case .synapticOpPJ: .float(energy.synapticOpPJ)
        case .synapticOpIncludesWeightRead: .boolean(energy.synapticOpIncludesWeightRead)
        case .neuronUpdatePJ: .float(energy.neuronUpdatePJ)
        case .spikeRoutePJ: .float(energy.spikeRoutePJ)
        case .memoryPJPerByte: .float(energy.memoryPJPerByte)
        case .staticPowerMW: .float(energy.staticPowerMW)
        case .inputMACPJ: energy.inputMACPJ.map { .float($0) }
        default: preconditionFailure("ChipProfile.value(of:): \(field) is not in the schema")
        }
    }

    /// The profile as TOML text in schema order, with `estimated` lists (no source comments).
    public func tomlText() -> String {
        var lines: [String] = []
        for table in ProfileField.tables {
            if !lines.isEmpty { lines.append("") }
            lines.append("[\(table)]")
            let fields = ProfileField.fields(in: table)
            for field in fields {
                if let value = value(of: field) { lines.append("\(field.key) = \(value.tomlText)") }
            }
            let estimated = fields.filter(isEstimate).map { TOMLValue.quoted($0.key) }
            if !estimated.isEmpty {
                lines.append("\(ProfileField.estimatedKey) = [\(estimated.joined(separator: ", "))]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
