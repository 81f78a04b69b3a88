// Per-unit factors and the neuron input transform `gain · x + offset`.

/// `y[n, i] = x[n, i] · factors[i]`: every row of `x` (`[N, …]` with `factors.count` units per
/// row) multiplied elementwise by the same factors. Also the backward (the same product on dy).
/// - Precondition: `x.count` is a multiple of `factors.count`.
public func scaleUnits(_ x: Tensor, by factors: [Float]) -> Tensor {
    let units = factors.count
    precondition(units > 0 && x.count % units == 0, "cannot scale \(x.shape) by \(units) factors")
    var y = x.scalars
    for i in y.indices { y[i] *= factors[i % units] }
    return Tensor(shape: x.shape, scalars: y)
}

/// `y = gain · x + offset` elementwise (the product rounded first, then the sum).
public func affineElementwise(_ x: Tensor, gain: Float, offset: Float) -> Tensor {
    Tensor(shape: x.shape, scalars: x.scalars.map { gain * $0 + offset })
}
