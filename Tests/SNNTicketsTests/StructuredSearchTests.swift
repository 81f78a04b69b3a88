import Foundation
import SNNTrain
import Testing

@testable import SNNTickets

/// The engine's side of `--structured`: a round after a level that breaks a neuron count
/// removes channels of the layer it names, later rounds prune weights, the rewind state follows
/// the carry's channels, and a killed search resumes to the same bits. The fit check is a
/// stand-in (neuron and weight counts); the CLI tests use the compiler.
@Suite("Ticket search: structured (channel) pruning")
struct StructuredSearchTests {
    /// Neurons of every LIF node of the state's model.
    static func neurons(_ state: TrainingState) throws -> (total: Int, largest: String) {
        let lif = try LayerGraph(state.spec).nodes.filter { $0.op == .lif }
        let largest = lif.max { $0.shape.reduce(1, *) < $1.shape.reduce(1, *) }?.name ?? ""
        return (lif.reduce(0) { $0 + $1.shape.reduce(1, *) }, largest)
    }

    /// A level fits with at most `neuronLimit` neurons (a neuron count naming the largest LIF
    /// layer, which weight pruning cannot fix) and at most `weightLimit` kept weights.
    static func check(neuronLimit: Int, weightLimit: Int) -> (TrainingState) throws -> LevelFit {
        { state in
            let (total, largest) = try neurons(state)
            let kept = SparsityReport(state.parameters).kept
            var violations: [FitViolation] = []
            if total > neuronLimit {
                violations.append(
                    FitViolation(
                        constraint: "budget neurons = \(neuronLimit)", layer: largest, message: "\(total) neurons", prunable: false,
                        neurons: true))
            }
            if kept > weightLimit {
                violations.append(FitViolation(constraint: "budget synapses = \(weightLimit)", message: "\(kept) weights", prunable: true))
            }
            return FitSearchFixture.standInFit(kept: kept, violations: violations)
        }
    }

    static func config(method: TicketMethod = .imp, channelRate: Double = 0.25) -> SearchConfig {
        var search = FitSearchFixture.config()
        search.method = method
        search.structured = StructuredPruning(channelRate: channelRate)
        return search
    }

    static func kept(_ document: TicketDocument, _ level: Int, _ layer: String) -> [Int]? {
        document.levels[level]?.state.spec.keptChannels?.first { $0.layer == layer }?.channels
    }

