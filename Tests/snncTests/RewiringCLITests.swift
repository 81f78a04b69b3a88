import Foundation
import SNNFormat
import Testing

/// `snnc prune --method gradr|deepr` end to end: the ticket file they write is one `export` reads.
extension CLITests {
    @Test(arguments: ["gradr", "deepr"])
    func rewiringSearchesWriteTicketFilesThatExportReads(method: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/\(method).h5"
        let common = [
            "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "40", "--test-subset", "20", "--batch-size", "20", "--epochs-per-round", "2",
            "--method", method, "--sparsity", "80", "--lr", "0.05",
        ]
        let extra = method == "gradr" ? ["--gradr-alpha", "0.05"] : ["--deepr-l1", "1e-4"]
        let stopped = try run(common + extra + ["--stop-after-epochs", "1", "-o", tickets])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("continue with: snnc prune --resume -o \(tickets)"), "\(stopped.stderr)")
        let resumed = try run(["prune", "--resume", "--json", "-o", tickets])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming '\(tickets)' in \(method).train1"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\"method\" : \"\(method)\""), "\(resumed.stdout)")
        let export = try run(["export", tickets, "--target", "edge", "-o", dir + "/m.snn.h5"])
        #expect(export.status == 0, "\(export.stderr)")
        let graph = try DeploymentFile.read(dir + "/m.snn.h5").graph
        #expect(graph.provenance?.sourceLevel == 1)
        #expect(!graph.synapticLayers.isEmpty)
    }
}
