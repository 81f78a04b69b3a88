import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import Testing

@testable import SNNTrain

/// Writes the files `scripts/interop-check.sh` hands to Python (`nir.read`, scipy): a pruned VGG
/// checkpoint (the script exports it with the CLI) and deployment files of a ResNet (identity
/// shortcuts, average pool) and the small net (average pools between convs). With
/// `SNNC_INTEROP_DIR` unset it writes to a temporary folder. Either way it reads every file back
/// and checks, on the Swift side, what the Python check relies on.
@Suite("Interop fixtures")
struct InteropFixtureTests {
    @Test func writeInteropFixtures() throws {
        let temporary = try TemporaryDirectory()
        let directory = ProcessInfo.processInfo.environment["SNNC_INTEROP_DIR"] ?? temporary.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeCheckpoint(to: directory + "/interop-vgg.h5")
        let edge = try ChipProfile.load(from: Repository.targets + "/edge.toml")
        for (name, state) in [
            ("resnet", try Models.state(.resnet19, width: 1.0 / 32, size: 8, prune: 0.5)),
            ("small", try Models.state(.small, width: 0.25, size: 8, prune: 0.5)),
        ] {
            let graph = try compile(DeploymentBridge.graph(from: state, name: name), for: edge)
            let path = directory + "/interop-\(name).snn.h5"
            try DeploymentFile.write(graph, to: path, producer: "snnc test")
            #expect(try DeploymentFile.read(path).graph == DeploymentFile.storedForm(of: graph))
            try checkNIRRoot(of: path, graph: graph, hasShortcuts: name == "resnet")
        }
    }

    /// The pruned VGG checkpoint reads back with the same model, weights and masks (the script
    /// exports what was written), and it is pruned: about 20% of the prunable weights kept.
    func writeCheckpoint(to path: String) throws {
        let state = try Models.state(.vgg16, width: 1.0 / 16, size: 32, prune: 0.8)
        try Checkpoint.save(state, to: path, snncVersion: "test")
        let loaded = try Checkpoint.load(from: path)
        #expect(loaded.spec == state.spec)
        #expect(loaded.parameters == state.parameters)
        let kept = Double(loaded.parameters.keptCount) / Double(loaded.parameters.prunableCount)
        #expect(kept > 0.15 && kept < 0.25, "kept fraction \(kept)")
    }

    /// What check_deployment.py reads: the root is a NIR graph with a node for every layer that has
    /// a fan-out table (a `Scale` node for a residual shortcut), and the tables store no zeros.
    func checkNIRRoot(of path: String, graph: Graph, hasShortcuts: Bool) throws {
        let document = try NIRDocument.read(path)
        let types = Dictionary(document.nodes.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        var tables = 0
        var shortcuts = 0
        for layer in graph.synapticLayers {
            guard let fanout = layer.op.synapticWeights?.fanout else { continue }
            tables += 1
            #expect(fanout.values.allSatisfy { $0 != 0 }, "\(path): '\(layer.name)' stores zeros")
            if case .identity = layer.op {
                shortcuts += 1
                #expect(types[layer.name] == "Scale", "\(path): '\(layer.name)' is \(types[layer.name] ?? "missing")")
            } else {
                #expect(types[layer.name] != nil, "\(path): no NIR node '\(layer.name)'")
            }
        }
        #expect(tables == graph.synapticLayers.count, "\(path): synaptic layers without a fan-out table")
        #expect((shortcuts > 0) == hasShortcuts, "\(path): \(shortcuts) identity shortcuts")
    }
}
