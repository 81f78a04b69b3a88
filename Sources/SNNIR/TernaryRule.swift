/// The ternary-weight-network rule (Li, Zhang & Liu 2016, "Ternary weight networks") for one
/// output unit: weights whose magnitude is above `Δ = 0.7·mean|w|` (mean over the unit's kept,
/// non-zero weights) become `sign(w)·α`, with `α` the mean magnitude above `Δ`; the rest become 0.
///
/// One rule for both sides: the compiler ternarises each neuron's weights for chips whose synapses
/// are one bit with a per-neuron value picked by axon type (TrueNorth), and `snnc train
/// --ternary-weights` trains through the same rule, so a ternary-trained model is deployed as it
/// was trained (the rule is idempotent: the ternary weights of ternary weights are themselves, and
/// scaling a unit by a batch-norm fold scales its Δ and α alike).
public enum TernaryRule {
    /// Δ and α of one unit from the magnitudes of its kept, non-zero weights (both 0 when there are
    /// none).
    public static func unit(magnitudes: [Double]) -> (threshold: Double, magnitude: Double) {
        guard !magnitudes.isEmpty else { return (0, 0) }
        let threshold = 0.7 * magnitudes.reduce(0, +) / Double(magnitudes.count)
        var sum = 0.0
        var count = 0
        for m in magnitudes where m > threshold {
            sum += m
            count += 1
        }
        return (threshold, count == 0 ? 0 : sum / Double(count))
    }
}
