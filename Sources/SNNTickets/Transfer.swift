import SNNTrain

/// Moving a ticket between networks that share parameter names (an ANN and its SNN twin).
public enum Transfer {
    /// The parameters of `target` with `mask` installed by parameter name and, if `values` is
    /// given, every parameter's value (weights, biases, BN γ/β) copied from `values` by name.
    /// BatchNorm running statistics stay `target`'s.
    /// - Throws: `SearchConfigError` when a name or shape of `target` has no match.
    public static func move(mask: WeightMask, values: ParameterSet?, onto target: ParameterSet) throws -> ParameterSet {
        var result = target
        if let values {
            for i in result.parameters.indices {
                let p = result.parameters[i]
                guard let j = values.parameterIndex(p.name), values.parameters[j].value.shape == p.value.shape else {
                    throw SearchConfigError("the source network has no parameter '\(p.name)' of shape \(p.value.shape)")
                }
                result.parameters[i].value = values.parameters[j].value
            }
        }
        let layout = PrunableLayout(result)
        var bits: [UInt8] = []
        bits.reserveCapacity(layout.total)
        for (name, shape) in zip(layout.names, layout.shapes) {
            guard let l = mask.layout.names.firstIndex(of: name), mask.layout.shapes[l] == shape else {
                throw SearchConfigError("the mask has no weight '\(name)' of shape \(shape)")
            }
            bits.append(contentsOf: mask.bits[mask.layout.range(of: l)])
        }
        WeightMask(layout: layout, bits: bits).apply(to: &result)
        return result
    }
}
