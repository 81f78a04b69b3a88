import SNNIR

extension ChipProfile {
    /// The cost figures of this profile: its `[timing]` and `[energy]` as they are; memory bytes
    /// from `[numerics]` (sparse storage: a row pointer per row fetch and a weight plus a column
    /// index per synaptic op; dense storage: a weight per op).
    public var costs: TargetCosts {
        let n = numerics
        return TargetCosts(
            target: name, timing: timing, energy: energy,
            memory: n.sparseStorage
                ? .init(bytesPerRowFetch: Double(n.pointerBits) / 8, bytesPerSynapticOp: Double(n.weightBits + n.indexBits) / 8)
                : .init(bytesPerRowFetch: 0, bytesPerSynapticOp: Double(n.weightBits) / 8))
    }
}
