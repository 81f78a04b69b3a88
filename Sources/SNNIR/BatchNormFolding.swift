extension BatchNormLayer {
    /// The weights and bias of the conv or linear layer before this batch norm with the batch
    /// norm folded in, using the running statistics and this layer's `epsilon`.
    ///
    /// For output channel `c` with `k = γ_c / sqrt(var_c + ε)` (computed in Double, ε widened from
    /// Float): `w'[c, …] = k · w[c, …]` and `b'_c = k · (b_c − mean_c) + β_c` (b = 0 without a
    /// bias). Weights are channel-major (conv `[Cout, …]`, linear `[out, in]`), so a pruned weight
    /// (0) stays exactly 0. The compiler's `foldBatchNorm` and the NIR exporter both fold this way.
    ///
    /// - Parameters:
    ///   - weight: the layer's float weights, `channels · perChannel` of them.
    ///   - bias: its bias per channel, or nil for none.
    /// - Precondition: `mean`, `variance`, `gamma`, `beta` (and `bias`) have one value per channel.
    public func folded(weight: [Float], bias: [Float]?) -> (weight: [Float], bias: [Float]) {
        let channels = mean.count
        precondition(
            variance.count == channels && gamma.count == channels && beta.count == channels
                && (bias?.count ?? channels) == channels, "batch norm statistics and bias differ in length")
        let perChannel = weight.count / max(channels, 1)
        var w = weight
        var b = bias ?? [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let k = scale(ofChannel: c)
            for j in c * perChannel..<(c + 1) * perChannel {
                w[j] = Float(k * Double(weight[j]))
            }
            b[c] = Float(k * (Double(b[c]) - Double(mean[c])) + Double(beta[c]))
        }
        return (w, b)
    }

    /// `γ_c / sqrt(var_c + ε)` in Double.
    private func scale(ofChannel c: Int) -> Double {
        Double(gamma[c]) / (Double(variance[c]) + Double(epsilon)).squareRoot()
    }
}
