import Foundation
import SNNData
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Tiny models on the committed Fashion-MNIST fixtures: every search takes seconds in debug.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/fashion-mnist").path

    /// `small` at width 0.125: conv 1→4, conv 4→8, fc 392→16, fc 16→10.
    static func spec(timeSteps: Int = 2) -> ModelSpec {
        ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10,
            timeSteps: timeSteps)
    }

    static func training(epochs: Int = 2, seed: UInt64 = 1, images: Int = 40) -> TrainingConfig {
        TrainingConfig(
            epochs: epochs, batchSize: 20, learningRate: 0.1, seed: seed,
            data: DataConfig(dataset: "fmnist", directory: directory, trainSubset: images, testSubset: 20))
    }

    static func data(_ training: TrainingConfig) throws -> TrainingData {
        try TrainingData.load(training.data, seed: training.seed)
    }

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "snnc-tickets-\(UUID().uuidString)-\(name)"
    }

    static func parameters(timeSteps: Int = 2, seed: UInt64 = 7) throws -> ParameterSet {
        var rng = SeededRNG(seed: seed)
        return ParameterSet(graph: try LayerGraph(spec(timeSteps: timeSteps)), scheme: .pytorch, rng: &rng)
    }

    /// Runs a whole search writing to `path`; returns the final document read back from the file.
    static func runSearch(
        _ search: SearchConfig, spec: ModelSpec = spec(), training: TrainingConfig = training(),
        path: String, stopAfter: Int? = nil
    ) throws -> TicketDocument {
        let data = try data(training)
        let document = try TicketSearch.newDocument(
            search: search, spec: spec, training: training, command: "test",
            snncVersion: "test", trainImages: data.train.count)
        return try resume(document, data: data, path: path, stopAfter: stopAfter)
    }

    /// Continues `document`, writing to `path`; `stopAfter` simulates a kill after that many epochs.
    static func resume(_ document: TicketDocument, data: TrainingData, path: String, stopAfter: Int? = nil) throws -> TicketDocument {
        let search = try TicketSearch(document: document, data: data) { try TicketFile.write($0, to: path) }
        search.stopAfterEpochs = stopAfter
        do {
            try search.run()
        } catch is SearchInterrupted {
            // a simulated kill: the file holds the last finished epoch
        }
        return try TicketFile.readDocument(path)
    }
}

/// Level summaries and results with every wall-clock time set to 0 (the only thing a resumed
/// search may change).
func withoutTimes(_ info: LevelInfo) -> LevelInfo {
    var copy = info
    copy.searchCost.seconds = 0
    copy.trainCost.seconds = 0
    copy.evalCost.seconds = 0
    copy.ledger = copy.ledger.map {
        var e = $0
        e.seconds = 0
        return e
    }
    copy.earlyBird?.cost.seconds = 0
    return copy
}

func withoutTimes(_ results: SearchResults) -> SearchResults {
    var copy = results
    copy.chainCost = copy.chainCost.map { CostTotals(work: $0.work) }
    copy.annChainCost = copy.annChainCost.map { CostTotals(work: $0.work) }
    copy.annRounds = copy.annRounds.map {
        var r = $0
        r.trainCost.seconds = 0
        return r
    }
    copy.earlyBird = copy.earlyBird.map {
        var t = $0
        t.detection?.cost.seconds = 0
        return t
    }
    copy.saliencyCost?.seconds = 0
    copy.sourceCost?.seconds = 0
    copy.replayCost?.seconds = 0
    return copy
}

/// Two finished searches agree bit for bit (apart from wall-clock times).
func expectSameSearch(_ a: TicketDocument, _ b: TicketDocument, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.progress.finished && b.progress.finished, sourceLocation: sourceLocation)
    #expect(a.progress.completed == b.progress.completed, sourceLocation: sourceLocation)
    #expect(a.levels.keys.sorted() == b.levels.keys.sorted(), sourceLocation: sourceLocation)
    for k in a.levels.keys.sorted() {
        guard let x = a.levels[k], let y = b.levels[k] else { continue }
        #expect(x.state.parameters == y.state.parameters, "level \(k) parameters", sourceLocation: sourceLocation)
        #expect(x.state.spec == y.state.spec && x.state.config == y.state.config, sourceLocation: sourceLocation)
        #expect(x.state.history.map(\.trainLoss) == y.state.history.map(\.trainLoss), "level \(k) history", sourceLocation: sourceLocation)
        #expect(withoutTimes(x.info) == withoutTimes(y.info), "level \(k) info", sourceLocation: sourceLocation)
    }
    #expect(withoutTimes(a.results) == withoutTimes(b.results), sourceLocation: sourceLocation)
    #expect(a.states.keys.sorted() == b.states.keys.sorted(), sourceLocation: sourceLocation)
    for (name, state) in a.states {
        #expect(state.parameters == b.states[name]?.parameters, "state \(name)", sourceLocation: sourceLocation)
    }
}
