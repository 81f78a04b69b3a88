import SNNIR

/// Quantised, lowered weights for graphs built by hand (the compiler's `quantize` and `lowerToCSR`
/// build them for compiled ones). The fan-out tables come from SNNIR's layouts
/// (`LinearCSRLayout`, `IdentityCSRLayout`, `KernelCSRLayout`), as `lowerToCSR`'s do.
public enum FixtureLowering {
    /// Weights of a layer whose float values are the integers themselves (scale 1), quantised
    /// and lowered.
    public static func weights(
        _ values: [Int32], shape: [Int], bias: [Int32]?, fanout: CSRMatrix<Int32>,
        bits: Int = 8
    ) -> SynapticWeights {
        let kept = values.filter { $0 != 0 }.count
        let stats = QuantizationStats(
            keptWeights: kept, clippedWeights: 0, zeroedWeights: 0, clippedBias: 0,
            biasCount: bias?.count ?? 0, maxWeightError: 0)
        let quantized = QuantizedSynapses(
            values: values, bias: bias, bits: bits, weightScale: 1, eventScale: 1,
            stateScale: 1, stats: stats)
        return SynapticWeights(
            weight: DenseTensor(shape: shape, values: values.map(Float.init)),
            bias: bias.map { $0.map(Float.init) }, mask: values.map { $0 != 0 },
            quantized: quantized, fanout: fanout)
    }
}
