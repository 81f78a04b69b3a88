import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// The cycle and energy model on tiny placed networks equals counts made by hand.
@Suite struct CostModelTests {
    /// Round numbers so every product is checkable by hand.
    static let model = CostModel(
        target: "hand",
        timing: .init(
            clockHz: 1000, cyclesPerRowFetch: 2, cyclesPerSynapticOp: 3, cyclesPerNeuronUpdate: 5,
            cyclesPerHop: 7, cyclesPerBarrier: 11),
        energy: .init(
            synapticOpPJ: 1, synapticOpIncludesWeightRead: false, neuronUpdatePJ: 2, spikeRoutePJ: 4,
            memoryPJPerByte: 0.5, staticPowerMW: 1),
        memory: .init(bytesPerRowFetch: 4, bytesPerSynapticOp: 3))

    static func core(_ id: Int, _ population: String, _ start: Int = 0, _ count: Int = 1) -> CoreAllocation {
        CoreAllocation(
            core: id, population: population, neuronStart: start, neuronCount: count, storedSynapses: 0,
            synapseBytes: 0, fanIn: 0, fanOut: 0)
    }

    /// The `>=` chain with `a` on core 0 (0,0), `b` on core 3 (1,1), the readout on core 1 (1,0).
    /// `a` fires at steps 2 and 5, `b` right after it in the same steps.
    /// - step 0: a: encoder packet (fetch 2 + op 3, no hops) + update 5 = 10; b: 0; readout:
    ///   update 5 (bias); + barrier 11 → 26
    /// - steps 1, 3, 4: a 5 + readout 5 + 11 → 21
    /// - steps 2, 5: a 5; b: fetch 2 + op 3 + 2 hops·7 + update 5 = 24; readout: fetch 2 + op 3
    ///   + 1 hop·7 + update 5 = 17; + 11 → 57
    @Test func chainCyclesAndEnergyMatchHandCounts() throws {
        var graph = TinyNetworks.chain(compareB: .greaterOrEqual)
        graph.placement = Placement(cores: [Self.core(0, "a"), Self.core(3, "b"), Self.core(1, "readout")], meshWidth: 2)
        let cost = try #require(try EventSimulator(graph, cost: Self.model).run(quantizedImage: [3]).cost)
        #expect(cost.cyclesPerStep == [26, 21, 57, 21, 21, 57])
        #expect(cost.cycles == 203)
        #expect(abs(cost.latencySeconds - 0.203) < 1e-12)
        #expect(cost.rowFetches == 5)  // encoder 1, a→b 2, b→readout 2
        #expect(cost.hops == 6)  // 2·2 + 2·1
        #expect(cost.synapticOps == 5)
        #expect(cost.neuronUpdates == 14)  // a 6, b 2, readout 6
        #expect(cost.energy.synapticOps == 5)
        #expect(cost.energy.inputMACs == 0)  // no input MAC price: the encoder's op is a synaptic op
        #expect(cost.energy.neuronUpdates == 28)
        #expect(cost.energy.routing == 24)
        #expect(cost.energy.memory == 17.5)  // (5·4 + 5·3) bytes · 0.5 pJ
        #expect(cost.energy.memoryIncluded)
        #expect(abs(cost.energy.staticEnergy - 2.03e8) < 1)  // 1 mW · 0.203 s
        #expect(abs(cost.energy.dynamic - (5 + 28 + 24 + 17.5)) < 1e-9)
    }

    /// With an input MAC price, the encoder's one MAC costs it (10 pJ) and only the other 4 ops
    /// cost the synaptic-op price; counts, cycles and memory do not change.
    @Test func encoderMACsCostTheInputMACPrice() throws {
        var graph = TinyNetworks.chain(compareB: .greaterOrEqual)
        graph.placement = Placement(cores: [Self.core(0, "a"), Self.core(3, "b"), Self.core(1, "readout")], meshWidth: 2)
        var model = Self.model
        model.energy.inputMACPJ = 10
        let cost = try #require(try EventSimulator(graph, cost: model).run(quantizedImage: [3]).cost)
        #expect(cost.synapticOps == 5 && cost.cycles == 203 && cost.energy.memory == 17.5)
        #expect(cost.energy.synapticOps == 4)
        #expect(cost.energy.inputMACs == 10)
        #expect(abs(cost.energy.dynamic - (4 + 10 + 28 + 24 + 17.5)) < 1e-9)
    }

    /// `b` split over core 3 (1,1) and core 2 (0,1): each `a` spike is two packets (2 and 1
    /// hops), and `b`'s phase is its busiest core (24 = 2 + 3 + 14 + 5), not the sum (41). The
    /// readout on core 1 (1,0) receives two packets per step (1 and 2 hops):
    /// 4 + 6 + 21 + 5 = 36. Steps 2 and 5: 5 + 24 + 36 + 11 = 76.
    @Test func coresOfOnePopulationRunInParallel() throws {
        let graph = TinyNetworks.placedChain()
        let cost = try #require(try EventSimulator(graph, cost: Self.model).run(quantizedImage: [3]).cost)
        #expect(cost.cyclesPerStep == [26, 21, 76, 21, 21, 76])
        #expect(cost.rowFetches == 9)
        #expect(cost.hops == 12)
        #expect(cost.synapticOps == 9)
        #expect(cost.neuronUpdates == 16)
        #expect(cost.energy.memory == 31.5)
    }

    /// A timer-driven chip: each step lasts at least one tick.
    @Test func tickBoundsTheStepTime() throws {
        var model = Self.model
        model.timing.tickHz = 10
        let cost = try #require(try EventSimulator(TinyNetworks.placedChain(), cost: model).run(quantizedImage: [3]).cost)
        #expect(cost.secondsPerStep == Array(repeating: 0.1, count: 6))
        #expect(abs(cost.latencySeconds - 0.6) < 1e-12)
    }

    /// When the per-op energy includes the weight read, memory is reported but not added.
    @Test func memoryEnergyIsReportedBesideAnInclusiveOpEnergy() throws {
        var model = Self.model
        model.energy.synapticOpIncludesWeightRead = true
        let cost = try #require(try EventSimulator(TinyNetworks.placedChain(), cost: model).run(quantizedImage: [3]).cost)
        #expect(cost.energy.memory == 31.5)
        #expect(!cost.energy.memoryIncluded)
        #expect(cost.energy.dynamic == cost.energy.synapticOps + cost.energy.neuronUpdates + cost.energy.routing)
    }

    /// Without a placement every population gets its own core, on a ⌈√n⌉-wide mesh.
    @Test func defaultPlacementIsOneCorePerPopulation() throws {
        let simulator = try EventSimulator(TinyNetworks.chain(compareB: .greaterOrEqual), cost: Self.model)
        let placement = try #require(simulator.placement)
        #expect(placement.meshWidth == 2)
        #expect(placement.cores.map(\.population) == ["a", "b", "readout"])
        #expect(placement.cores.map(\.core) == [0, 1, 2])
    }

    /// The cost model's synaptic ops equal the simulator's own count on a real-sized network.
    @Test func chargedOpsEqualCountedEvents() throws {
        let graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: 0.3, seed: 4))
        let image = SyntheticImages.make(count: 1, shape: graph.layers[0].shape, seed: 4)[0]
        let result = try EventSimulator(graph, cost: Self.model).run(quantizedImage: image)
        let cost = try #require(result.cost)
        #expect(cost.synapticOps == result.work?.synapticEvents.total)
        #expect(cost.neuronUpdates == result.work?.neuronUpdates.total)
    }
}
