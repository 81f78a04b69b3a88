import Foundation
import SNNFormat
import SNNStore
import Testing

/// `SpikeTraceFile`: the layout of DESIGN.md "Spike trace file", read back with SNNStore.
@Suite("Spike trace file")
struct SpikeTraceFileTests {
    @Test func rowsAreImageMajorAndPayloadsOnlyForNonBinaryLayers() throws {
        var lif = SpikeTraceFile.Layer(name: "lif1", shape: [2, 2, 2])
        var pool = SpikeTraceFile.Layer(name: "pool1", shape: [3])
        // Two images of two steps each.
        for (indices, payloads) in [([1, 5], nil), ([], nil), ([0], nil), ([2, 3, 7], nil)] as [([Int32], [Int32]?)] {
            lif.appendStep(indices: indices, payloads: payloads)
        }
        for (indices, payloads) in [([0], [2]), ([1, 2], nil), ([], nil), ([2], [4])] as [([Int32], [Int32]?)] {
            pool.appendStep(indices: indices, payloads: payloads)
        }
        #expect(lif.binary && !pool.binary)
        let file = SpikeTraceFile(
            model: "m.snn.h5", images: 2, timeSteps: 2, predictions: [3, 1], labels: [3, 0],
            logits: [[1, 2, 3, 9], [0, 7, -1, 2]], layers: [lif, pool])
        let directory = try TemporaryDirectory()
        let path = directory.path + "/trace.h5"
        try file.write(to: path)

        let root = try HDF5File.open(path).root
        #expect(try root.stringAttribute("format") == "snnc-spike-trace")
        #expect(try root.attribute("format_version", as: Int32.self).values == [1, 0])
        #expect(try root.stringAttribute("model") == "m.snn.h5")
        #expect(try root.scalarAttribute("images", as: Int64.self) == 2)
        #expect(try root.scalarAttribute("time_steps", as: Int64.self) == 2)
        #expect(try root.read("predictions", as: Int64.self).values == [3, 1])
        #expect(try root.read("labels", as: Int64.self).values == [3, 0])
        let logits = try root.read("logits", as: Int64.self)
        #expect(logits.shape == [2, 4] && logits.values == [1, 2, 3, 9, 0, 7, -1, 2])
        #expect(try root.readStrings("layer_order").values == ["lif1", "pool1"])

        let spikes = try root.group("layers").group("lif1")
        #expect(try spikes.attribute("shape", as: Int64.self).values == [2, 2, 2])
        #expect(try spikes.scalarAttribute("binary", as: UInt8.self) == 1)
        #expect(try spikes.read("indptr", as: Int64.self).values == [0, 2, 2, 3, 6])
        #expect(try spikes.read("indices", as: Int32.self).values == [1, 5, 0, 2, 3, 7])
        #expect(!spikes.contains("payloads"))

        let counts = try root.group("layers").group("pool1")
        #expect(try counts.scalarAttribute("binary", as: UInt8.self) == 0)
        #expect(try counts.read("indptr", as: Int64.self).values == [0, 1, 3, 3, 4])
        #expect(try counts.read("indices", as: Int32.self).values == [0, 1, 2, 2])
        #expect(try counts.read("payloads", as: Int32.self).values == [2, 1, 1, 4])
    }

    @Test func withoutLabelsThereIsNoLabelDataset() throws {
        let file = SpikeTraceFile(model: "m", images: 0, timeSteps: 4, predictions: [], labels: nil, logits: [], layers: [])
        let directory = try TemporaryDirectory()
        let path = directory.path + "/empty.h5"
        try file.write(to: path)
        let root = try HDF5File.open(path).root
        #expect(!root.contains("labels"))
        #expect(try root.read("logits", as: Int64.self).shape == [0, 0])
        #expect(try root.readStrings("layer_order").values.isEmpty)
    }
}
