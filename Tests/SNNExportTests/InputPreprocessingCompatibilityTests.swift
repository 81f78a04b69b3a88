import Foundation
import SNNCompiler
import SNNData
import SNNFormat
import SNNIR
import SNNStore
import SNNTrain
import Testing

@testable import snnc

/// Models snnc trains, and files written before models recorded their input preprocessing,
/// behave exactly as before.
@Suite("Input preprocessing: models snnc trains and older files")
struct InputPreprocessingCompatibilityTests {
    static let fixtures = Repository.root + "/fixtures/fashion-mnist"

    /// A small model trained one epoch on 60 fixture images, tested on 40.
    static func trained() throws -> TrainingState {
        let spec = ModelSpec(
            architecture: .small, width: 0.25, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10, timeSteps: 2)
        let data = DataConfig(dataset: "fmnist", directory: fixtures, trainSubset: 60, testSubset: 40)
        let state = try TrainingState(spec: spec, config: TrainingConfig(epochs: 1, batchSize: 20, learningRate: 0.1, seed: 3, data: data))
        let loaded = try TrainingData.load(data, seed: 3)
        var trainer = try Trainer(state: state, normalization: loaded.normalization)
        _ = trainer.trainEpoch(on: loaded.train)
        return trainer.state
    }

    @Test func aModelSnncTrainsEvaluatesBitForBitAsBefore() throws {
        let d = try TemporaryDirectory()
        let path = d.path + "/dense.h5"
        let model = try Self.trained()
        try Checkpoint.save(model, to: path, snncVersion: "test")
        // Its config is written as before: no normalisation key.
        let json = try HDF5File.open(path).root.stringAttribute("training_config")
        let config = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let data = try #require(config["data"] as? [String: Any])
        #expect(Set(data.keys) == ["dataset", "directory", "padding", "testSubset", "trainSubset"])

        // Before: the trainer fed the data set's statistics, whatever the model.
        let test = try LabeledImages.load(.fmnist, directory: Self.fixtures, split: .test).stratifiedSubset(count: 40, seed: 3)
        var before = try Trainer(state: model, normalization: .fashionMNIST)
        let expected = before.evaluate(on: test)
        // Now: the normalisation the checkpoint records, which is the default.
        let loaded = try Checkpoint.load(from: path)
        let now = try TrainingData.load(loaded.config.data, seed: loaded.config.seed)
        #expect(now.normalization == .fashionMNIST)
        var after = try Trainer(state: loaded, normalization: now.normalization)
        #expect(after.evaluate(on: now.test) == expected)
        #expect(loaded.inputPreprocessing?.origin == .datasetDefault)
        #expect(PreprocessingNote.lines(for: loaded.inputPreprocessing) == nil)

        let run = try CLI.run(["evaluate", path, "--json"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["correct"] as? Int == expected.correct && object["images"] as? Int == expected.images)

        // The quantiser's input range is the one the data set's statistics gave before.
        let graph = try DeploymentBridge.graph(from: loaded, name: "dense")
        let mean = Double(Float(0.2860))
        #expect(graph.inputRange?.maxAbs == max(mean, 1 - mean) / Double(Float(0.3530)))
        #expect(graph.inputRange?.source == "fmnist normalisation (mean 0.286 std 0.353) of pixels in [0, 1]")
        #expect(
            graph.inputPreprocessing
                == InputPreprocessing(dataset: "fmnist", origin: .datasetDefault, mean: [0.286], std: [0.353], padding: 0))
    }

    @Test func configsWrittenBeforeTheRecordReadAsTheDatasetDefault() throws {
        let old = #"{"dataset":"fmnist","directory":"/d","padding":2,"testSubset":null,"trainSubset":100}"#
        let config = try JSONDecoder().decode(DataConfig.self, from: Data(old.utf8))
        #expect(config.normalization == nil)
        #expect(config.inputPreprocessing(imported: false)?.origin == .datasetDefault)
        #expect(config.inputPreprocessing(imported: false)?.padding == 2)
        // An imported model without the record was imported without knowing it.
        #expect(config.inputPreprocessing(imported: true)?.origin == .unknown)
        #expect(config.inputPreprocessing(imported: true)?.mean == Normalization.fashionMNIST.mean)
        // The data set's default statistics for an unknown data set are unknown too.
        #expect(DataConfig(dataset: "random", directory: "").inputPreprocessing(imported: false) == nil)
    }

    @Test func theRecordIsJSONInTheTrainingConfig() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var config = DataConfig(dataset: "cifar10", directory: "/d", normalization: .given(mean: [0.5, 0.25, 0], std: [0.5, 1, 2]))
        #expect(
            String(decoding: try encoder.encode(config), as: UTF8.self)
                == #"{"dataset":"cifar10","directory":"\/d","normalization":{"mean":[0.5,0.25,0],"std":[0.5,1,2]},"padding":0}"#)
        #expect(try JSONDecoder().decode(DataConfig.self, from: encoder.encode(config)) == config)
        config.normalization = .unknown
        #expect(String(decoding: try encoder.encode(config), as: UTF8.self).contains(#""normalization":"unknown""#))
        #expect(try JSONDecoder().decode(DataConfig.self, from: encoder.encode(config)) == config)
        for bad in [#""other""#, #"{"mean":[0.5],"std":[0]}"#, #"{"mean":[0.5,0.5],"std":[1]}"#, #"{"mean":[]}"#] {
            let json = #"{"dataset":"fmnist","directory":"","padding":0,"normalization":"# + bad + "}"
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(DataConfig.self, from: Data(json.utf8)) }
        }
    }

    @Test func recordedStatisticsThatDoNotFitTheDataSetAreAnError() throws {
        let config = DataConfig(dataset: "fmnist", directory: Self.fixtures, normalization: .given(mean: [0.5, 0.5, 0.5], std: [1, 1, 1]))
        #expect(throws: DataError.self) { try TrainingData.load(config, seed: 0) }
    }

    @Test func deploymentFilesWithoutTheRecordSimulateAsBefore() throws {
        let d = try TemporaryDirectory()
        var graph = try DeploymentBridge.graph(from: Models.state(.small, width: 0.25, size: 28), name: "m")
        graph = try compile(graph, for: DeploymentFileTests.profile, calibration: nil)
        // Format 2.0 wrote no preprocessing group.
        var old = graph
        old.inputPreprocessing = nil
        let path = d.path + "/old.snn.h5"
        try DeploymentFile.write(old, to: path, producer: "snnc test")
        let read = try DeploymentFile.read(path).graph
        #expect(read.inputPreprocessing == nil && read.inputRange == graph.inputRange)
        let inputs = try SimulationInputs.load(dataset: nil, directory: Self.fixtures, limit: 2, graph: read, file: path)
        #expect(inputs.dataset == "fmnist" && inputs.normalization == .fashionMNIST && inputs.preprocessing == nil)

        // A 2.1 file keeps any channel count and reads back the same values.
        var colour = graph
        colour.inputPreprocessing = InputPreprocessing(
            dataset: "cifar10", origin: .given, mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616], padding: 3)
        let colourPath = d.path + "/colour.snn.h5"
        try DeploymentFile.write(colour, to: colourPath, producer: "snnc test")
        #expect(try DeploymentFile.read(colourPath).graph.inputPreprocessing == colour.inputPreprocessing)
        let group = try HDF5File.open(colourPath).root.group("snnc/input/preprocessing")
        #expect(try group.stringAttribute("origin") == "given" && group.scalarAttribute("padding", as: Int64.self) == 3)
        #expect(try group.attribute("std", as: Float.self).values == [0.2470, 0.2435, 0.2616])
    }
}
