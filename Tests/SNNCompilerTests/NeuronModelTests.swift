import SNNIR
import Testing

@testable import SNNCompiler

/// Integrate-and-fire groups and the subtractive reset through the folding and quantisation passes.
@Suite("Neuron models: IF and subtractive reset")
struct NeuronModelTests {
    let fc1: [Float] = [1.0 / 64, 3.0 / 64, 5.0 / 64, -3.0 / 64, 127.0 / 32, 0]

    /// The graph with every neuron group replaced: `tau: nil` makes them integrate-and-fire.
    func withNeurons(_ g: Graph, tau: Float?, reset: ResetMode) -> Graph {
        var g = g
        for i in g.layers.indices {
            guard case .lif(let lif) = g.layers[i].op else { continue }
            g.layers[i].op = .lif(LIFGroup(tau: tau, threshold: lif.threshold, resetMode: reset))
        }
        return g
    }

    func profile(leak: ChipProfile.Leak, reset: ChipProfile.ResetSupport, compare: ChipProfile.ThresholdCompare = .greaterOrEqual)
        -> ChipProfile
    {
        var p = IRFixtures.profile(compare: compare, leak: leak)
        p.numerics.reset = reset
        return p
    }

    @Test func integrateAndFireFoldsNoGainAndQuantisesWithoutLeak() throws {
        let net = withNeurons(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), tau: nil, reset: .zero)
        let folded = try IRFixtures.folded(net)
        // A LIF with τ = 2 would halve fc1; an IF group takes its input as it is.
        #expect(IRFixtures.weights(folded, "fc1")?.weight.values == fc1)
        for leak in ChipProfile.Leak.allCases {
            let g = try quantize(folded, for: profile(leak: leak, reset: .zero))
            let n = try #require(IRFixtures.neurons(g, "lif1"))
            #expect(n.decay == .none && n.decayError == 0 && n.reset == .toValue(0), "leak \(leak)")
        }
    }

    @Test(arguments: [ChipProfile.ThresholdCompare.greaterOrEqual, .greater])
    func subtractiveResetRemovesTheFloatThreshold(compare: ChipProfile.ThresholdCompare) throws {
        let net = withNeurons(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), tau: 2, reset: .subtract)
        let g = try quantize(IRFixtures.folded(net), for: profile(leak: .multiply12, reset: .zeroOrSubtract, compare: compare))
        let n = try #require(IRFixtures.neurons(g, "lif1"))
        // Threshold 1 at state scale 1/64 is 64 units; a `>` target compares with 63 but still
        // subtracts the 64 units of the float model's threshold.
        #expect(n.reset == .subtract(64))
        #expect(n.threshold == (compare == .greater ? 63 : 64))
        #expect(n.reset.after(100) == 36)
    }

    @Test func aTargetWithoutTheResetRefusesTheLayer() throws {
        let net = withNeurons(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), tau: 2, reset: .subtract)
        #expect {
            try quantize(IRFixtures.folded(net), for: profile(leak: .multiply12, reset: .zero))
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .leak && e.layer == "lif0" && e.limit == "[numerics] reset = \"zero\""
                && e.reason.contains("subtracting the threshold") && e.hint?.contains("--reset zero") == true
        }
        let hard = withNeurons(IRFixtures.linearNet(fc1: fc1, inputs: 3, hidden: 2), tau: nil, reset: .zero)
        #expect(throws: CompileError.self) { try quantize(IRFixtures.folded(hard), for: profile(leak: .subtract, reset: .subtract)) }
    }

    @Test func integrateAndFireCompilesForSpeck() throws {
        let speck = try ChipProfile.load(from: Repository.targets + "/speck.toml")
        #expect(speck.numerics.reset == .zeroOrSubtract)
        let g = try compile(withNeurons(IRFixtures.convNet(), tau: nil, reset: .subtract), for: speck)
        let n = try #require(IRFixtures.neurons(g, "lif1"))
        #expect(n.decay == .none)
        guard case .subtract = n.reset else {
            Issue.record("expected a subtractive reset, got \(n.reset)")
            return
        }
    }
}

/// TrueNorth-style weights: one synapse bit selecting a per-neuron signed value by axon type.
@Suite("Weights signed by axon type")
struct AxonTypeWeightTests {
    func profile() -> ChipProfile {
        var p = IRFixtures.profile(weightBits: 1, sparse: false, leak: .subtract)
        p.numerics.reset = .zeroOrSubtract
        p.numerics.axonTypes = 4
        p.numerics.axonTypeWeightBits = 9
        return p
    }

    func ifNet() -> Graph {
        var g = IRFixtures.linearNet(
            fc1: [0.9, -0.1, 0.5, -0.6, 0.05, 0.3], inputs: 3, hidden: 2, fc2: [0.4, -0.8, 0.2, 0.6])
        for i in g.layers.indices {
            if case .lif(let lif) = g.layers[i].op { g.layers[i].op = .lif(LIFGroup(tau: nil, threshold: lif.threshold)) }
        }
        return g
    }

    @Test func eachNeuronKeepsOnePositiveAndOneNegativeValue() throws {
        let g = try quantize(IRFixtures.folded(ifNet()), for: profile())
        let q = try #require(IRFixtures.weights(g, "fc1")?.quantized)
        // Unit 0: |w| = 0.9, 0.1, 0.5, mean 0.5, Δ = 0.35: keeps 0.9 and 0.5 at α = 0.7; unit 1:
        // |w| = 0.6, 0.05, 0.3, Δ ≈ 0.222: keeps −0.6 and 0.3 at α = 0.45.
        #expect(q.values[1] == 0 && q.values[4] == 0)
        #expect(q.values[0] == q.values[2] && q.values[0] > 0)
        #expect(q.values[3] == -q.values[5] && q.values[5] > 0)
        #expect(abs(Double(q.values[0]) * q.weightScale - 0.7) <= q.weightScale / 2 + 1e-9)
        #expect(abs(Double(q.values[5]) * q.weightScale - 0.45) <= q.weightScale / 2 + 1e-9)
        // Values are 9-bit registers, not 1-bit ones.
        #expect(q.values.allSatisfy { abs($0) <= 255 })
    }

    @Test func everyInputTakesTwoAxons() throws {
        let g = try compile(ifNet(), for: profile())
        let fc1 = try #require(g.placement?.cores.first { $0.population == "lif1" })
        // Input 1 (weights −0.1 and 0.05) is ternarised away; inputs 0 and 2 take two axons each.
        #expect(fc1.fanIn == 2 * 2)
        var plain = profile()
        plain.numerics.axonTypes = nil
        #expect(throws: CompileError.self) { try compile(ifNet(), for: plain) }
    }
}
