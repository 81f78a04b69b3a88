import SNNIR

/// The fan-out tables of integer weights, built the way SNNIR documents them, for lowered graphs
/// built by hand (the compiler's `lowerToCSR` builds them for compiled ones). Conv kernels use
/// SNNIR's `KernelCSRLayout`.
public enum FixtureLowering {
    /// `Wᵀ` of linear weights `[out, in]`: row = input unit, column = output unit.
    public static func linearCSR(_ w: [Int32], outFeatures: Int, inFeatures: Int) -> CSRMatrix<Int32> {
        CSRMatrix(dense: w, rows: outFeatures, columns: inFeatures).transposed()
    }

    /// The diagonal table of identity gains.
    public static func identityCSR(_ gains: [Int32]) -> CSRMatrix<Int32> {
        var dense = [Int32](repeating: 0, count: gains.count * gains.count)
        for (i, g) in gains.enumerated() { dense[i * gains.count + i] = g }
        return CSRMatrix(dense: dense, rows: gains.count, columns: gains.count)
    }

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