    /// Level 0 has 4720 neurons (lif1 3136, lif2 1568, lif_fc1 16): two structured rounds take
    /// conv1 from 4 to 2 channels (3152 neurons ≤ 3500), then weight rounds until the weights fit.
    @Test func channelsGoFirstUntilTheNeuronCountFitsThenWeights() throws {
        let path = Fixture.temporaryPath("structured.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dense = PrunableLayout(try Fixture.parameters()).total
        let afterTwoChannels = dense - 2 * 9 - 2 * 8 * 9  // conv1 filters and conv2's inputs
        let check = Self.check(neuronLimit: 3500, weightLimit: afterTwoChannels - 1)
        let done = try FitSearchFixture.run(FitSearchFixture.newDocument(Self.config()), path: path, check: check)
        #expect(done.progress.finished && done.levels.keys.sorted() == [0, 1, 2, 3])
        #expect(done.levels[0]?.state.spec.keptChannels == nil)
        // The weakest filter of level 0's conv1 (the carry round 1 prunes) goes first.
        let level0 = try #require(done.levels[0]?.state)
        let first = ChannelPruning.weakest(ChannelPruning.filterNorms(level0.parameters, layer: "conv1"), count: 1)
        #expect(Self.kept(done, 1, "conv1") == (0..<4).filter { !first.contains($0) })
        #expect(Self.kept(done, 2, "conv1")?.count == 2)
        #expect(done.levels[3]?.state.spec.keptChannels == done.levels[2]?.state.spec.keptChannels)
        #expect(done.levels[2]?.info.keptChannels == done.levels[2]?.state.spec.keptChannels && done.levels[0]?.info.keptChannels == nil)
        #expect(done.levels[2]?.info.sparsity.kept == afterTwoChannels)
        #expect(done.levels[3]?.info.sparsity.kept == afterTwoChannels - Pruning.pruneCount(alive: afterTwoChannels, rate: 0.25))
        // Sparsity counts removed channels as pruned weights of the unpruned model.
        #expect(done.levels[2]?.info.sparsity.prunable == dense)
        #expect(done.levels[1]?.fit?.neuronBound != nil && done.levels[2]?.fit?.neuronBound == nil)
        #expect(done.levels[2]?.fit?.fits == false && done.levels[3]?.fit?.fits == true)
        // The rewind state stays the unpruned model's; a level's weights line up with its spec.
        #expect(done.states["rewind"]?.spec.keptChannels == nil)
        for level in done.levels.values {
            let layout = ParameterSet(layoutOf: try LayerGraph(level.state.spec))
            #expect(layout.parameters.map(\.value.shape) == level.state.parameters.parameters.map(\.value.shape))
        }
    }

    /// Killed after every epoch and resumed: the same levels, fits and channels.
    @Test func aKilledStructuredSearchResumesToTheSameBits() throws {
        let straightPath = Fixture.temporaryPath("structured-straight.h5")
        let killedPath = Fixture.temporaryPath("structured-killed.h5")
        defer { for p in [straightPath, killedPath] { try? FileManager.default.removeItem(atPath: p) } }
        let check = Self.check(neuronLimit: 3500, weightLimit: .max)
        let straight = try FitSearchFixture.run(FitSearchFixture.newDocument(Self.config()), path: straightPath, check: check)
        let (killed, restarts) = try FitSearchFixture.killedAndResumed(
            FitSearchFixture.newDocument(Self.config()), path: killedPath, check: check, stopAfter: 1)
        #expect(restarts >= 3)
        #expect(straight.levels.keys.sorted() == [0, 1, 2])
        expectSameSearch(straight, killed)
        expectSameFits(straight, killed)
    }

    /// IMP+ET: the retrained ticket of round k and the T_early chain's round k remove the same
    /// channels (both read level k − 1's fit), so every level keeps the chain's architecture.
    @Test func earlyTimeRetrainsTheSameReducedTicket() throws {
        let path = Fixture.temporaryPath("structured-et.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let document = try FitSearchFixture.earlyTimeDocument(Self.config(method: .impET))
        let done = try FitSearchFixture.run(document, path: path, check: Self.check(neuronLimit: 3500, weightLimit: .max))
        #expect(done.progress.completed == ["round0", "final1", "round1", "final2"])
        #expect(Self.kept(done, 1, "conv1")?.count == 3 && Self.kept(done, 2, "conv1")?.count == 2)
        #expect(Set(Self.kept(done, 2, "conv1") ?? []).isSubset(of: Self.kept(done, 1, "conv1") ?? []))
        #expect(done.levels[2]?.info.timeSteps == 3 && done.levels[2]?.fit?.fits == true)
    }

    /// A neuron count no channel pruning can meet: the search removes channels down to one per
    /// hidden layer, then stops with a named error, keeping the levels.
    @Test func noChannelLeftIsANamedError() throws {
        let path = Fixture.temporaryPath("structured-floor.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try FitSearchFixture.run(
                FitSearchFixture.newDocument(Self.config(channelRate: 0.9)), path: path,
                check: Self.check(neuronLimit: 1, weightLimit: .max))
            Issue.record("expected SearchCannotFit")
        } catch let error as SearchCannotFit {
            #expect(error.reason.contains("and every hidden layer is down to one channel"), "\(error.reason)")
        }
        let kept = try TicketFile.readDocument(path)
        let last = try #require(kept.levels.keys.max())
        let spec = try #require(kept.levels[last]?.state.spec)
        #expect(spec.keptChannels?.map(\.channels.count) == [1, 1, 1])
    }

    @Test func settingsStructuredPruningCannotUseAreErrors() throws {
        var eb = Self.config()
        eb.method = .eb
        eb.targets = [.sparsity(50)]
        var noTarget = Self.config()
        noTarget.fit = nil
        var rate = Self.config()
        rate.structured = StructuredPruning(channelRate: 1)
        let layout = PrunableLayout(try Fixture.parameters())
        let cases: [(SearchConfig, String)] = [
            (eb, "--structured works with --method imp or imp+et"),
            (noTarget, "give at least one --target"),
            (rate, "--channel-rate must be in (0, 1), got 1.0"),
        ]
        for (search, message) in cases {
            let error = #expect(throws: SearchConfigError.self) { try search.resolved(layout: layout) }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
        let resnet = ModelSpec(architecture: .resnet19, width: 0.0625, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10)
        let error = #expect(throws: SearchConfigError.self) {
            try TicketSearch.newDocument(
                search: Self.config(), spec: resnet, training: Fixture.training(), command: "test", snncVersion: "test",
                trainImages: 40)
        }
        #expect(error?.description.contains("--structured prunes the channels of vgg16 and small models, not resnet19") == true)
    }
}
