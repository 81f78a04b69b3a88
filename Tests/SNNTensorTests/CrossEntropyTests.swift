import Foundation
import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct CrossEntropyTests {} }

extension SNNTensorTests.CrossEntropyTests {
    @Test func handCase() {
        // Row 0: equal logits → loss ln 2; row 1: logits (ln 3, 0), label 1 → p = 1/4, loss ln 4.
        let logits = Tensor(shape: [2, 2], scalars: [0, 0, Float(log(3.0)), 0])
        let (loss, d) = softmaxCrossEntropy(logits: logits, labels: [0, 1])
        #expect(abs(loss - Float((log(2.0) + log(4.0)) / 2)) < 1e-6)
        expectClose(d.scalars, [(0.5 - 1) / 2, 0.5 / 2, 0.75 / 2, (0.25 - 1) / 2], atol: 1e-7, rtol: 1e-6, "dLogits")
    }

    @Test func stableForHugeLogits() {
        let logits = Tensor(shape: [1, 3], scalars: [1000, 1000, -1000])
        let (loss, d) = softmaxCrossEntropy(logits: logits, labels: [1])
        #expect(abs(loss - Float(log(2.0))) < 1e-6)
        #expect(d.scalars == [0.5, -0.5, 0])
    }

    @Test func gradientMatchesFiniteDifferences() {
        let logits = randomTensor([5, 7], seed: 1, range: 3)
        let labels: [Int32] = [0, 6, 3, 3, 1]
        let (_, d) = softmaxCrossEntropy(logits: logits, labels: labels)
        // Rows of (softmax − onehot)/N sum to zero.
        for row in 0..<5 { #expect(abs(d.scalars[row * 7..<(row + 1) * 7].reduce(0, +)) < 1e-6) }
        expectGradientMatches(
            analytic: d.scalars,
            numeric: finiteDifferenceGradient(at: logits, step: 1e-2) {
                Double(softmaxCrossEntropy(logits: $0, labels: labels).loss)
            }, atol: 2e-4, rtol: 2e-3, "cross-entropy dLogits")
        #expect(argmaxRows(Tensor(shape: [2, 3], scalars: [1, 3, 3, -1, -2, -0.5])) == [1, 2])
    }
}
