import Foundation
import Testing
import SNNCompiler
import SNNFormat
@testable import SNNTrain

/// Writes the files `scripts/interop-check.sh` hands to Python (`nir.read`, scipy): a pruned VGG
/// checkpoint (the script exports it with the CLI) and deployment files of a ResNet (identity
/// shortcuts, average pool) and the small net (average pools between convs). With
/// `SNNC_INTEROP_DIR` unset it writes to a temporary folder and only checks they read back.
@Suite("Interop fixtures")
struct InteropFixtureTests {
    @Test func writeInteropFixtures() throws {
        let temporary = try TemporaryDirectory()
        let directory = ProcessInfo.processInfo.environment["SNNC_INTEROP_DIR"] ?? temporary.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Checkpoint.save(Models.state(.vgg16, width: 1.0 / 16, size: 32, prune: 0.8), to: directory + "/interop-vgg.h5",
                            snncVersion: "test")
        let edge = try ChipProfile.load(from: Repository.targets + "/edge.toml")
        for (name, state) in [("resnet", try Models.state(.resnet19, width: 1.0 / 32, size: 8, prune: 0.5)),
                              ("small", try Models.state(.small, width: 0.25, size: 8, prune: 0.5))] {
            let graph = try compile(DeploymentBridge.graph(from: state, name: name), for: edge)
            let path = directory + "/interop-\(name).snn.h5"
            try DeploymentFile.write(graph, to: path, producer: "snnc test")
            #expect(try DeploymentFile.read(path).graph == DeploymentFile.storedForm(of: graph))
        }
    }
}
