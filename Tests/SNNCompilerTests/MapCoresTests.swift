import SNNIR
import Testing

@testable import SNNCompiler

@Suite("Core mapping")
struct MapCoresTests {
    /// fc1: 16 inputs → 8 hidden, fully dense weights of 1/8 (so every weight is non-zero).
    func lowered(_ profile: ChipProfile, hidden: Int = 8, inputs: Int = 16) throws -> Graph {
        let w = [Float](repeating: 0.125, count: hidden * inputs)
        let g = try IRFixtures.folded(IRFixtures.linearNet(fc1: w, inputs: inputs, hidden: hidden))
        return try lowerToCSR(quantize(g, for: profile))
    }

    func check(_ g: Graph, _ profile: ChipProfile) throws {
        let placement = try #require(g.placement)
        #expect(placement.cores.count <= profile.cores.count)
        for core in placement.cores {
            #expect(core.neuronCount <= profile.cores.neuronsPerCore)
            #expect(core.synapseBytes <= profile.cores.synapseMemoryBytesPerCore)
            #expect(core.fanIn <= profile.cores.fanInPerCore)
            #expect(core.fanOut <= profile.cores.fanOutPerCore)
        }
        // Every neuron of every population placed exactly once.
        for layer in g.layers where layer.op.kindName == "lif" || layer.name == g.layers.last?.name {
            let cores = placement.cores(of: layer.name)
            #expect(cores.reduce(0) { $0 + $1.neuronCount } == layer.unitCount)
            var next = 0
            for c in cores {
                #expect(c.neuronStart == next)
                next += c.neuronCount
            }
        }
    }

    @Test func splitsByNeuronsPerCore() throws {
        let profile = IRFixtures.profile(neuronsPerCore: 3)
        let g = try mapCores(lowered(profile), for: profile)
        try check(g, profile)
        #expect(g.placement?.cores(of: "lif1").map(\.neuronCount) == [3, 3, 2])
        #expect(g.placement?.cores(of: "lif0").count == 6)  // 16 neurons
    }

    @Test func splitsBySynapseMemory() throws {
        // 8 neurons × 16 inputs × (8 + 16) bits = 384 B plus pointers; 200 B per core forces a split.
        let profile = IRFixtures.profile(memory: 200)
        let g = try mapCores(lowered(profile), for: profile)
        try check(g, profile)
        let cores = try #require(g.placement?.cores(of: "lif1"))
        #expect(cores.count > 1)
        // One neuron: 16 × 24 bits + 17 × 32 bits = 116 B; the search finds the fewest cores.
        #expect(cores.count == 4)  // 2 neurons: 96 + 68 = 164 B fits; 3 neurons: 144 + 68 = 212 B does not
    }

