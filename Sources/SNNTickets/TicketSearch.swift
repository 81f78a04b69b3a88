import Foundation
import SNNData
import SNNTensor
import SNNTrain

/// What a running search reports.
public enum SearchEvent: Sendable {
    /// After every optimiser step.
    case batch(SearchStatus)
    /// After every finished epoch (before the file is written).
    case epochFinished(SearchStatus, EpochRecord)
    /// A level was stored.
    case levelFinished(LevelInfo)
    /// Something worth a line: a rewind point, a probe result, an early-bird detection.
    case note(String)
}

/// Where a search is, for progress lines.
public struct SearchStatus: Sendable {
    public var method: TicketMethod
    public var run: String
    public var level: Int
    /// The largest level the search will store.
    public var lastLevel: Int
    /// Epoch index within the run and the run's length.
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    public var timeSteps: Int
    public var meanLoss: Double
    /// Test accuracy of the last finished run.
    public var lastAccuracy: Double?
    /// Estimated seconds left, from this session's throughput and the planned work.
    public var remainingSeconds: Double?
}

/// Thrown by `TicketSearch.run()` when `stopAfterEpochs` is reached (after the file was written):
/// the same state a SIGKILL right after that write would leave.
public struct SearchInterrupted: Error, Equatable {}

/// Runs one ticket search, resumably.
///
/// The search is a fixed sequence of steps (training runs, the SNIP gradient, …) whose inputs
/// are all stored in the `TicketDocument`. After every finished epoch the document — including
/// the run's state at that epoch, its optimiser momentum and any search state such as the
/// early-bird window — is handed to `persist`; after every finished step, too. Running a
/// search on a document read back from such a write redoes nothing that was persisted and
/// reproduces the uninterrupted search bit for bit: every random draw is keyed by the seed and
/// the step, never by how the process got there.
public final class TicketSearch {
    public private(set) var document: TicketDocument
    public let data: TrainingData
    /// Called with every event; keep it cheap (it runs after every batch).
    public var onEvent: (SearchEvent) -> Void = { _ in }
    /// Stop with `SearchInterrupted` after this many epochs of this session (tests, demos).
    public var stopAfterEpochs: Int?

    private let persist: (TicketDocument) throws -> Void
    /// The initialisation at the full T.
    private let base: TrainingState
    private let layout: PrunableLayout
    private let snnMACs: MACCount
    private let annMACs: MACCount
    private var sessionEpochs = 0
    private var sessionWork = 0
    private var sessionSeconds = 0.0
    private var lastAccuracy: Double?

    private var header: TicketHeader { document.header }
    private var search: SearchConfig { document.header.search }
    private var training: TrainingConfig { document.header.training }
    private var fullT: Int { document.header.spec.timeSteps }
    private var batchesPerEpoch: Int { (data.train.count + training.batchSize - 1) / training.batchSize }

    /// Prepares a search over `document` (new or read back for a resume) on `data`.
    /// - Throws: `SearchConfigError` if the data do not fit the model.
    public init(document: TicketDocument, data: TrainingData, persist: @escaping (TicketDocument) throws -> Void) throws {
        self.document = document
        self.data = data
        self.persist = persist
        base = try TrainingState(spec: document.header.spec, config: document.header.training)
        layout = PrunableLayout(base.parameters)
        snnMACs = try LayerGraph(document.header.spec).macs
        annMACs = try LayerGraph(document.header.spec.annTwin).macs
        let shape = data.train.imageShape
        let spec = document.header.spec
        guard shape == [spec.inputChannels, spec.inputHeight, spec.inputWidth] else {
            throw SearchConfigError("the data's images are \(shape) but the model expects \([spec.inputChannels, spec.inputHeight, spec.inputWidth])")
        }
    }

    /// A new document for a search, checked against the model.
    /// - Parameters:
    ///   - source: a dense checkpoint to use as level 0 (`--from`); its spec and training config
    ///     must be `spec` and `training`.
    /// - Throws: `SearchConfigError` for settings that cannot run.
    public static func newDocument(search: SearchConfig, spec: ModelSpec, training: TrainingConfig, command: String,
                                   snncVersion: String, source: (state: TrainingState, info: SourceCheckpoint)? = nil,
                                   trainImages: Int) throws -> TicketDocument {
        let base = try TrainingState(spec: spec, config: training)
        let resolved = try search.resolved(layout: PrunableLayout(base.parameters))
        guard spec.spiking else { throw SearchConfigError("ticket searches run on the SNN; drop --ann (transfer trains the ANN twin itself)") }
        guard training.epochs >= 1 else { throw SearchConfigError("a round needs at least one epoch") }
        if resolved.method.usesEarlyTime, let longest = resolved.earlyTime.candidates.max(), longest >= spec.timeSteps || resolved.earlyTime.candidates.min()! < 1 {
            throw SearchConfigError("early-time candidates \(resolved.earlyTime.candidates) must lie in 1..<T = \(spec.timeSteps)")
        }
        if resolved.method.isIterative {
            let batches = (trainImages + training.batchSize - 1) / training.batchSize
            let step = resolved.rewind.step(batchesPerEpoch: batches, epochs: training.epochs)
            guard step < training.epochs * batches else {
                throw SearchConfigError("the rewind point (\(resolved.rewind)) must lie inside round 0 (\(training.epochs) epoch\(training.epochs == 1 ? "" : "s")); use a smaller --rewind, a percentage, or init")
            }
        }
        var document = TicketDocument(header: TicketHeader(snncVersion: snncVersion, method: resolved.method, seed: training.seed,
                                                            command: command, search: resolved, spec: spec, training: training,
                                                            source: source?.info))
        if let source {
            guard source.state.spec == spec, source.state.config == training else {
                throw SearchConfigError("the checkpoint's model and training settings must be the search's")
            }
            guard source.state.parameters.parameters.allSatisfy({ $0.mask == nil }) else {
                throw SearchConfigError("the checkpoint is already pruned; --from takes a dense checkpoint")
            }
            var state = source.state
            state.momentum = []
            document.states["source"] = state
        }
        return document
    }

