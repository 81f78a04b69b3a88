import SNNIR
import Testing

@testable import SNNCompiler

/// Hand counts on `IRFixtures.convNet()`: input [1, 2, 2] → conv1 (1×1, 2 channels, encoder) →
/// lif1 (8 neurons) → flatten → fc (8 → 2, 13 non-zero weights), T = 3, edge-like profile
/// (8-bit weights, 16-bit indices, 32-bit pointers, 6 pJ/SOP, 10 pJ/update, 3 pJ/hop).
@Suite("Estimates")
struct EstimateTests {
    func estimated(_ calibration: Calibration?) throws -> Estimates {
        let profile = IRFixtures.profile()
        let g = try compile(IRFixtures.convNet(), for: profile, calibration: calibration)
        return try #require(g.estimates)
    }

    @Test func matchHandCountsWithCalibration() throws {
        let e = try estimated(Calibration(images: 4, events: ["lif1": [2, 1, 3]]))
        #expect(e.activity == .calibrated(images: 4))
        #expect(e.layers.map(\.layer) == ["conv1", "fc"])
        let conv = e.layers[0]
        let fc = e.layers[1]

        // conv1: 2 kernel entries × 4 positions; the encoder reads the 4 analog inputs once.
        #expect(conv.weights == 2 && conv.nonZeroWeights == 2 && conv.synapses == 8 && conv.connections == 8)
        #expect(conv.synapticOps == 8 && conv.structuralOps == 8)
        #expect(conv.neurons == 8 && conv.cores == 1 && conv.neuronUpdates == 24)
        #expect(conv.outputSpikesPerStep == 2)  // (2 + 1 + 3) / 3
        #expect(conv.routedSpikes == 6 && conv.hops == 6)  // one destination core, one hop away
        #expect(conv.csrBytes == 14 && conv.denseBytes == 2)  // (2·24 + 2·32)/8; 2·8/8
        #expect(conv.bytesMovedCSR == 40 && conv.bytesMovedDense == 8)
        #expect(conv.energy.synapticOps == 48 && conv.energy.neuronUpdates == 240 && conv.energy.routing == 18)
        #expect(abs(conv.energy.memory - 72) < 1e-9 && !conv.energy.memoryIncluded)

        // fc: 6 input spikes per inference × 13/8 non-zero fan-out.
        #expect(fc.weights == 16 && fc.nonZeroWeights == 13 && fc.synapses == 13 && fc.connections == 16)
        #expect(fc.inputEventsPerStep == 2)
        #expect(fc.synapticOps == 9.75 && fc.structuralOps == 12)
        #expect(fc.neurons == 2 && fc.neuronUpdates == 6 && fc.routedSpikes == 0)
        #expect(fc.csrBytes == 75 && fc.denseBytes == 16)  // (13·24 + 9·32)/8; 16·8/8
        #expect(fc.bytesMovedCSR == 53.25 && fc.bytesMovedDense == 12)

        #expect(e.cores == 2 && e.neurons == 10 && e.synapses == 21)
        #expect(abs(e.energy.dynamic - 424.5) < 1e-9)
        // Cycles per step: conv1 (16 + 8 + 96 + 12)/3 = 44, fc (19.5 + 12 + 24)/3 = 18.5, barrier 50.
        #expect(abs(e.cyclesPerStep - 112.5) < 1e-9)
        #expect(abs(e.latencySeconds - 3.375e-6) < 1e-15)
        #expect(abs(e.staticEnergyPJ - 10_800) < 1e-6)
    }

    @Test func withoutCalibrationTheEstimateIsLabelledStructureOnly() throws {
        let e = try estimated(nil)
        #expect(e.activity == .assumedRate(0.1))
        #expect(e.activity.label.contains("structure only"))
        #expect(abs(e.layers[1].inputEventsPerStep - 0.8) < 1e-12)
    }

    @Test func calibrationMustCoverEveryStepAndGroup() throws {
        #expect(throws: CompileError.self) { try estimated(Calibration(images: 1, events: ["lif1": [1, 2]])) }
        #expect(throws: CompileError.self) { try estimated(Calibration(images: 1, events: [:])) }
    }

    /// With `[energy] e_mac_pj` the encoder's 8 MACs cost 20 pJ each, not the 6 pJ of a synaptic
    /// op; the fc layer's spike-driven ops keep the synaptic-op price.
    @Test func encoderMACsAreChargedAtTheInputMACPrice() throws {
        var profile = IRFixtures.profile()
        profile.energy.inputMACPJ = 20
        let g = try compile(IRFixtures.convNet(), for: profile, calibration: Calibration(images: 4, events: ["lif1": [2, 1, 3]]))
        let e = try #require(g.estimates)
        let conv = e.layers[0]
        let fc = e.layers[1]
        #expect(conv.synapticOps == 8)
        #expect(conv.energy.inputMACs == 160 && conv.energy.synapticOps == 0)
        #expect(fc.energy.inputMACs == 0 && fc.energy.synapticOps == 9.75 * 6)
        #expect(e.energy.inputMACs == 160)
        // 424.5 at the SOP price: the 8 MACs add 8 · (20 − 6) = 112.
        #expect(abs(e.energy.dynamic - 536.5) < 1e-9)
        #expect(e.costs?.energy.inputMACPJ == 20)
    }

    @Test func tickRateBoundsTheLatency() throws {
        let profile = IRFixtures.profile(tickHz: 1000)
        let g = try compile(IRFixtures.convNet(), for: profile)
        #expect(g.estimates?.latencySeconds == 0.003)
    }
}