    @Test func splitsByFanIn() throws {
        // The readout fc2 (8 → 2) has fan-in 8; lif1 reads 16 inputs.
        let profile = IRFixtures.profile(fanIn: 16)
        let g = try mapCores(lowered(profile), for: profile)
        try check(g, profile)
        let tight = IRFixtures.profile(fanIn: 15)
        #expect {
            try mapCores(lowered(tight), for: tight)
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .capacity && e.layer == "fc1" && e.limit == "[cores] fan_in_per_core = 15"
        }
    }

    @Test func splitsSourcesByFanOut() throws {
        // 120 B per core holds one lif1 neuron (116 B), so lif1 takes 8 cores and each lif0
        // neuron reaches all 8: 16 neurons on one core would drive 128 axons.
        let profile = IRFixtures.profile(neuronsPerCore: 1024, memory: 120, fanOut: 40)
        let g = try mapCores(lowered(profile), for: profile)
        try check(g, profile)
        let lif1 = try #require(g.placement?.cores(of: "lif1"))
        #expect(lif1.count == 8)
        let lif0 = try #require(g.placement?.cores(of: "lif0"))
        #expect(lif0.count == 4)  // 4 neurons × 8 destinations = 32 ≤ 40; 6 × 8 = 48 is too many
        #expect(lif0.map(\.fanOut) == [32, 32, 32, 32])
    }

    /// `coreDemand` gives every population the cores `mapCores` does, and says why, also when
    /// the target has too few cores to map them.
    @Test func coreDemandEqualsTheMappingAndNamesTheWeightsBehindTheExcess() throws {
        let roomy = IRFixtures.profile(neuronsPerCore: 1024, memory: 120, fanOut: 40)
        let mapped = try #require(try mapCores(lowered(roomy), for: roomy).placement)
        let demand = try #require(try coreDemand(lowered(roomy), for: roomy))
        for p in demand { #expect(p.cores == mapped.cores(of: p.population).count, "\(p.population)") }
        let lif1 = try #require(demand.first { $0.population == "lif1" })
        #expect(lif1.cores == 8 && lif1.neuronCores == 1 && lif1.limits == [.memory] && lif1.weightLayers == ["fc1"])
        let lif0 = try #require(demand.first { $0.population == "lif0" })
        #expect(lif0.cores == 4 && lif0.neuronCores == 1 && lif0.limits == [.fanOut] && lif0.consumers == ["fc1"])
        #expect(lif0.weightLayers == ["fc1"])  // fewer fc1 weights reach fewer lif1 cores
        #expect(demand.last?.limits == [] && demand.last?.weightLayers == [])
        // Four cores: mapCores stops at the core count; coreDemand still gives every population.
        let small = IRFixtures.profile(cores: 4, neuronsPerCore: 1024, memory: 120, fanOut: 40)
        #expect(throws: CompileError.self) { try mapCores(lowered(small), for: small) }
        #expect(try coreDemand(lowered(small), for: small) == demand)
    }

    @Test func aLayerThatCannotFitNamesTheLayerAndTheLimit() throws {
        let profile = IRFixtures.profile(memory: 100)  // one neuron needs 116 B
        #expect {
            try mapCores(lowered(profile), for: profile)
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .capacity && e.layer == "fc1"
                && e.limit == "[cores] synapse_memory_bytes_per_core = 100" && e.reason.contains("116")
        }
    }

    @Test func perNeuronFanInLimit() throws {
        let profile = IRFixtures.profile(maxFanInPerNeuron: 10)
        #expect {
            try mapCores(lowered(profile), for: profile)
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.layer == "fc1" && e.limit == "[cores] max_fan_in_per_neuron = 10" && e.reason.contains("16")
        }
    }

    /// The error gives the count the mapping takes, the one `coreDemand` gives the fit tables:
    /// 7 cores for the neurons alone, 11 once a fan-out of 4 cuts the sources finer (then the error
    /// says which population was cut and gives no lower bound).
    @Test(arguments: [
        (fanOut: 4096, demand: 7, present: ["needs 7 cores"], absent: ["cut finer"]),
        (
            fanOut: 4, demand: 11, present: ["the network needs 11 cores (largest: 'lif0' 8", "'lif0' cut finer"],
            absent: ["at least"]
        ),
    ])
    func tooFewCoresIsAnErrorWithTheMappingsCount(fanOut: Int, demand: Int, present: [String], absent: [String]) throws {
        let profile = IRFixtures.profile(cores: 4, neuronsPerCore: 4, fanOut: fanOut)
        let counted = try #require(try coreDemand(lowered(profile), for: profile)).reduce(0) { $0 + $1.cores }
        #expect(counted == demand)
        #expect {
            try mapCores(lowered(profile), for: profile)
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.limit == "[cores] cores = 4" && present.allSatisfy(e.reason.contains) && !absent.contains(where: e.reason.contains)
        }
    }

    @Test func weightSharingStoresTheKernelOncePerCore() throws {
        let shared = IRFixtures.profile(neuronsPerCore: 4)
        var g = try lowerToCSR(quantize(IRFixtures.folded(IRFixtures.convNet()), for: shared))
        g = try mapCores(g, for: shared)
        try check(g, shared)
        // lif1 = 2 channels × 4 positions: one channel per core, one kernel entry each.
        #expect(g.placement?.cores(of: "lif1").map(\.storedSynapses) == [1, 1])
        #expect(g.placement?.cores(of: "lif1").map(\.fanIn) == [1, 1])
        let unrolled = IRFixtures.profile(neuronsPerCore: 4, weightSharing: false)
        g = try mapCores(lowerToCSR(quantize(IRFixtures.folded(IRFixtures.convNet()), for: unrolled)), for: unrolled)
        #expect(g.placement?.cores(of: "lif1").map(\.storedSynapses) == [4, 4])
        #expect(g.placement?.cores(of: "lif1").map(\.fanIn) == [4, 4])
    }
}