    // MARK: - Driving

    /// Runs (or continues) the search to the end. Writes through `persist` as it goes.
    /// - Throws: `SearchInterrupted` when `stopAfterEpochs` is reached; errors of `persist`.
    public func run() throws {
        guard !document.progress.finished else { return }
        try persist(document)
        if document.states["source"] != nil && !isCompleted("source") { try evaluateSource() }
        switch header.method {
        case .imp, .impET: try runIterativeMagnitude()
        case .eb, .ebET: try runEarlyBird()
        case .snip: try runSNIP()
        case .random: try runRandom()
        case .transfer: try runTransfer()
        }
        document.progress.finished = true
        document.progress.current = nil
        document.states = document.states.filter { $0.key == "rewind" || $0.key == "ann.rewind" }
        document.masks = [:]
        try persist(document)
    }

    private func isCompleted(_ id: String) -> Bool { document.progress.completed.contains(id) }

    /// Marks a step finished (its results already in the document) and writes the file.
    private func complete(_ id: String) throws {
        document.progress.completed.append(id)
        document.progress.current = nil
        document.states["run"] = nil
        try persist(document)
    }

    // MARK: - IMP and IMP+ET

    private func runIterativeMagnitude() throws {
        let et = header.method == .impET
        let rounds = search.rounds
        let reported = Set(search.reportedRounds)
        let epochs = training.epochs
        let rewindStep = search.rewind.step(batchesPerEpoch: batchesPerEpoch, epochs: epochs)
        let laterEpochs = search.rewind.laterRoundEpochs(batchesPerEpoch: batchesPerEpoch, epochs: epochs)
        document.results.rewindStep = rewindStep
        document.results.laterRoundEpochs = laterEpochs

        if !isCompleted("round0") {
            if let source = document.levels[0], header.source != nil {
                try replaySource(source.state, rewindStep: rewindStep, probe: et)
            } else {
                let setup = RunSetup(id: "round0", level: 0, epochs: epochs, learningRate: training.learningRate,
                                     minimumLearningRate: et ? search.earlyTime.roundZeroMinimumLearningRate * training.learningRate : 0,
                                     streamBase: 0)
                var hooks = RunHooks()
                hooks.rewindStep = rewindStep
                hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: "rewind") }
                if et { addProbe(to: &hooks, epochs: epochs, switchTimeSteps: true) }
                let result = try execute(setup, start: { self.base }, hooks: hooks)
                storeLevel(0, result, label: "dense", round: 0, search: .zero)
                document.results.chainCost = [result.ledger.total()]
                document.states["carry"] = trimmed(result.state)
            }
            try complete("round0")
        }
        let searchT = et ? (document.results.earlyTime?.chosen ?? fullT) : fullT
        for k in stride(from: 1, through: rounds, by: 1) {
            let retrain = et && (reported.contains(k) || k == rounds)
            let searchRun = !et || k < rounds
            let chainBefore = document.results.chainCost[k - 1]
            if retrain && !isCompleted("final\(k)") {
                let setup = RunSetup(id: "final\(k)", level: k, epochs: laterEpochs, learningRate: training.learningRate,
                                     streamBase: k * 100_000 + 50_000)
                let result = try execute(setup, start: { try self.ticketStart(carry: "carry", rewind: "rewind", timeSteps: self.fullT) })
                storeLevel(k, result, label: "round \(k)", round: k, search: chainBefore)
                try complete("final\(k)")
            }
            if searchRun && !isCompleted("round\(k)") {
                let setup = RunSetup(id: "round\(k)", level: k, epochs: laterEpochs, learningRate: training.learningRate,
                                     streamBase: k * 100_000)
                let result = try execute(setup, start: { try self.ticketStart(carry: "carry", rewind: "rewind", timeSteps: searchT) })
                if retrain {
                    document.levels[k]?.info.searchAccuracy = result.accuracy
                    document.levels[k]?.info.searchTimeSteps = result.state.spec.timeSteps
                } else {
                    storeLevel(k, result, label: "round \(k)", round: k, search: chainBefore)
                }
                document.results.chainCost.append(chainBefore + result.ledger.total())
                document.states["carry"] = trimmed(result.state)
                try complete("round\(k)")
            }
        }
    }

    /// Round k's starting state: prune `rate` of the carry's survivors by |w|, then rewind the
    /// kept weights (and every bias and BN γ/β) to the rewind state. BN running statistics stay
    /// the carry's unless `rewindBatchNormStatistics`. The optimiser starts fresh.
    func ticketStart(carry carryKey: String, rewind rewindKey: String, timeSteps: Int) throws -> TrainingState {
        guard let carry = document.states[carryKey], let rewind = document.states[rewindKey] else {
            throw SearchConfigError("the ticket file lacks the '\(carryKey)' or '\(rewindKey)' state; it cannot be resumed")
        }
        let mask = Pruning.magnitudeRound(carry.parameters, current: WeightMask(carry.parameters), rate: search.pruneRate,
                                          scope: search.scope, ties: search.ties)
        var state = carry
        if state.spec.spiking { state.spec.timeSteps = timeSteps }
        for i in state.parameters.parameters.indices {
            state.parameters.parameters[i].value = rewind.parameters.parameters[i].value
        }
        if search.rewindBatchNormStatistics { state.parameters.buffers = rewind.parameters.buffers }
        mask.apply(to: &state.parameters)
        return state
    }

    private func takeRewind(_ state: TrainingState, key: String) {
        document.states[key] = trimmed(state)
        let step = document.results.rewindStep ?? 0
        onEvent(.note(String(format: "%@ state taken after step %d of round 0 (epoch %.2f)", key == "rewind" ? "rewind" : "ANN rewind",
                             step, Double(step) / Double(max(batchesPerEpoch, 1)))))
    }

    /// Level 0 from a checkpoint: replays its first epochs (same seed, same batches, same
    /// learning rates, so the same bits as `snnc train`) to recover the rewind state and, for
    /// IMP+ET, to probe at epoch N. Every replayed epoch's training loss must equal the
    /// checkpoint's history.
    private func replaySource(_ source: TrainingState, rewindStep: Int, probe: Bool) throws {
        let probeEpochs = probe ? min(search.earlyTime.probeAfterEpochs, training.epochs) : 0
        let replayEpochs = max((rewindStep + batchesPerEpoch - 1) / batchesPerEpoch, probeEpochs)
        var replayCost = CostTotals.zero
        if replayEpochs == 0 {
            takeRewind(base, key: "rewind")
        } else {
            let setup = RunSetup(id: "replay", level: 0, epochs: training.epochs, trainEpochs: replayEpochs,
                                 learningRate: training.learningRate, streamBase: 0)
            var hooks = RunHooks()
            hooks.rewindStep = rewindStep
            hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: "rewind") }
            hooks.evaluate = false
            hooks.phase = "replay"
            if probe { addProbe(to: &hooks, epochs: training.epochs, switchTimeSteps: false) }
            let result = try execute(setup, start: { self.base }, hooks: hooks)
            for (replayed, original) in zip(result.state.history, source.history) where replayed.trainLoss != original.trainLoss {
                throw SearchConfigError("replaying epoch \(replayed.epoch + 1) of the checkpoint gave training loss \(replayed.trainLoss), its history says \(original.trainLoss); it was written by another snnc build or BLAS setup, so its rewind point cannot be recovered (hint: use --rewind init)")
            }
            replayCost = result.ledger.total()
        }
        document.results.replayCost = replayCost
        document.results.chainCost = [(document.results.sourceCost ?? .zero) + replayCost]
        document.states["carry"] = document.levels[0]!.state
        if probe, let chosen = document.results.earlyTime?.chosen {
            onEvent(.note("early-time: later rounds train at T = \(chosen)"))
        }
    }

    /// Evaluates a `--from` checkpoint as level 0; its training cost is reconstructed from its
    /// history (images per epoch × MACs at T; seconds as recorded).
    private func evaluateSource() throws {
        guard var state = document.states["source"] else { return }
        var trainer = try Trainer(state: state, normalization: data.normalization)
        let started = now()
        let evaluation = trainer.evaluate(on: data.test)
        var evalLedger = CostLedger()
        evalLedger.record(phase: "eval", run: "source", timeSteps: state.spec.timeSteps, images: evaluation.images,
                          macs: snnMACs, trained: false, seconds: now() - started)
        var sourceLedger = CostLedger()
        for record in state.history {
            sourceLedger.record(phase: "source", run: "source", timeSteps: state.spec.timeSteps, images: data.train.count,
                                macs: snnMACs, trained: true, seconds: record.seconds)
        }
        state.notes["ticket.level"] = "0"
        document.results.sourceCost = sourceLedger.total()
        let result = RunResult(state: state, ledger: sourceLedger, evaluation: evaluation, evalLedger: evalLedger)
        storeLevel(0, result, label: "dense (checkpoint)", round: 0, search: .zero)
        document.states["source"] = nil
        try complete("source")
    }

    // MARK: - Early-bird

    private func runEarlyBird() throws {
        let et = header.method == .ebET
        let epochs = training.epochs
        if document.results.earlyBird.isEmpty {
            document.results.earlyBird = search.targets.map {
                EarlyBirdTargetState(target: $0, kept: Pruning.keptCount($0, layout: layout, scope: search.scope, rate: search.pruneRate))
            }
        }
        if !isCompleted("eb.search") {
            let setup = RunSetup(id: "eb.search", level: 1, epochs: epochs, learningRate: training.learningRate,
                                 learningRateScale: search.earlyBird.learningRateScale, streamBase: 0)
            var hooks = RunHooks()
            hooks.checksPerEpoch = search.earlyBird.checksPerEpoch
            hooks.onCheck = { [unowned self] state, position, ledger in self.earlyBirdCheck(state, position: position, ledger: ledger) }
            hooks.evaluate = false
            if et { addProbe(to: &hooks, epochs: epochs, switchTimeSteps: true) }
            let result = try execute(setup, start: { self.base }, hooks: hooks)
            for i in document.results.earlyBird.indices where document.results.earlyBird[i].detection == nil {
                var state = document.results.earlyBird[i]
                let window = loadWindow(i)
                let mask = window.masks.last ?? Pruning.keepHighest(Pruning.magnitudes(result.state.parameters), layout: layout,
                                                                     target: state.target, rate: search.pruneRate,
                                                                     scope: search.scope, ties: search.ties)
                state.detection = EarlyBirdDetection(target: state.target, kept: state.kept, fired: false,
                                                     epoch: state.lastCheck ?? Double(result.state.epochsCompleted),
                                                     checks: state.checks, distances: state.lastDistances,
                                                     cost: result.ledger.total())
                document.results.earlyBird[i] = state
                document.masks["eb.ticket\(i + 1)"] = mask
                onEvent(.note("early-bird: no ticket settled for \(state.target) within \(epochs) epochs; using the last mask"))
            }
            for key in document.masks.keys where key.hasPrefix("eb.window") { document.masks[key] = nil }
            for i in document.results.earlyBird.indices { document.results.earlyBird[i].windowCount = 0 }
            try complete("eb.search")
        }
        for (i, target) in search.targets.enumerated() {
            let level = i + 1
            guard !isCompleted("eb.retrain\(level)") else { continue }
            guard let mask = document.masks["eb.ticket\(level)"], let detection = document.results.earlyBird[i].detection else {
                throw SearchConfigError("the ticket file lacks early-bird ticket \(level); it cannot be resumed")
            }
            let setup = RunSetup(id: "eb.retrain\(level)", level: level, epochs: epochs, learningRate: training.learningRate,
                                 doubleStep: search.earlyBird.doubleSchedulerStep, streamBase: 10_000_000 + level * 100_000)
            let result = try execute(setup, start: {
                var state = self.base
                mask.apply(to: &state.parameters)
                return state
            })
            storeLevel(level, result, label: target.description, target: target, search: detection.cost, earlyBird: detection)
            try complete("eb.retrain\(level)")
        }
    }

    /// One early-bird check: a fresh magnitude mask per unsettled target, pushed into its window.
    /// Returns true when every target has its ticket.
    private func earlyBirdCheck(_ state: TrainingState, position: Double, ledger: CostLedger) -> Bool {
        let scores = Pruning.magnitudes(state.parameters)
        let extra = search.earlyBird.countBatchNormInDistance
            ? state.parameters.parameters.filter { $0.role == .scale }.reduce(0) { $0 + $1.value.count } : 0
        var allDrawn = true
        for i in document.results.earlyBird.indices where document.results.earlyBird[i].detection == nil {
            var target = document.results.earlyBird[i]
            let mask = Pruning.keepHighest(scores, layout: layout, target: target.target, rate: search.pruneRate,
                                           scope: search.scope, ties: search.ties)
            var window = loadWindow(i, extraPositions: extra)
            let settled = window.push(mask)
            target.checks += 1
            target.lastDistances = window.distances
            target.lastCheck = position
            if settled {
                target.detection = EarlyBirdDetection(target: target.target, kept: target.kept, fired: true, epoch: position,
                                                      checks: target.checks, distances: window.distances, cost: ledger.total())
                document.masks["eb.ticket\(i + 1)"] = mask
                onEvent(.note(String(format: "early-bird ticket for %@ drawn at epoch %.2f (max distance %.4f < τ = %g)",
                                     target.target.description, position, window.maximumDistance, search.earlyBird.tau)))
            } else {
                allDrawn = false
            }
            saveWindow(i, window, into: &target)
            document.results.earlyBird[i] = target
        }
        return allDrawn
    }

    private func loadWindow(_ i: Int, extraPositions: Int = 0) -> EarlyBirdWindow {
        let count = document.results.earlyBird[i].windowCount
        let masks = (0..<count).compactMap { document.masks["eb.window\(i + 1).\($0)"] }
        return EarlyBirdWindow(size: search.earlyBird.window, tau: search.earlyBird.tau, extraPositions: extraPositions, masks: masks)
    }

    private func saveWindow(_ i: Int, _ window: EarlyBirdWindow, into target: inout EarlyBirdTargetState) {
        for j in 0..<max(target.windowCount, window.masks.count) { document.masks["eb.window\(i + 1).\(j)"] = nil }
        for (j, mask) in window.masks.enumerated() { document.masks["eb.window\(i + 1).\(j)"] = mask }
        target.windowCount = window.masks.count
    }

    // MARK: - SNIP, random

    private func runSNIP() throws {
        if !isCompleted("snip.saliency") {
            let images = min(search.snipImages ?? training.batchSize, data.train.count)
            let batch = fixedBatch(images: images, stream: 90_000_001)
            let started = now()
            let scores = try SNIP.saliency(parameters: base.parameters, spec: base.spec, batch: batch)
            var ledger = CostLedger()
            ledger.record(phase: "saliency", run: "snip.saliency", timeSteps: fullT, images: batch.count, macs: snnMACs,
                          trained: true, seconds: now() - started)
            document.results.saliencyCost = ledger.total()
            for (i, target) in search.targets.enumerated() {
                document.masks["snip\(i + 1)"] = Pruning.keepHighest(scores, layout: layout, target: target, rate: search.pruneRate,
                                                                   scope: search.scope, ties: search.ties)
            }
            try complete("snip.saliency")
        }
        for (i, target) in search.targets.enumerated() {
            let level = i + 1
            guard let mask = document.masks["snip\(level)"] else {
                if isCompleted("snip.train\(level)") { continue }
                throw SearchConfigError("the ticket file lacks SNIP mask \(level); it cannot be resumed")
            }
            try trainOneShot(level: level, id: "snip.train\(level)", target: target, search: document.results.saliencyCost ?? .zero) { mask }
        }
    }

    private func runRandom() throws {
        for (i, target) in search.targets.enumerated() {
            let level = i + 1
            var stream = SeededRNG(seed: training.seed).derived(0x72616E64 + UInt64(level))
            let seed = stream.next()
            try trainOneShot(level: level, id: "random.train\(level)", target: target, search: .zero) {
                Pruning.random(layout: self.layout, target: target, rate: self.search.pruneRate, scope: self.search.scope, seed: seed)
            }
        }
    }

    /// Trains a mask from the initialisation for one round's length and stores it as `level`.
    private func trainOneShot(level: Int, id: String, target: DensityTarget, search searchCost: CostTotals,
                              mask: @escaping () -> WeightMask) throws {
        guard !isCompleted(id) else { return }
        let setup = RunSetup(id: id, level: level, epochs: training.epochs, learningRate: training.learningRate,
                             streamBase: 20_000_000 + level * 100_000)
        let result = try execute(setup, start: {
            var state = self.base
            mask().apply(to: &state.parameters)
            return state
        })
        storeLevel(level, result, label: target.description, target: target, search: searchCost)
        try complete(id)
    }

    // MARK: - Transfer

    private func runTransfer() throws {
        let rounds = search.rounds
        let epochs = training.epochs
        let rewindStep = search.rewind.step(batchesPerEpoch: batchesPerEpoch, epochs: epochs)
        let laterEpochs = search.rewind.laterRoundEpochs(batchesPerEpoch: batchesPerEpoch, epochs: epochs)
        document.results.rewindStep = rewindStep
        document.results.laterRoundEpochs = laterEpochs
        let annBase = try TrainingState(spec: header.spec.annTwin, config: training)

        if !isCompleted("ann.round0") {
            let setup = RunSetup(id: "ann.round0", level: 0, epochs: epochs, learningRate: training.learningRate, streamBase: 0, ann: true)
            var hooks = RunHooks()
            hooks.rewindStep = rewindStep
            hooks.onRewind = { [unowned self] state in self.takeRewind(state, key: "ann.rewind") }
            let result = try execute(setup, start: { annBase }, hooks: hooks)
            recordANNRound(0, result, chainBefore: .zero)
            try complete("ann.round0")
        }
        for k in stride(from: 1, through: rounds, by: 1) where !isCompleted("ann.round\(k)") {
            let setup = RunSetup(id: "ann.round\(k)", level: k, epochs: laterEpochs, learningRate: training.learningRate,
                                 streamBase: k * 100_000, ann: true)
            let result = try execute(setup, start: { try self.ticketStart(carry: "ann.carry", rewind: "ann.rewind", timeSteps: 1) })
            recordANNRound(k, result, chainBefore: document.results.annChainCost[k - 1])
            if search.reportedRounds.contains(k) { document.masks["transfer\(k)"] = WeightMask(result.state.parameters) }
            try complete("ann.round\(k)")
        }
        for k in search.reportedRounds where !isCompleted("transfer\(k)") {
            guard let mask = document.masks["transfer\(k)"], let annRewind = document.states["ann.rewind"] else {
                throw SearchConfigError("the ticket file lacks the ANN mask of round \(k); it cannot be resumed")
            }
            let fromRewind = search.transferStart == .rewind
            let setup = RunSetup(id: "transfer\(k)", level: k, epochs: fromRewind ? laterEpochs : epochs,
                                 learningRate: training.learningRate, streamBase: 30_000_000 + k * 100_000)
            let result = try execute(setup, start: {
                var state = self.base
                state.parameters = try Transfer.move(mask: mask, values: fromRewind ? annRewind.parameters : nil, onto: self.base.parameters)
                return state
            })
            let annAccuracy = document.results.annRounds.first { $0.round == k }?.testAccuracy
            storeLevel(k, result, label: "round \(k)", round: k, search: document.results.annChainCost[k - 1], annAccuracy: annAccuracy)
            try complete("transfer\(k)")
        }
    }

    private func recordANNRound(_ k: Int, _ result: RunResult, chainBefore: CostTotals) {
        let cost = result.ledger.total()
        document.results.annRounds.append(ANNRound(round: k, kept: result.state.parameters.keptCount,
                                                   testAccuracy: result.accuracy, trainCost: cost))
        document.results.annChainCost.append(chainBefore + cost)
        document.states["ann.carry"] = trimmed(result.state)
        onEvent(.note(String(format: "ANN round %d: test %.2f%%", k, 100 * result.accuracy)))
    }

    // MARK: - Early-time probe

    private func addProbe(to hooks: inout RunHooks, epochs: Int, switchTimeSteps: Bool) {
        hooks.probeAfterEpochs = min(search.earlyTime.probeAfterEpochs, epochs)
        hooks.onProbe = { [unowned self] state, ledger, run in
            try self.probe(&state, ledger: &ledger, run: run, switchTimeSteps: switchTimeSteps)
        }
    }

    private func probe(_ state: inout TrainingState, ledger: inout CostLedger, run: String, switchTimeSteps: Bool) throws {
        let batch = fixedBatch(images: min(search.earlyTime.probeImages, data.train.count), stream: 90_000_000)
        let started = now()
        let (probe, passes) = try EarlyTime.probe(parameters: &state.parameters, spec: state.spec, batch: batch,
                                                  config: search.earlyTime, afterEpochs: state.epochsCompleted)
        let seconds = now() - started
        for (i, steps) in passes.enumerated() {
            ledger.record(phase: "probe", run: run, timeSteps: steps, images: batch.count, macs: snnMACs, trained: false,
                          seconds: i == 0 ? seconds : 0)
        }
        document.results.earlyTime = probe
        let values = zip(probe.candidates, probe.normalized).map { String(format: "n%d=%.3f", $0.0, $0.1) }.joined(separator: " ")
        onEvent(.note("early-time probe after \(probe.afterEpochs) epochs on \(probe.images) images: \(values) → T_early = \(probe.chosen) (λ = \(probe.lambda))"))
        if switchTimeSteps { state.spec.timeSteps = probe.chosen }
    }

    /// One deterministic batch of training images (with the training augmentation), for the
    /// probe and SNIP.
    private func fixedBatch(images: Int, stream: Int) -> Batch {
        BatchIterator(data: data.train, batchSize: max(images, 1), epoch: stream, seed: training.seed, shuffle: true,
                      augmentation: training.augment ? .standard : .none, normalization: data.normalization).batch(at: 0)
    }

    // MARK: - Runs

    struct RunHooks {
        /// Take the rewind state once this many optimiser steps of the run are done (0 = the start).
        var rewindStep: Int?
        var onRewind: ((TrainingState) -> Void)?
        /// Checks per epoch at evenly spaced batches (the first before batch 0).
        var checksPerEpoch = 0
        /// Called with the state, the epoch position and the run's ledger so far; true stops the run.
        var onCheck: ((TrainingState, Double, CostLedger) -> Bool)?
        var probeAfterEpochs: Int?
        var onProbe: ((inout TrainingState, inout CostLedger, String) throws -> Void)?
        /// Evaluate on the test set at the end.
        var evaluate = true
        /// Ledger phase of the training steps.
        var phase = "train"
    }

    struct RunResult {
        var state: TrainingState
        var ledger: CostLedger
        /// `nil` when the run was not evaluated (early-bird search, replay).
        var evaluation: Evaluation?
        var evalLedger: CostLedger

        var accuracy: Double { evaluation?.accuracy ?? 0 }
    }

    /// Trains run `setup` from `start()` — or from its stored state when the document holds this
    /// run in progress — writing the document after every epoch. Does not mark it complete.
    private func execute(_ requested: RunSetup, start: () throws -> TrainingState, hooks: RunHooks = RunHooks()) throws -> RunResult {
        var setup = requested
        var ledger = CostLedger()
        var state: TrainingState
        if let cursor = document.progress.current, let saved = document.states["run"] {
            guard cursor.setup.id == requested.id else {
                throw SearchConfigError("the ticket file is in the middle of run '\(cursor.setup.id)' but the search expected '\(requested.id)'; it cannot be resumed")
            }
            setup = cursor.setup
            ledger = cursor.ledger
            state = saved
        } else {
            state = try start()
            state.momentum = []
            state.epochsCompleted = 0
            state.history = []
            state.config.epochs = setup.epochs
            state.config.learningRate = setup.learningRate * setup.learningRateScale
            state.notes["ticket.run"] = setup.id
            state.notes["ticket.level"] = String(setup.level)
            state.notes["ticket.method"] = header.method.rawValue
            if hooks.rewindStep == 0 { hooks.onRewind?(state) }
            document.progress.current = RunCursor(setup: setup, ledger: ledger)
        }
        let macs = setup.ann ? annMACs : snnMACs
        var trainer = try Trainer(state: state, normalization: data.normalization)
        let batches = batchesPerEpoch
        let checkBatches = hooks.checksPerEpoch > 0
            ? Set((0..<hooks.checksPerEpoch).map { $0 * batches / hooks.checksPerEpoch }) : []
        var stopped = false
        while !stopped && trainer.state.epochsCompleted < setup.trainEpochs {
            let epoch = trainer.state.epochsCompleted
            let timeSteps = trainer.state.spec.timeSteps
            let lr = learningRate(setup, epoch: epoch, timeSteps: timeSteps)
            let iterator = BatchIterator(data: data.train, batchSize: training.batchSize, epoch: setup.streamBase + epoch,
                                         seed: training.seed, shuffle: true, augmentation: training.augment ? .standard : .none,
                                         normalization: data.normalization, dropLast: false)
            let epochStart = now()
            var lossSum = 0.0, correct = 0, seen = 0
            for b in 0..<batches {
                if checkBatches.contains(b), let onCheck = hooks.onCheck {
                    let checkStart = now()
                    let stop = onCheck(trainer.state, Double(epoch) + Double(b) / Double(batches), ledger)
                    ledger.add(CostEntry(phase: "check", run: setup.id, timeSteps: timeSteps, images: 0, forwardMACs: 0,
                                         backwardMACs: 0, seconds: now() - checkStart))
                    if stop {
                        stopped = true
                        break
                    }
                }
                let stepStart = now()
                let batch = iterator.batch(at: b)
                let (loss, right) = trainer.step(batch, learningRate: lr)
                let seconds = now() - stepStart
                ledger.record(phase: hooks.phase, run: setup.id, timeSteps: timeSteps, images: batch.count, macs: macs,
                              trained: true, seconds: seconds)
                sessionWork += batch.count * (macs.forward(timeSteps: timeSteps) + macs.backward(timeSteps: timeSteps))
                sessionSeconds += seconds
                lossSum += loss * Double(batch.count)
                correct += right
                seen += batch.count
                if let rewindStep = hooks.rewindStep, rewindStep > 0, epoch * batches + b + 1 == rewindStep {
                    hooks.onRewind?(trainer.state)
                }
                onEvent(.batch(status(setup, epoch: epoch, batch: b + 1, batches: batches, timeSteps: timeSteps,
                                      meanLoss: lossSum / Double(seen), ledger: ledger)))
            }
            let seconds = now() - epochStart
            // A blown-up run stops here, before its state is saved: the file keeps the last good epoch.
            try TrainingDiverged.check(loss: lossSum, epoch: epoch, run: setup.id, parameters: trainer.state.parameters)
            var next = trainer.state
            if seen > 0 || !stopped {
                next.history.append(EpochRecord(epoch: epoch, learningRate: lr, trainLoss: lossSum / Double(max(seen, 1)),
                                            trainAccuracy: Double(correct) / Double(max(seen, 1)), testAccuracy: nil,
                                            seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9)))
            }
            if stopped { trainer.setState(next); break }
            next.epochsCompleted += 1
            if hooks.probeAfterEpochs == next.epochsCompleted, let onProbe = hooks.onProbe {
                try onProbe(&next, &ledger, setup.id)
                trainer = try Trainer(state: next, normalization: data.normalization)
            } else {
                trainer.setState(next)
            }
            onEvent(.epochFinished(status(setup, epoch: epoch, batch: batches, batches: batches, timeSteps: timeSteps,
                                          meanLoss: lossSum / Double(max(seen, 1)), ledger: ledger), next.history.last!))
            document.states["run"] = trainer.state
            document.progress.current = RunCursor(setup: setup, ledger: ledger)
            try persist(document)
            sessionEpochs += 1
            if let limit = stopAfterEpochs, sessionEpochs >= limit { throw SearchInterrupted() }
        }
        var evaluation: Evaluation?
        var evalLedger = CostLedger()
        if hooks.evaluate {
            let started = now()
            let result = trainer.evaluate(on: data.test)
            evalLedger.record(phase: "eval", run: setup.id, timeSteps: trainer.state.spec.timeSteps, images: result.images,
                              macs: macs, trained: false, seconds: now() - started)
            trainer.recordTestAccuracy(result.accuracy)
            lastAccuracy = result.accuracy
            evaluation = result
        }
        return RunResult(state: trainer.state, ledger: ledger, evaluation: evaluation, evalLedger: evalLedger)
    }

    /// The learning rate of a run's epoch: cosine from the peak to the minimum over the run's
    /// length (stepped twice per epoch under `doubleStep`), times the run's scale, times
    /// T_early/T while an early-time search trains at T_early and the code's loss scaling is on.
    func learningRate(_ setup: RunSetup, epoch: Int, timeSteps: Int) -> Float {
        let step = setup.doubleStep ? 2 * epoch : epoch
        var lr: Float
        if setup.minimumLearningRate == 0 {
            var config = training
            config.epochs = setup.epochs
            config.learningRate = setup.learningRate
            lr = config.learningRate(atEpoch: step)  // the same bits as `snnc train`
        } else {
            let phase = Double.pi * Double(step) / Double(setup.epochs)
            lr = Float(Double(setup.minimumLearningRate)
                       + Double(setup.learningRate - setup.minimumLearningRate) * (1 + cos(phase)) / 2)
        }
        var scale = setup.learningRateScale
        if !setup.ann && timeSteps < fullT && search.earlyTime.scaleLossByTimeSteps {
            scale *= Float(timeSteps) / Float(fullT)
        }
        return scale == 1 ? lr : lr * scale
    }

    // MARK: - Levels

    private func storeLevel(_ level: Int, _ result: RunResult, label: String, round: Int? = nil, target: DensityTarget? = nil,
                            search searchCost: CostTotals, earlyBird: EarlyBirdDetection? = nil, annAccuracy: Double? = nil) {
        var state = trimmed(result.state)
        state.notes["ticket.level"] = String(level)
        state.notes["ticket.method"] = header.method.rawValue
        let report = SparsityReport(state.parameters)
        let evaluation = result.evaluation
        let spikes = (evaluation?.spikesPerImage ?? []).map { LayerSpikes(node: $0.node, spikes: $0.spikes, neurons: $0.neurons) }
        var ledger = result.ledger
        ledger.add(result.evalLedger)
        let info = LevelInfo(level: level, label: label, round: round, target: target, sparsity: report,
                             paperSparsity: report.paperPercent, weightSparsity: report.weightPercent,
                             layers: WeightMask(state.parameters).layerDensities, timeSteps: state.spec.timeSteps,
                             testAccuracy: evaluation?.accuracy ?? 0, testImages: evaluation?.images ?? 0,
                             testLoss: evaluation?.loss ?? 0,
                             spikes: spikes, spikesPerImage: spikes.reduce(0) { $0 + $1.spikes },
                             trainEpochs: state.epochsCompleted, searchCost: searchCost, trainCost: result.ledger.total(),
                             evalCost: result.evalLedger.total(excluding: []), ledger: ledger.entries,
                             searchAccuracy: nil, searchTimeSteps: nil, earlyBird: earlyBird, annAccuracy: annAccuracy)
        document.levels[level] = TicketLevel(info: info, state: state)
        onEvent(.levelFinished(info))
    }

    /// A state without optimiser momentum (levels and carried states never need it).
    private func trimmed(_ state: TrainingState) -> TrainingState {
        var copy = state
        copy.momentum = []
        return copy
    }

    // MARK: - Progress

    private func status(_ setup: RunSetup, epoch: Int, batch: Int, batches: Int, timeSteps: Int, meanLoss: Double,
                        ledger: CostLedger) -> SearchStatus {
        let rate = sessionSeconds > 0 ? Double(sessionWork) / sessionSeconds : 0
        let remaining = rate > 0 ? Double(max(0, plannedWork() - ledger.total().work)) / rate : nil
        return SearchStatus(method: header.method, run: setup.id, level: setup.level, lastLevel: lastLevel, epoch: epoch,
                            epochs: setup.trainEpochs, batch: batch, batches: batches, timeSteps: timeSteps,
                            meanLoss: meanLoss, lastAccuracy: lastAccuracy, remainingSeconds: remaining)
    }

    private var lastLevel: Int {
        header.method.isIterative ? search.rounds : search.targets.count
    }

    /// Training work of the runs not yet finished (the current one in full), as planned.
    private func plannedWork() -> Int {
        let images = data.train.count
        let epochs = training.epochs
        let later = document.results.laterRoundEpochs ?? epochs
        let early = document.results.earlyTime?.chosen ?? fullT
        var runs: [(id: String, epochs: Int, timeSteps: Int, ann: Bool)] = []
        switch header.method {
        case .imp, .impET:
            let et = header.method == .impET
            if header.source == nil { runs.append(("round0", epochs, fullT, false)) }
            for k in stride(from: 1, through: search.rounds, by: 1) {
                if et && (search.reportedRounds.contains(k) || k == search.rounds) { runs.append(("final\(k)", later, fullT, false)) }
                if !et || k < search.rounds { runs.append(("round\(k)", later, et ? early : fullT, false)) }
            }
        case .eb, .ebET:
            runs.append(("eb.search", epochs, header.method == .ebET ? early : fullT, false))
            for i in search.targets.indices { runs.append(("eb.retrain\(i + 1)", epochs, fullT, false)) }
        case .snip, .random:
            let prefix = header.method == .snip ? "snip.train" : "random.train"
            for i in search.targets.indices { runs.append(("\(prefix)\(i + 1)", epochs, fullT, false)) }
        case .transfer:
            for k in 0...search.rounds { runs.append(("ann.round\(k)", k == 0 ? epochs : later, 1, true)) }
            for k in search.reportedRounds {
                runs.append(("transfer\(k)", search.transferStart == .rewind ? later : epochs, fullT, false))
            }
        }
        return runs.filter { !isCompleted($0.id) }.reduce(0) { total, run in
            let macs = run.ann ? annMACs : snnMACs
            return total + run.epochs * images * (macs.forward(timeSteps: run.timeSteps) + macs.backward(timeSteps: run.timeSteps))
        }
    }

    private func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
