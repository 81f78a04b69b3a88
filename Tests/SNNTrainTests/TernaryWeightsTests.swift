import SNNIR
import SNNTensor
import Testing

@testable import SNNTrain

/// `--ternary-weights`: the ternary-weight-network rule per output unit, masks respected, the
/// rule's fixed point, and the straight-through gradient (the ternary network's weight gradients
/// are the float network's at the ternary weights).
@Suite("Ternary weights")
struct TernaryWeightsTests {
    @Test func ruleThresholdsAtSevenTenthsOfTheMeanAndAveragesWhatIsAbove() {
        // mean 2.5, Δ = 1.75; above it 2, 3, 4 → α = 3.
        let (delta, alpha) = TernaryRule.unit(magnitudes: [1, 2, 3, 4])
        #expect(abs(delta - 1.75) < 1e-12)
        #expect(alpha == 3)
        #expect(TernaryRule.unit(magnitudes: []) == (0, 0))
    }

    @Test func eachUnitGetsItsOwnScaleAndPrunedWeightsStayZero() {
        // Two units of four weights; the second unit's last weight is pruned (and large).
        let value = Tensor(shape: [2, 4], scalars: [1, -2, 3, -4, 0.5, 0.5, -0.1, 100])
        let mask = Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 1, 1, 1, 0])
        let parameter = Parameter(name: "fc.weight", role: .weight, value: value, mask: mask)
        let ternary = TernaryWeights.ternarize(parameter)
        // Unit 0: Δ = 1.75, α = 3. Unit 1 (kept 0.5, 0.5, 0.1): Δ = 0.7·0.3667 = 0.2567, α = 0.5.
        #expect(ternary.scalars == [0, -3, 3, -3, 0.5, 0.5, 0, 0])
        // The rule's fixed point: ternary weights are their own ternary form.
        let again = TernaryWeights.ternarize(Parameter(name: "fc.weight", role: .weight, value: ternary, mask: mask))
        #expect(again.scalars == ternary.scalars)
    }

    @Test func gradientsPassStraightThroughTheTernaryWeights() throws {
        var spec = ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 8, inputWidth: 8, classes: 3, timeSteps: 2)
        spec.neuronModel = .if
        spec.resetMode = .subtract
        var ternarySpec = spec
        ternarySpec.ternaryWeights = true
        let floatGraph = try LayerGraph(spec)
        let ternaryGraph = try LayerGraph(ternarySpec)
        var rng = SeededRNG(seed: 5)
        let parameters = ParameterSet(graph: ternaryGraph, scheme: .pytorch, rng: &rng)
        // The float network at the ternarised weights computes what the ternary network computes.
        var atTernary = parameters
        for (i, p) in parameters.parameters.enumerated() where p.role == .weight {
            atTernary.parameters[i].value = TernaryWeights.ternarize(p)
        }
        #expect(atTernary.parameters != parameters.parameters)

        var images = Tensor.zeros([4, 1, 8, 8])
        for i in images.scalars.indices { images.scalars[i] = rng.nextFloat(in: 0, 2) }
        let labels: [Int32] = [0, 1, 2, 1]
        func gradients(_ graph: LayerGraph, _ start: ParameterSet) -> (logits: Tensor, grads: [Tensor]) {
            var network = Network(graph: graph, parameters: start)
            var scratch = start
            let pass = network.forward(images, parameters: &scratch, training: true)
            let (_, dLogits, _) = Trainer.loss(pass.logits, labels: labels, timeSteps: 2)
            return (pass.logits, network.backward(pass, dLogits: dLogits, parameters: start))
        }
        let ternary = gradients(ternaryGraph, parameters)
        let reference = gradients(floatGraph, atTernary)
        #expect(ternary.logits.scalars == reference.logits.scalars)
        #expect(ternary.grads.map(\.scalars) == reference.grads.map(\.scalars))
        #expect(ternary.grads.contains { g in g.scalars.contains { $0 != 0 } })
    }
}
