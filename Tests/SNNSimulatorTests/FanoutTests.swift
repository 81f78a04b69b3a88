import SNNIR
import SNNSimulatorFixtures
import Testing

@testable import SNNSimulator

/// The regrouped conv tables: the O(1) count of the synapses a border event reaches equals a
/// walk over its buckets, and every synapse lands where the IR's geometry says.
@Suite struct FanoutTests {
    static func convs(_ graph: Graph) -> [ConvFanout] {
        (try? EventSimulator(graph))?.plan.projections.compactMap { if case .conv(let f) = $0.fanout { f } else { nil } } ?? []
    }

    @Test(arguments: [1.0, 0.3])
    func prefixCountsEqualBucketWalks(density: Double) throws {
        let graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: density, seed: 12))
        let flat = Self.convs(graph).filter { $0.flat != nil }
        #expect(!flat.isEmpty)
        for f in flat {
            guard let rows = f.flat else { continue }
            for ci in 0..<f.input.channels {
                for y in 0..<f.input.height {
                    for x in 0..<f.input.width {
                        #expect(
                            rows.reached(channel: ci, y: y, x: x, kernelH: f.kernelH, kernelW: f.kernelW)
                                == f.reachedSynapses(channel: ci, y: y, x: x))
                    }
                }
            }
        }
    }

    /// Every (input, output) pair `forEachSynapse` yields satisfies `o·stride − pad + k = i` for
    /// the kernel offset the weight was stored under.
    @Test func synapsesFollowTheGeometry() throws {
        var b = NetworkBuilder(input: [2, 5, 6], timeSteps: 1)
        let weights = (0..<(3 * 2 * 3 * 3)).map { Int32($0 + 1) }
        let conv = b.conv("input", outChannels: 3, kernel: 3, stride: 2, pad: 1, weights: weights)
        let lif = b.lif(conv, neurons: .fixture(threshold: 1))
        b.linear(lif, outFeatures: 1, weights: Array(repeating: 1, count: 3 * 3 * 3))
        let f = try #require(Self.convs(b.graph()).first)
        for unit in 0..<f.input.count {
            let position = unit / 2
            let ci = unit % 2
            let y = position / 6
            let x = position % 6
            f.forEachSynapse(ofUnit: unit) { target, w in
                let co = target % 3
                let outPosition = target / 3
                let oy = outPosition / 3
                let ox = outPosition % 3
                let ky = y + 1 - 2 * oy
                let kx = x + 1 - 2 * ox
                #expect((0..<3).contains(ky) && (0..<3).contains(kx))
                #expect(w == weights[((co * 2 + ci) * 3 + ky) * 3 + kx])
            }
        }
    }
}

/// Division by multiplication equals `/` and `%` over the index range the kernels use.
@Suite struct DivisorTests {
    @Test(arguments: [1, 2, 3, 7, 8, 10, 64, 96, 100, 512, 1000, 4095, 65_537, 1 << 20, (1 << 31) - 1])
    func equalsIntegerDivision(divisor: Int) {
        let d = Divisor(divisor)
        var rng = SplitMix64(seed: UInt64(divisor))
        let samples =
            [0, 1, divisor - 1, divisor, divisor + 1, (1 << 32) - 1, (1 << 31) - 1]
            + (0..<2000).map { _ in Int(rng.next() % (1 << 32)) }
        for n in samples where n >= 0 {
            #expect(d.split(n) == (n / divisor, n % divisor), "\(n) / \(divisor)")
        }
    }
}
