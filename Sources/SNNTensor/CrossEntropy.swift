// Softmax cross-entropy loss on class logits (PyTorch F.cross_entropy, reduction "mean").
import Foundation

/// Mean softmax cross-entropy and its gradient.
///
/// - logits: `[N, K]`; labels: `N` class indices in `0..<K`
/// - returns `loss = (1/N) Σ_n (logsumexp(z_n) − z_n[label_n])` and
///   `dLogits = (softmax(z) − onehot(label)) / N`, `[N, K]`.
///
/// Stable: each row is shifted by its maximum before exponentiating; row sums and the mean are
/// accumulated in Double. - Precondition: N ≥ 1, K ≥ 1, labels in range.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int32]) -> (loss: Float, dLogits: Tensor) {
    precondition(logits.rank == 2, "cross-entropy logits must be [N, K], got \(logits.shape)")
    let n = logits.shape[0]
    let k = logits.shape[1]
    precondition(n >= 1 && k >= 1, "cross-entropy needs N, K >= 1, got \(logits.shape)")
    precondition(labels.count == n, "cross-entropy: \(labels.count) labels for \(n) rows")
    precondition(labels.allSatisfy { $0 >= 0 && Int($0) < k }, "cross-entropy label out of 0..<\(k)")
    var total = 0.0
    let invN = 1 / Double(n)
    let grad = Tensor(shape: logits.shape) { out in
        logits.scalars.withUnsafeBufferPointer { zb in
            let z = zb.baseAddress!
            let g = out.baseAddress!
            for row in 0..<n {
                let zr = z + row * k
                let gr = g + row * k
                var m = zr[0]
                for j in 1..<k where zr[j] > m { m = zr[j] }
                var sum = 0.0
                for j in 0..<k {
                    let e = exp(Double(zr[j] - m))
                    sum += e
                    gr[j] = Float(e)  // unnormalised, rescaled below
                }
                let label = Int(labels[row])
                total += Double(m) + log(sum) - Double(zr[label])
                let scale = invN / sum
                for j in 0..<k { gr[j] = Float(Double(gr[j]) * scale) }
                gr[label] -= Float(invN)
            }
        }
    }
    return (Float(total * invN), grad)
}

/// The predicted class of each row of `logits` `[N, K]`: the index of its first maximum.
public func argmaxRows(_ logits: Tensor) -> [Int32] {
    precondition(logits.rank == 2 && logits.shape[1] >= 1, "argmaxRows needs [N, K>=1], got \(logits.shape)")
    let n = logits.shape[0]
    let k = logits.shape[1]
    return logits.scalars.withUnsafeBufferPointer { zb in
        (0..<n).map { row in
            let z = zb.baseAddress! + row * k
            var best = 0
            for j in 1..<k where z[j] > z[best] { best = j }
            return Int32(best)
        }
    }
}
