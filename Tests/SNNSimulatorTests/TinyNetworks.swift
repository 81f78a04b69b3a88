import SNNIR
import SNNSimulatorFixtures

/// Hand-sized networks whose every spike and cost is worked out in the tests' comments.
enum TinyNetworks {
    /// pixel → encoder 1×1 (w 10) → LIF `a` (threshold 39, >=) → linear (w 30) → LIF `b`
    /// (threshold 30, `compareB`) → readout (w 5, bias 1). Leak `>> 2` everywhere.
    static func chain(compareB: ThresholdCompare, stateBits: Int = 16, timeSteps: Int = 6) -> Graph {
        var b = NetworkBuilder(input: [1, 1, 1], timeSteps: timeSteps)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [10], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: 39, stateBits: stateBits), name: "a")
        let fc = b.linear(a, outFeatures: 1, weights: [30], name: "fc")
        let lifB = b.lif(fc, neurons: .fixture(threshold: 30, compare: compareB, stateBits: stateBits), name: "b")
        b.linear(lifB, outFeatures: 1, weights: [5], bias: [1], name: "readout")
        return b.graph(name: "chain")
    }

    /// pixel → encoder 1×1 (w 1) → LIF `a` (threshold `threshold`, `stateBits` bits) → readout (w 1).
    static func saturation(threshold: Int32, stateBits: Int) -> Graph {
        var b = NetworkBuilder(input: [1, 1, 1], timeSteps: 3)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [1], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: threshold, stateBits: stateBits), name: "a")
        b.linear(a, outFeatures: 1, weights: [1], name: "readout")
        return b.graph(name: "saturation")
    }

    /// The chain with `b` doubled (two neurons, linear weights [30, 30]) and a 1-output readout
    /// (weights [5, 5], bias 1), placed on a 2-wide mesh: `a` on core 0 (0,0), `b` split over
    /// core 3 (1,1) and core 2 (0,1), the readout on core 1 (1,0).
    static func placedChain() -> Graph {
        var b = NetworkBuilder(input: [1, 1, 1], timeSteps: 6)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [10], name: "enc")
        let a = b.lif(enc, neurons: .fixture(threshold: 39), name: "a")
        let fc = b.linear(a, outFeatures: 2, weights: [30, 30], name: "fc")
        let lifB = b.lif(fc, neurons: .fixture(threshold: 30), name: "b")
        b.linear(lifB, outFeatures: 1, weights: [5, 5], bias: [1], name: "readout")
        func core(_ id: Int, _ population: String, _ start: Int, _ count: Int) -> CoreAllocation {
            CoreAllocation(
                core: id, population: population, neuronStart: start, neuronCount: count, storedSynapses: 0,
                synapseBytes: 0, fanIn: 0, fanOut: 0)
        }
        let placement = Placement(
            cores: [core(0, "a", 0, 1), core(1, "readout", 0, 1), core(2, "b", 1, 1), core(3, "b", 0, 1)],
            meshWidth: 2)
        return b.graph(name: "placed-chain", placement: placement)
    }
}
