import SNNIR

extension ParameterSet {
    /// The batch norm node `name` in evaluation form: its running statistics, γ (`<name>.weight`),
    /// β (`<name>.bias`) and `epsilon`; nil when a statistic or parameter is missing.
    public func batchNormLayer(_ name: String, epsilon: Float) -> BatchNormLayer? {
        guard let gamma = parameterIndex(name + ".weight"), let beta = parameterIndex(name + ".bias"),
            let mean = bufferIndex(name + ".running_mean"), let variance = bufferIndex(name + ".running_var")
        else {
            return nil
        }
        return BatchNormLayer(
            mean: buffers[mean].value.scalars, variance: buffers[variance].value.scalars,
            gamma: parameters[gamma].value.scalars, beta: parameters[beta].value.scalars, epsilon: epsilon)
    }
}
