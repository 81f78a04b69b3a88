import SNNIR
import SNNTensor

/// Ternary weights for models trained with `--ternary-weights`: the forward pass computes with
/// each output unit's weights through `TernaryRule` (`sign(w)·α` above `Δ`, else 0), and the
/// backward pass hands the gradient with respect to those weights to the float weights unchanged
/// (the straight-through estimator of ternary weight networks). Pruned weights (mask 0) stay 0
/// and do not count in Δ and α, as in the compiler's `TernaryWeights`, so a ternary-trained model
/// deploys to a ternary chip (TrueNorth) with the weights it was trained with.
public enum TernaryWeights {
    /// The ternary form of `parameter`'s weight, `[units, …]` (conv `[Cout, Cin, kH, kW]`, linear
    /// `[out, in]`); unit j is the j-th slice along the first axis.
    public static func ternarize(_ parameter: Parameter) -> Tensor {
        let value = parameter.value
        let units = max(value.shape.first ?? 1, 1)
        let perUnit = max(value.count / units, 1)
        let mask = parameter.mask?.scalars
        var out = [Float](repeating: 0, count: value.count)
        for j in 0..<units {
            let range = (j * perUnit)..<min((j + 1) * perUnit, value.count)
            var magnitudes: [Double] = []
            magnitudes.reserveCapacity(range.count)
            for i in range where (mask?[i] ?? 1) != 0 && value.scalars[i] != 0 {
                magnitudes.append(abs(Double(value.scalars[i])))
            }
            let (threshold, magnitude) = TernaryRule.unit(magnitudes: magnitudes)
            let alpha = Float(magnitude)
            for i in range where (mask?[i] ?? 1) != 0 && abs(Double(value.scalars[i])) > threshold {
                out[i] = value.scalars[i] < 0 ? -alpha : alpha
            }
        }
        return Tensor(shape: value.shape, scalars: out)
    }
}

extension ParameterSet {
    /// The weight layer `name` computes with: the stored `name.weight`, or its ternary form when
    /// `ternary` (a `--ternary-weights` model). Export and NIR export use it, so they write the
    /// weights the model was trained to compute with.
    public func computedWeight(_ name: String, ternary: Bool) -> Tensor {
        let parameter = self[name + ".weight"]
        return ternary ? TernaryWeights.ternarize(parameter) : parameter.value
    }
}
