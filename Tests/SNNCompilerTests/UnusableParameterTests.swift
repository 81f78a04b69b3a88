import SNNIR
import Testing

@testable import SNNCompiler

/// A model whose parameters are not finite (a damaged file, a diverged run) is refused by
/// `compile` with the layer named, before quantisation would trap converting NaN to an integer.
@Suite struct UnusableParameterTests {
    static func refusal(_ graph: Graph) -> CompileError? {
        do {
            _ = try compile(graph, for: IRFixtures.profile())
            return nil
        } catch {
            return error
        }
    }

    @Test func theFixtureCompiles() {
        #expect(Self.refusal(IRFixtures.convNet()) == nil)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aNonFiniteWeightIsRefusedWithTheLayer(_ bad: Float) throws {
        var fc = (0..<16).map { Float($0 % 5 - 2) / 8 }
        fc[3] = bad
        let error = try #require(Self.refusal(IRFixtures.convNet(fc: fc)))
        #expect(error.kind == .unsupportedGraph && error.layer == "fc" && error.reason.contains("weight entry 3"), "\(error)")
    }

    @Test func aNonFiniteBiasOrTauIsRefused() throws {
        let bias = try #require(Self.refusal(IRFixtures.convNet(convBias: [0, .nan])))
        #expect(bias.layer == "conv1" && bias.reason.contains("bias entry 1"), "\(bias)")
        let tau = try #require(Self.refusal(IRFixtures.convNet(tau: .nan)))
        #expect(tau.layer == "lif1" && tau.reason.contains("tau"), "\(tau)")
    }

    @Test func aMaskOfAnotherSizeIsRefused() throws {
        var graph = IRFixtures.convNet()
        guard case .linear(var fc) = graph.layers[4].op else {
            Issue.record("layer 4 is not the readout")
            return
        }
        fc.weights.mask = [true, false]
        graph.layers[4].op = .linear(fc)
        let error = try #require(Self.refusal(graph))
        #expect(error.layer == "fc" && error.reason.contains("mask has 2 entries"), "\(error)")
    }
}
