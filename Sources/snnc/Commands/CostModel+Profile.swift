import SNNCompiler
import SNNSimulator

extension CostModel {
    /// The simulator's cost model of a chip profile: `[timing]` and `[energy]` field by field;
    /// memory bytes from `[numerics]` (sparse storage: a row pointer per row fetch and a weight
    /// plus a column index per synaptic op; dense storage: a weight per op).
    init(profile: ChipProfile) {
        let t = profile.timing, e = profile.energy, n = profile.numerics
        self.init(
            target: profile.name,
            timing: Timing(clockHz: t.clockHz, cyclesPerRowFetch: t.cyclesPerRowFetch,
                           cyclesPerSynapticOp: t.cyclesPerSynapticOp, cyclesPerNeuronUpdate: t.cyclesPerNeuronUpdate,
                           cyclesPerHop: t.cyclesPerHop, cyclesPerBarrier: t.cyclesPerBarrier, tickHz: t.tickHz),
            energy: Energy(synapticOpPJ: e.synapticOpPJ, synapticOpIncludesWeightRead: e.synapticOpIncludesWeightRead,
                           neuronUpdatePJ: e.neuronUpdatePJ, spikeRoutePJ: e.spikeRoutePJ,
                           memoryPJPerByte: e.memoryPJPerByte, staticPowerMW: e.staticPowerMW),
            memory: n.sparseStorage
                ? Memory(bytesPerRowFetch: Double(n.pointerBits) / 8, bytesPerSynapticOp: Double(n.weightBits + n.indexBits) / 8)
                : Memory(bytesPerRowFetch: 0, bytesPerSynapticOp: Double(n.weightBits) / 8))
    }
}
