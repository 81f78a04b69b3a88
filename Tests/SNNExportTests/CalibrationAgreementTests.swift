import Foundation
import SNNCompiler
import SNNIR
import SNNSimulator
import Testing

@testable import SNNTrain

/// The compiler's calibrated estimates against what the simulator measures on the same images.
@Suite("Calibrated estimates")
struct CalibrationAgreementTests {
    /// A compiled model, the simulator's measurement on six images (with per-unit counts) and
    /// the simulated synaptic events per image of each synaptic layer.
    struct Measurement {
        var state: TrainingState
        var graph: Graph
        var calibration: Calibration
        var simulated: [String: Double]

        /// The estimate rows of the model compiled with `calibration`.
        func estimateRows(_ calibration: Calibration) throws -> [LayerEstimate] {
            let estimated = try compile(
                DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile,
                calibration: calibration)
            return try #require(estimated.estimates).layers
        }
    }

    static func measure(_ architecture: Architecture) throws -> Measurement {
        let size = architecture == .vgg16 ? 32 : 8
        let state = try Models.state(architecture, width: architecture == .small ? 0.25 : 1.0 / 16, size: size, prune: 0.6)
        let graph = try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile)
        let simulator = try EventSimulator(graph)
        let images = Models.images(state, count: 6, seed: 9)
        let quantized = try (0..<6).map { try simulator.quantize(image: Models.image(images, $0)) }
        let result = try simulator.run(quantizedImages: quantized, options: BatchOptions(threads: 2, unitCounts: true))
        let events = result.work.synapticEvents
        let simulated = Dictionary(
            uniqueKeysWithValues: events.layers.compactMap { name in
                events[name].map { (name, Double($0.reduce(0, +)) / 6) }
            })
        return Measurement(state: state, graph: graph, calibration: result.calibration(), simulated: simulated)
    }

    /// Per synaptic layer: (estimated synaptic ops per image, simulated synaptic events per image).
    static func opsPerLayer(_ architecture: Architecture, perUnit: Bool) throws -> [(String, Double, Double)] {
        let measurement = try measure(architecture)
        var calibration = measurement.calibration
        if !perUnit { calibration.unitEvents = [:] }
        return try measurement.estimateRows(calibration).compactMap { row in
            measurement.simulated[row.layer].map { (row.layer, row.synapticOps, $0) }
        }
    }

    @Test(arguments: [Architecture.vgg16, .resnet19, .small])
    func perUnitCalibrationGivesTheSimulatedSynapticEvents(_ architecture: Architecture) throws {
        let rows = try Self.opsPerLayer(architecture, perUnit: true)
        #expect(rows.count > 3)
        var total = (estimated: 0.0, simulated: 0.0)
        for (layer, estimated, simulated) in rows {
            #expect(abs(estimated - simulated) <= 1e-9 * max(1, simulated), "\(architecture) \(layer): \(estimated) vs \(simulated)")
            total.estimated += estimated
            total.simulated += simulated
        }
        #expect(total.simulated > 0)
    }

    @Test func theLayerMeanEstimateIsTheEventsTimesTheMeanFanOut() throws {
        // Without per-unit counts a layer reading E events per image is estimated at
        // E · synapses / inputs (its mean fan-out; Estimate.swift), where the simulator does
        // Σ_u e_u · fanout(u). Both are computed here from the layer's integer weights and the
        // measured unit counts e_u: the estimate misses by exactly Σ_u e_u · (mean − fanout(u)),
        // which is not zero where units near the zero padding reach fewer outputs.
        let measurement = try Self.measure(.vgg16)
        var layerMean = measurement.calibration
        layerMean.unitEvents = [:]
        let rows = try measurement.estimateRows(layerMean)
        let close = { (a: Double, b: Double) in abs(a - b) <= 1e-9 * max(1, abs(b)) }
        var checked = 0
        var missed = 0
        for row in rows {
            let layer = try #require(measurement.graph.layer(named: row.layer))
            let fanOut = try Self.fanOut(of: layer)
            let synapses = fanOut.reduce(0, +)
            #expect(row.synapses == synapses, "\(row.layer)")
            let mean = Double(synapses) / Double(fanOut.count)
            if case .conv(let conv) = layer.op, conv.encoder {
                // The encoder reads every analog input once: E = inputs, so the estimate is every synapse.
                #expect(close(row.synapticOps, Double(synapses)), "\(row.layer): \(row.synapticOps) vs \(synapses)")
                continue
            }
            let units = try #require(Self.unitEvents(feeding: layer, measurement), "no unit counts for \(row.layer)'s input")
            try #require(units.count == fanOut.count)
            let events = units.reduce(0, +)
            let simulated = zip(units, fanOut).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            let miss = zip(units, fanOut).reduce(0.0) { $0 + $1.0 * (mean - Double($1.1)) }
            #expect(close(row.synapticOps, events * mean), "\(row.layer): \(row.synapticOps) vs \(events * mean)")
            #expect(close(try #require(measurement.simulated[row.layer]), simulated), "\(row.layer)")
            #expect(abs(row.synapticOps - simulated - miss) <= 1e-9 * max(1, simulated), "\(row.layer)")
            checked += 1
            if abs(miss) > 1e-6 * max(1, simulated) { missed += 1 }
        }
        #expect(checked == rows.count - 1)
        #expect(missed > 0, "no layer of the padded VGG16 has border units that spike")
    }

    /// Each input unit's number of non-zero integer synapses (its unrolled fan-out), counted
    /// from the weights and the convolution geometry, independently of the compiler.
    static func fanOut(of layer: Layer) throws -> [Int] {
        switch layer.op {
        case .linear(let linear):
            let w = try #require(linear.weights.quantized).values
            let n = linear.inFeatures
            return (0..<n).map { i in (0..<linear.outFeatures).reduce(0) { $0 + (w[$1 * n + i] != 0 ? 1 : 0) } }
        case .identity(let identity):
            return try #require(identity.weights.quantized).values.map { $0 != 0 ? 1 : 0 }
        case .conv(let conv):
            let w = try #require(conv.weights.quantized).values
            let g = conv.geometry
            let cin = conv.inChannels
            let height = conv.inputShape[1]
            let width = conv.inputShape[2]
            // Does input row/column `position` reach an output through kernel offset `k`?
            func reaches(_ position: Int, _ k: Int, stride: Int, pad: Int, outputs: Int) -> Bool {
                let offset = position + pad - k
                return offset >= 0 && offset % stride == 0 && offset / stride < outputs
            }
            var result = [Int](repeating: 0, count: cin * height * width)
            for ci in 0..<cin {
                for y in 0..<height {
                    for x in 0..<width {
                        var count = 0
                        for co in 0..<conv.outChannels {
                            for ky in 0..<g.kernelH where reaches(y, ky, stride: g.strideH, pad: g.padH, outputs: conv.outputShape[1]) {
                                for kx in 0..<g.kernelW where reaches(x, kx, stride: g.strideW, pad: g.padW, outputs: conv.outputShape[2]) {
                                    if w[((co * cin + ci) * g.kernelH + ky) * g.kernelW + kx] != 0 { count += 1 }
                                }
                            }
                        }
                        result[(ci * height + y) * width + x] = count
                    }
                }
            }
            return result
        default:
            Issue.record("'\(layer.name)' is not a synaptic layer")
            return []
        }
    }

    /// The measured per-unit events per image of the layer `layer` reads (through a flatten).
    static func unitEvents(feeding layer: Layer, _ measurement: Measurement) -> [Double]? {
        var name = layer.inputs.first
        while let current = name {
            if let counts = measurement.calibration.unitEvents[current] { return counts }
            guard let source = measurement.graph.layer(named: current), case .flatten = source.op else { return nil }
            name = source.inputs.first
        }
        return nil
    }

    @Test func unitCountsOfTheWrongSizeAreRejected() throws {
        let state = try Models.state(.small, width: 0.25, size: 8)
        let graph = try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile)
        let lif = try #require(graph.neuronGroups.first)
        var calibration = Calibration(
            images: 1,
            events: Dictionary(
                uniqueKeysWithValues: graph.neuronGroups.map {
                    ($0.name, Array(repeating: 1.0, count: graph.timeSteps))
                }))
        calibration.unitEvents[lif.name] = [1, 2, 3]
        #expect {
            try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile, calibration: calibration)
        } throws: { error in
            "\(error)".contains("3 unit counts for a layer of \(lif.unitCount) units")
        }
    }

    @Test func aCalibrationFileWithoutImagesOrWithNegativeCountsIsRejected() throws {
        let d = try TemporaryDirectory()
        let checkpoint = try CLITests.checkpoint(in: d)
        for (name, text) in [
            ("zero.json", #"{"images": 0, "events": {}}"#),
            ("negative.json", #"{"images": 2, "events": {"lif1": [-1, 1, 1, 1, 1]}}"#),
        ] {
            let path = d.path + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try CLI.run(["export", checkpoint, "--target", "edge", "--calibration", path, "-o", d.path + "/m.snn.h5"])
            #expect(run.status == 1, "\(name): \(run.stderr)")
            #expect(run.stderr.contains("non-negative event counts"), "\(name): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: d.path + "/m.snn.h5"))
        }
        // A malformed file is described in the user's terms: the key, the place.
        for (text, expected) in [
            (#"{"images": 2}"#, "the top level has no key 'events'"),
            (#"{"images": 2, "events": {"lif1": "x"}}"#, "'events.lif1' is not a list"),
            (#"{"images": 2.5, "events": {}}"#, "a value has the wrong type (\"images\" is a whole number"),
            ("images", "not JSON"),
        ] {
            let path = d.path + "/bad.json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try CLI.run(["export", checkpoint, "--target", "edge", "--calibration", path, "-o", d.path + "/m.snn.h5"])
            #expect(run.status == 1 && run.stderr.contains("the calibration file is not valid: \(expected)"), "\(text): \(run.stderr)")
            #expect(!run.stderr.contains("CodingKeys"), "\(run.stderr)")
        }
    }
}
