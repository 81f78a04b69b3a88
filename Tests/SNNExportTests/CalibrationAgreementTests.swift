import Foundation
import Testing
import SNNCompiler
import SNNIR
import SNNSimulator
@testable import SNNTrain

/// The compiler's calibrated estimates against what the simulator measures on the same images.
@Suite("Calibrated estimates")
struct CalibrationAgreementTests {
    /// Per synaptic layer: (estimated synaptic ops per image, simulated synaptic events per image).
    static func opsPerLayer(_ architecture: Architecture, perUnit: Bool) throws -> [(String, Double, Double)] {
        let size = architecture == .vgg16 ? 32 : 8
        let state = try Models.state(architecture, width: architecture == .small ? 0.25 : 1.0 / 16, size: size, prune: 0.6)
        let profile = DeploymentFileTests.profile
        let graph = try compile(DeploymentBridge.graph(from: state, name: "m"), for: profile)
        let simulator = try EventSimulator(graph)
        let images = Models.images(state, count: 6, seed: 9)
        let quantized = try (0..<6).map { try simulator.quantize(image: Models.image(images, $0)) }
        let result = try simulator.run(quantizedImages: quantized, options: BatchOptions(threads: 2, unitCounts: true))
        var calibration = result.calibration()
        if !perUnit { calibration.unitEvents = [:] }
        let estimated = try compile(DeploymentBridge.graph(from: state, name: "m"), for: profile, calibration: calibration)
        let rows = try #require(estimated.estimates).layers
        let measured = result.work.synapticEvents
        return rows.compactMap { row in
            guard let counts = measured[row.layer] else { return nil }
            return (row.layer, row.synapticOps, Double(counts.reduce(0, +)) / 6)
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

    @Test func theLayerMeanFanOutAloneMissesBorders() throws {
        // Without per-unit counts the estimate uses each layer's mean fan-out: close, not exact
        // (units near the zero padding reach fewer outputs). This is what per-unit counts fix.
        let rows = try Self.opsPerLayer(.vgg16, perUnit: false)
        let off = rows.filter { abs($0.1 - $0.2) > 1e-6 * max(1, $0.2) }
        #expect(!off.isEmpty)
    }

    @Test func unitCountsOfTheWrongSizeAreRejected() throws {
        let state = try Models.state(.small, width: 0.25, size: 8)
        let graph = try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile)
        let lif = try #require(graph.neuronGroups.first)
        var calibration = Calibration(images: 1, events: Dictionary(uniqueKeysWithValues: graph.neuronGroups.map {
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
        for (name, text) in [("zero.json", #"{"images": 0, "events": {}}"#),
                             ("negative.json", #"{"images": 2, "events": {"lif1": [-1, 1, 1, 1, 1]}}"#)] {
            let path = d.path + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try CLI.run(["export", checkpoint, "--target", "edge", "--calibration", path, "-o", d.path + "/m.snn.h5"])
            #expect(run.status == 1, "\(name): \(run.stderr)")
            #expect(run.stderr.contains("non-negative event counts"), "\(name): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: d.path + "/m.snn.h5"))
        }
    }
}
