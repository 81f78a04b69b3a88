// Parameter initialisation matching PyTorch's defaults for Conv2d and Linear.

/// PyTorch's fan-in of a weight shaped `[out, in, k…]`: `in · Πk` (`in` for a Linear weight).
/// - Precondition: rank ≥ 2.
public func fanIn(ofWeightShape shape: [Int]) -> Int {
    precondition(shape.count >= 2, "fan-in needs a weight of rank >= 2, got \(shape)")
    return shape.dropFirst().reduce(1, *)
}

/// Uniform samples in `[-bound, bound)`, drawn from `rng` in row-major order.
public func uniformTensor(shape: [Int], bound: Float, rng: inout SeededRNG) -> Tensor {
    precondition(bound >= 0, "uniform bound must be non-negative, got \(bound)")
    var values = [Float]()
    values.reserveCapacity(shape.reduce(1, *))
    for _ in 0..<shape.reduce(1, *) { values.append(rng.nextFloat(in: -bound, bound)) }
    return Tensor(shape: shape, scalars: values)
}

/// PyTorch's default weight init for Conv2d/Linear: `kaiming_uniform_(w, a = √5)`, which is
/// `U(−b, b)` with `b = gain·√(3/fan_in)`, `gain = √(2/(1+a²)) = √(1/3)`, i.e. `b = 1/√fan_in`.
///
/// - shape: `[Cout, Cin, kH, kW]` or `[out, in]`; fan_in = `Cin·kH·kW` or `in`.
/// Draws come from `rng` in row-major order.
public func kaimingUniformWeight(shape: [Int], rng: inout SeededRNG) -> Tensor {
    let fan = fanIn(ofWeightShape: shape)
    precondition(fan > 0, "kaiming init of \(shape): zero fan-in")
    return uniformTensor(shape: shape, bound: 1 / Float(fan).squareRoot(), rng: &rng)
}

/// PyTorch's default bias init for Conv2d/Linear: `U(−1/√fan_in, 1/√fan_in)`, `[count]`.
public func defaultBias(count: Int, fanIn: Int, rng: inout SeededRNG) -> Tensor {
    precondition(fanIn > 0, "bias init: fan-in must be positive, got \(fanIn)")
    return uniformTensor(shape: [count], bound: 1 / Float(fanIn).squareRoot(), rng: &rng)
}
