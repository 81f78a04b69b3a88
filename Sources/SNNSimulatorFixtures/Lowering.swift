import SNNIR

/// The fan-out tables of integer weights, built the way SNNIR documents them. The compiler's
/// `lowerToCSR` owns this job; fixtures need their own copy to build lowered graphs by hand.
public enum FixtureLowering {
    /// Kernel CSR of conv weights `[Cout, Cin, kH, kW]`: row `ci`, column `(co·kH + ky)·kW + kx`.
    public static func kernelCSR(_ w: [Int32], outChannels: Int, inChannels: Int, kernelH: Int, kernelW: Int) -> CSRMatrix<Int32> {
        let columns = outChannels * kernelH * kernelW
        var dense = [Int32](repeating: 0, count: inChannels * columns)
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                for ky in 0..<kernelH {
                    for kx in 0..<kernelW {
                        dense[ci * columns + (co * kernelH + ky) * kernelW + kx] = w[((co * inChannels + ci) * kernelH + ky) * kernelW + kx]
                    }
                }
            }
        }
        return CSRMatrix(dense: dense, rows: inChannels, columns: columns)
    }

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
    public static func weights(_ values: [Int32], shape: [Int], bias: [Int32]?, fanout: CSRMatrix<Int32>,
                               bits: Int = 8) -> SynapticWeights {
        let kept = values.filter { $0 != 0 }.count
        let stats = QuantizationStats(keptWeights: kept, clippedWeights: 0, zeroedWeights: 0, clippedBias: 0,
                                      biasCount: bias?.count ?? 0, maxWeightError: 0)
        let quantized = QuantizedSynapses(values: values, bias: bias, bits: bits, weightScale: 1, eventScale: 1,
                                          stateScale: 1, stats: stats)
        return SynapticWeights(weight: DenseTensor(shape: shape, values: values.map(Float.init)),
                               bias: bias.map { $0.map(Float.init) }, mask: values.map { $0 != 0 },
                               quantized: quantized, fanout: fanout)
    }
}
