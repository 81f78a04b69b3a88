import SNNCompiler
import SNNSimulator

extension CostModel {
    /// The simulator's cost model of a chip profile: its `[timing]` and `[energy]` as they are;
    /// memory bytes from `[numerics]` (sparse storage: a row pointer per row fetch and a weight
    /// plus a column index per synaptic op; dense storage: a weight per op).
    init(profile: ChipProfile) {
        let n = profile.numerics
        self.init(
            target: profile.name, timing: profile.timing, energy: profile.energy,
            memory: n.sparseStorage
                ? Memory(bytesPerRowFetch: Double(n.pointerBits) / 8, bytesPerSynapticOp: Double(n.weightBits + n.indexBits) / 8)
                : Memory(bytesPerRowFetch: 0, bytesPerSynapticOp: Double(n.weightBits) / 8))
    }
}
