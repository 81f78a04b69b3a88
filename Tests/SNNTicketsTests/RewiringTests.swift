import Foundation
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Grad R and Deep R: the updates on constructed cases, and whole searches on the tiny model.
@Suite("Rewiring (gradr, deepr)")
struct RewiringTests {
    func removing(_ paths: String...) { for p in paths { try? FileManager.default.removeItem(atPath: p) } }

    /// Gradients of every parameter, N(0, scale²) from `rng`.
    func gradients(_ parameters: ParameterSet, scale: Float, rng: inout SeededRNG) -> [Tensor] {
        parameters.parameters.map { p in
            Tensor(shape: p.value.shape, scalars: (0..<p.value.count).map { _ in scale * DeepRewiring.standardNormal(&rng) })
        }
    }

    /// Every prunable weight is 0 or has its initial sign.
    func expectSignsKept(_ parameters: ParameterSet, initial: ParameterSet, sourceLocation: SourceLocation = #_sourceLocation) {
        for (p, p0) in zip(parameters.parameters, initial.parameters) where p.isPrunable {
            let flipped = zip(p.value.scalars, p0.value.scalars).filter { w, w0 in w != 0 && (w < 0) != (w0 < 0) }.count
            #expect(flipped == 0, "\(p.name): \(flipped) weights changed sign", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Deep R

    @Test(arguments: [PruningScope.global, .layerwise])
    func deepRKeepsTheConnectionCountAtBudgetAfterEveryStep(scope: PruningScope) throws {
        let initial = try Fixture.parameters()
        let layout = PrunableLayout(initial)
        let mask = Pruning.random(layout: layout, target: .sparsity(80), rate: 0.25, scope: scope, seed: 3)
        var parameters = initial
        mask.apply(to: &parameters)
        // A strong L1 pull and noisy gradients: many connections die every step and are replaced.
        let optimizer = DeepRewiringOptimizer(
            initial: initial, mask: mask, scope: scope, l1: 0.5, temperature: 1e-4, momentum: 0.9, weightDecay: 0,
            streams: SeededRNG(seed: 11))
        var momentum: [Tensor] = []
        var rng = SeededRNG(seed: 5)
        var rewired = 0
        for step in 0..<30 {
            let before = WeightMask(parameters)
            optimizer.step(
                &parameters, momentum: &momentum, gradients: gradients(parameters, scale: 0.05, rng: &rng), learningRate: 0.1,
                index: step)
            let after = WeightMask(parameters)
            #expect(after.keptCount == mask.keptCount, "step \(step): \(after.keptCount) active, budget \(mask.keptCount)")
            if scope == .layerwise {
                for l in 0..<layout.layerCount { #expect(after.keptCount(layer: l) == mask.keptCount(layer: l), "step \(step) layer \(l)") }
            }
            rewired += after.differences(from: before)
            for (i, p) in parameters.parameters.enumerated() {
                guard let m = p.mask else { continue }
                for j in m.scalars.indices where m.scalars[j] == 0 {
                    #expect(p.value.scalars[j] == 0 && momentum[i].scalars[j] == 0)
                }
            }
            expectSignsKept(parameters, initial: initial)
        }
        #expect(rewired > 0, "no connection was ever rewired")
    }

    @Test func deepRDeactivatesAtZeroAndReactivatesWithTheInitialSign() throws {
        var initial = try Fixture.parameters()
        let lastPrunable = initial.parameters.lastIndex { $0.isPrunable }
        let last = try #require(lastPrunable)
        initial.parameters[last].value.scalars[0] = 0.01
        initial.parameters[last].value.scalars[1] = -0.5
        let layout = PrunableLayout(initial)
        var bits = [UInt8](repeating: 0, count: layout.total)
        let offset = layout.offsets[layout.layerCount - 1]
        bits[offset] = 1
        bits[offset + 1] = 1
        let mask = WeightMask(layout: layout, bits: bits)
        var parameters = initial
        mask.apply(to: &parameters)
        let optimizer = DeepRewiringOptimizer(
            initial: initial, mask: mask, scope: .global, l1: 0, temperature: 0, momentum: 0, weightDecay: 0,
            streams: SeededRNG(seed: 1))
        var momentum: [Tensor] = []
        // ∂L/∂w = +1 on the first connection: θ = 0.01 − 0.1 < 0, so it goes dormant; the second grows.
        var gradients = parameters.parameters.map { Tensor.zeros($0.value.shape) }
        gradients[last].scalars[0] = 1
        gradients[last].scalars[1] = 0.1
        optimizer.step(&parameters, momentum: &momentum, gradients: gradients, learningRate: 0.1, index: 0)
        let after = WeightMask(parameters)
        #expect(after.keptCount == 2)
        #expect(after.bits[offset] == 0 && parameters.parameters[last].value.scalars[0] == 0)
        #expect(parameters.parameters[last].value.scalars[1] == -(0.5 - Float(0.1) * -Float(0.1)))
        // One dormant connection, anywhere in the model, came back with θ = ε and its initial sign.
        let back = after.bits.indices.filter { after.bits[$0] != 0 && $0 != offset + 1 }
        #expect(back.count == 1)
        let flatInitial = initial.parameters.filter(\.isPrunable).flatMap(\.value.scalars)
        let flatAfter = parameters.parameters.filter(\.isPrunable).flatMap(\.value.scalars)
        for j in back { #expect(flatAfter[j] == (flatInitial[j] < 0 ? -1 : 1) * DeepRewiring.reactivatedStrength) }
    }

    // MARK: - Grad R

    @Test func gradRPrunesAndRegrowsAConnection() {
        var theta = Tensor(shape: [2], scalars: [0.01, 0.3])
        var weight = Tensor(shape: [2], scalars: [-0.01, 0.3])
        var momentum = Tensor.zeros([2])
        let sign = Tensor(shape: [2], scalars: [-1, 1])
        let step = RewiringStep(learningRate: 0.1, momentum: 0, weightDecay: 0)
        let center = Float(GradientRewiring.center(sparsity: 0.9, alpha: 1e-3))
        // ∂L/∂w = −1 on a negative weight pushes θ down through 0: the connection is pruned …
        GradientRewiring.update(
            theta: &theta, weight: &weight, momentum: &momentum, gradient: Tensor(shape: [2], scalars: [-1, 0]), sign: sign,
            step: step, alpha: 1e-3, center: center)
        #expect(weight.scalars[0] == 0 && theta.scalars[0] < 0)
        // … a pruned connection still follows its gradient (as if present) …
        GradientRewiring.update(
            theta: &theta, weight: &weight, momentum: &momentum, gradient: Tensor(shape: [2], scalars: [0.5, 0]), sign: sign,
            step: step, alpha: 1e-3, center: center)
        #expect(weight.scalars[0] == 0 && theta.scalars[0] < 0)
        // … and grows back, with its initial sign, when θ crosses 0 again.
        GradientRewiring.update(
            theta: &theta, weight: &weight, momentum: &momentum, gradient: Tensor(shape: [2], scalars: [1, 0]), sign: sign,
            step: step, alpha: 1e-3, center: center)
        #expect(theta.scalars[0] > 0 && weight.scalars[0] == -theta.scalars[0])
        // Without a gradient the prior pulls θ down by lr·α per step.
        let prior = Float(0.1) * Float(1e-3)
        #expect(theta.scalars[1] == ((0.3 - prior) - prior) - prior)
    }

    @Test func gradRRegrowsConnectionsOnTheModelAndNeverFlipsASign() throws {
        let initial = try Fixture.parameters()
        var parameters = initial
        let optimizer = GradientRewiringOptimizer(initial: initial, sparsity: 0.9, alpha: 0.05, momentum: 0.9, weightDecay: 0)
        var momentum: [Tensor] = []
        var rng = SeededRNG(seed: 9)
        var everPruned = Set<Int>()
        var regrown = 0
        for _ in 0..<20 {
            optimizer.step(&parameters, momentum: &momentum, gradients: gradients(parameters, scale: 0.05, rng: &rng), learningRate: 0.1)
            let flat = parameters.parameters.filter(\.isPrunable).flatMap(\.value.scalars)
            for (i, w) in flat.enumerated() {
                if w == 0 { everPruned.insert(i) } else if everPruned.contains(i) { regrown += 1 }
            }
            expectSignsKept(parameters, initial: initial)
            // The weights are s·max(θ, 0) of the strengths the optimiser keeps.
            for (i, p) in parameters.parameters.enumerated() {
                guard let theta = optimizer.theta[i] else { continue }
                let sign = optimizer.signs[i]!
                #expect(
                    p.value.scalars.indices.allSatisfy {
                        p.value.scalars[$0] == (theta.scalars[$0] > 0 ? sign.scalars[$0] * theta.scalars[$0] : 0)
                    })
            }
        }
        #expect(!everPruned.isEmpty && regrown > 0, "pruned \(everPruned.count), regrown \(regrown)")
    }

    // MARK: - Searches

    func rewiringSearch(_ method: TicketMethod, targets: [DensityTarget] = [.sparsity(75)]) -> SearchConfig {
        var search = SearchConfig(method: method, targets: targets)
        search.rewiring = RewiringConfig()
        search.rewiring?.alpha = 0.05  // prunes visibly in the fixture's 4 steps
        return search
    }

    @Test(arguments: [TicketMethod.gradR, .deepR])
    func sameSeedGivesTheSameBits(method: TicketMethod) throws {
        let (a, b) = (Fixture.temporaryPath("a.h5"), Fixture.temporaryPath("b.h5"))
        defer { removing(a, b) }
        let first = try Fixture.runSearch(rewiringSearch(method), path: a)
        let second = try Fixture.runSearch(rewiringSearch(method), path: b)
        expectSameSearch(first, second)
        let level = try #require(first.levels[1])
        #expect(level.info.trainEpochs == Fixture.training().epochs)
        #expect(level.info.label == (method == .gradR ? "prior 75.00%" : "75.00%"))
        let layout = PrunableLayout(level.state.parameters)
        if method == .deepR {
            #expect(level.info.sparsity.kept == Pruning.keptCount(.sparsity(75), layout: layout, scope: .global, rate: 0.25))
        } else {
            #expect(level.info.sparsity.kept < layout.total, "Grad R pruned nothing")
        }
        // Every weight the level's mask prunes is 0, every kept one is not (Grad R) or may be ε (Deep R).
        for p in level.state.parameters.parameters where p.isPrunable {
            let mask = try #require(p.mask)
            #expect(mask.scalars.indices.allSatisfy { mask.scalars[$0] != 0 || p.value.scalars[$0] == 0 })
        }
        expectSignsKept(level.state.parameters, initial: try TrainingState(spec: Fixture.spec(), config: Fixture.training()).parameters)
        // The ledger: one run's training (4 steps of 20 images at T = 2), no separate search.
        #expect(level.info.searchCost == .zero)
        let macs = try LayerGraph(Fixture.spec()).macs
        #expect(level.info.trainCost.work == 80 * (macs.forward(timeSteps: 2) + macs.backward(timeSteps: 2)))
        #expect(first.states.isEmpty && first.masks.isEmpty)
        // A different seed is a different search.
        let c = Fixture.temporaryPath("c.h5")
        defer { removing(c) }
        let other = try Fixture.runSearch(rewiringSearch(method), training: Fixture.training(seed: 2), path: c)
        #expect(other.levels[1]?.state.parameters != level.state.parameters)
    }

    /// The sparsity each finished epoch reports (`SearchStatus.weightSparsity`) of a search.
    func reportedSparsity(_ search: SearchConfig, path: String) throws -> (reported: [Double?], document: TicketDocument) {
        let training = Fixture.training()
        let data = try Fixture.data(training)
        let document = try TicketSearch.newDocument(
            search: search, spec: Fixture.spec(), training: training, command: "test", snncVersion: "test",
            trainImages: data.train.count)
        let runner = try TicketSearch(document: document, data: data) { try TicketFile.write($0, to: path) }
        var reported: [Double?] = []
        runner.onEvent = { if case .epochFinished(let status, _) = $0 { reported.append(status.weightSparsity) } }
        try runner.run()
        return (reported, try TicketFile.readDocument(path))
    }

    /// Runs that learn their mask report the weights' sparsity after every epoch: Grad R's last
    /// one is its level's (the mask is θ > 0, so the zero weights), Deep R's is its budget after
    /// every epoch.
    @Test(arguments: [TicketMethod.gradR, .deepR])
    func everyEpochReportsTheSparsityReached(method: TicketMethod) throws {
        let path = Fixture.temporaryPath("reported.h5")
        defer { removing(path) }
        let (reported, document) = try reportedSparsity(rewiringSearch(method), path: path)
        let level = try #require(document.levels[1])
        #expect(reported.count == Fixture.training().epochs)
        let values = reported.compactMap { $0 }
        #expect(values.count == reported.count, "an epoch reported no sparsity: \(reported)")
        let last = try #require(values.last)
        #expect(abs(last - level.info.weightSparsity) < 1e-9, "last epoch \(last)%, level \(level.info.weightSparsity)%")
        if method == .deepR {
            #expect(values.allSatisfy { abs($0 - level.info.weightSparsity) < 1e-9 }, "Deep R left its budget: \(values)")
        } else {
            #expect(values.allSatisfy { $0 > 0 }, "Grad R pruned nothing in an epoch: \(values)")
        }
    }

    @Test func searchesWithAFixedMaskReportNoSparsityPerEpoch() throws {
        let path = Fixture.temporaryPath("reported-imp.h5")
        defer { removing(path) }
        let imp = try reportedSparsity(SearchConfig(method: .imp, targets: [.rounds(1)]), path: path)
        #expect(!imp.reported.isEmpty && imp.reported.allSatisfy { $0 == nil })
    }

    @Test(arguments: [TicketMethod.gradR, .deepR])
    func resumingAfterEveryEpochGivesTheSameBits(method: TicketMethod) throws {
        let (straight, killed) = (Fixture.temporaryPath("straight.h5"), Fixture.temporaryPath("killed.h5"))
        defer { removing(straight, killed) }
        let search = rewiringSearch(method, targets: [.sparsity(60), .sparsity(80)])
        let reference = try Fixture.runSearch(search, path: straight)
        var document = try Fixture.runSearch(search, path: killed, stopAfter: 1)
        let data = try Fixture.data(Fixture.training())
        // One epoch per session (a session after a run's last epoch evaluates and stores its level).
        var sessions = 1
        while !document.progress.finished {
            if method == .gradR && document.progress.current != nil { #expect(document.states["gradr.theta"] != nil) }
            document = try Fixture.resume(document, data: data, path: killed, stopAfter: 1)
            sessions += 1
        }
        #expect(sessions == 5)
        expectSameSearch(reference, document)
        #expect(reference.levels.keys.sorted() == [1, 2])
    }

    @Test func settingsOutOfRangeAreClearErrors() throws {
        let layout = PrunableLayout(try Fixture.parameters())
        func message(_ search: SearchConfig) -> String? {
            do {
                _ = try search.resolved(layout: layout)
                return nil
            } catch let error as SearchConfigError {
                return error.description
            } catch {
                return "\(error)"
            }
        }
        #expect(message(rewiringSearch(.gradR, targets: [.sparsity(30)]))?.contains("at least 50%") == true)
        #expect(message(rewiringSearch(.gradR, targets: [.sparsity(100)]))?.contains("(0, 100)") == true)
        #expect(message(rewiringSearch(.deepR, targets: [.sparsity(0)]))?.contains("(0, 100)") == true)
        for alpha in [0, -1, Double.nan, .infinity] {
            var search = rewiringSearch(.gradR)
            search.rewiring?.alpha = alpha
            #expect(message(search)?.contains("--gradr-alpha must be a positive number") == true, "α = \(alpha)")
        }
        var negative = rewiringSearch(.deepR)
        negative.rewiring?.l1 = -1
        #expect(message(negative)?.contains("--deepr-l1 must be a number ≥ 0") == true)
        negative = rewiringSearch(.deepR)
        negative.rewiring?.temperature = -1
        #expect(message(negative)?.contains("--deepr-temperature must be a number ≥ 0") == true)
        var imp = SearchConfig(method: .imp, targets: [.rounds(1)])
        imp.rewiring = RewiringConfig()
        #expect(message(imp)?.contains("apply to --method gradr or deepr only") == true)
        #expect(message(rewiringSearch(.gradR, targets: [.sparsity(50), .rounds(4)])) == nil)
        #expect(TicketMethod(name: "gradr") == .gradR && TicketMethod(name: "deepr") == .deepR)
    }
}
