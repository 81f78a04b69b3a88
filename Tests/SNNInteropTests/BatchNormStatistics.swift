import SNNTensor
import SNNTrain

extension TrainingState {
    /// Sets every batch norm's running statistics: element `i` of a `running_var` buffer becomes
    /// `variance(i)`, element `i` of every other buffer (the running means) `mean(i)`, so that
    /// folding is exercised with known, non-trivial values.
    mutating func setBatchNormStatistics(variance: (Int) -> Float, mean: (Int) -> Float) {
        for i in parameters.buffers.indices {
            let n = parameters.buffers[i].value.count
            let value = parameters.buffers[i].name.hasSuffix("running_var") ? variance : mean
            parameters.buffers[i].value = Tensor(shape: [n], scalars: (0..<n).map(value))
        }
    }
}
