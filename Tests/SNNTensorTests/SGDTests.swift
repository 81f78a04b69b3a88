import Testing

@testable import SNNTensor

extension SNNTensorTests { @Suite struct SGDTests {} }

extension SNNTensorTests.SGDTests {
    @Test func momentumAndWeightDecayMatchPyTorchFormulas() {
        let config = SGDConfig(learningRate: 0.5, momentum: 0.9, weightDecay: 0.1)
        var w = Tensor(shape: [2], scalars: [1, -2])
        var buf: Tensor? = nil
        // Step 1: g = grad + 0.1·w = (0.2 + 0.1, 0.4 − 0.2) = (0.3, 0.2); buf = g; w −= 0.5·buf.
        sgdStep(weight: &w, gradient: Tensor(shape: [2], scalars: [0.2, 0.4]), momentumBuffer: &buf, config: config)
        expectClose(buf!.scalars, [0.3, 0.2], atol: 1e-7, rtol: 1e-6, "buffer after step 1")
        expectClose(w.scalars, [0.85, -2.1], atol: 1e-7, rtol: 1e-6, "weight after step 1")
        // Step 2: g = (−0.1 + 0.085, 0 − 0.21) = (−0.015, −0.21); buf = 0.9·buf + g.
        sgdStep(weight: &w, gradient: Tensor(shape: [2], scalars: [-0.1, 0]), momentumBuffer: &buf, config: config)
        expectClose(buf!.scalars, [0.27 - 0.015, 0.18 - 0.21], atol: 1e-7, rtol: 1e-6, "buffer after step 2")
        expectClose(w.scalars, [0.85 - 0.5 * 0.255, -2.1 + 0.5 * 0.03], atol: 1e-6, rtol: 1e-6, "weight after step 2")
    }

    @Test func maskKeepsPrunedWeightsAndBuffersAtZero() {
        let config = SGDConfig(learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4)
        var w = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        let mask = Tensor(shape: [4], scalars: [1, 0, 1, 0])
        var buf: Tensor? = nil
        for step in 0..<3 {
            sgdStep(
                weight: &w, gradient: Tensor(repeating: Float(step + 1), shape: [4]),
                momentumBuffer: &buf, mask: mask, config: config)
            #expect(w.scalars[1] == 0 && w.scalars[3] == 0)
            #expect(buf!.scalars[1] == 0 && buf!.scalars[3] == 0)
            #expect(w.scalars[0] != 0 && w.scalars[2] != 0)
        }
        // Kept weights follow the unmasked update exactly.
        var free = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        var freeBuf: Tensor? = nil
        for step in 0..<3 {
            sgdStep(
                weight: &free, gradient: Tensor(repeating: Float(step + 1), shape: [4]),
                momentumBuffer: &freeBuf, config: config)
        }
        #expect(w.scalars[0] == free.scalars[0] && w.scalars[2] == free.scalars[2])
    }

    @Test func plainSGDKeepsNoBuffer() {
        var w = Tensor(shape: [2], scalars: [1, 1])
        var buf: Tensor? = nil
        sgdStep(
            weight: &w, gradient: Tensor(shape: [2], scalars: [1, -1]), momentumBuffer: &buf,
            config: SGDConfig(learningRate: 0.25, momentum: 0))
        #expect(buf == nil)
        #expect(w.scalars == [0.75, 1.25])
    }
}
