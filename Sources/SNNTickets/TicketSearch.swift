import Foundation
import SNNData
import SNNTensor
import SNNTrain

/// Runs one ticket search, resumably.
///
/// The search is a fixed sequence of steps (training runs, the SNIP gradient, …) whose inputs
/// are all stored in the `TicketDocument`: one plan per method (`plan()`, written in the
/// method's extension file) that the engine performs and the progress estimate sums. After
/// every finished epoch the document — including the run's state at that epoch, its optimiser
/// momentum and any search state such as the early-bird window — is handed to `persist`; after
/// every finished step, too. Running a search on a document read back from such a write redoes
/// nothing that was persisted and reproduces the uninterrupted search bit for bit: every random
/// draw is keyed by the seed and the step, never by how the process got there.
public final class TicketSearch {
    public internal(set) var document: TicketDocument
    public let data: TrainingData
    /// Called with every event; keep it cheap (it runs after every batch).
    public var onEvent: (SearchEvent) -> Void = { _ in }
    /// Stop with `SearchInterrupted` after this many epochs of this session (tests, demos).
    public var stopAfterEpochs: Int?
    /// Compiles a level's state for the targets of `SearchConfig.fit` and checks its budgets.
    /// The caller supplies it (SNNTickets does not compile); without it, levels get no fit and
    /// `untilFits` cannot decide (the search stops at its planned rounds).
    public var fitCheck: ((TrainingState) throws -> LevelFit)?

    let persist: (TicketDocument) throws -> Void
    /// The initialisation at the full T.
    let base: TrainingState
    let layout: PrunableLayout
    let snnMACs: MACCount
    let annMACs: MACCount
    var sessionEpochs = 0
    var sessionWork = 0
    var sessionSeconds = 0.0
    var lastAccuracy: Double?

    var header: TicketHeader { document.header }
    var search: SearchConfig { document.header.search }
    var training: TrainingConfig { document.header.training }
    var fullT: Int { document.header.spec.timeSteps }
    var batchesPerEpoch: Int { (data.train.count + training.batchSize - 1) / training.batchSize }

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
        let expected = [spec.inputChannels, spec.inputHeight, spec.inputWidth]
        guard shape == expected else {
            throw SearchConfigError("the data's images are \(shape) but the model expects \(expected)")
        }
    }

    // MARK: - Driving

    /// Runs (or continues) the search to the end. Writes through `persist` as it goes.
    /// - Throws: `SearchInterrupted` when `stopAfterEpochs` is reached; errors of `persist`.
    /// - Throws: `SearchCannotFit` when `untilFits` finds a level it cannot make fit (the file
    ///   keeps every level so far).
    public func run() throws {
        let validated = try checkMissingValidation()
        if try checkMissingFits() || validated { try persist(document) }
        guard !document.progress.finished else { return }
        try persist(document)
        if document[state: .source] != nil && !isCompleted(.source) { try evaluateSource() }
        recordPlanResults()
        while true {
            for step in plan() where !isCompleted(step.id) {
                try stopIfCannotFit()  // before every step, so a resume does not train past such a level either
                try perform(step)
            }
            guard let rounds = try roundsNeededForFit() else { break }
            // Every round reported: IMP+ET then retrains each at the full T, and the plan to
            // round n is the plan to round n − 1 with steps appended.
            document.header.search.targets = (1...rounds).map { .rounds($0) }
        }
        document.progress.finished = true
        document.progress.current = nil
        document.states = document.states.filter { $0.key == StateKey.rewind.rawValue || $0.key == StateKey.annRewind.rawValue }
        document.masks = [:]
        try persist(document)
    }

    func isCompleted(_ id: StepID) -> Bool { document.progress.completed.contains(id.name) }

    /// Marks a step finished (its results already in the document), evaluates the levels it stored
    /// on the validation set (`checkMissingValidation`), checks their fit (`checkMissingFits`) and
    /// writes the file: a level, its validation accuracy and its fit are written together.
    func complete(_ id: StepID) throws {
        document.progress.completed.append(id.name)
        document.progress.current = nil
        document[state: .run] = nil
        _ = try checkMissingValidation()
        _ = try checkMissingFits()
        try persist(document)
    }

    /// Results the plan's steps read: the rewind point and later rounds' length of the iterative
    /// methods, the early-bird targets' counts.
    private func recordPlanResults() {
        switch header.method {
        case .imp, .impET, .transfer:
            document.results.rewindStep = rewindCaptureStep
            document.results.laterRoundEpochs = laterRoundEpochs
        case .eb, .ebET:
            if document.results.earlyBird.isEmpty {
                document.results.earlyBird = search.targets.map {
                    EarlyBirdTargetState(
                        target: $0,
                        kept: Pruning.keptCount(
                            $0, layout: layout, scope: search.scope,
                            rate: search.pruneRate))
                }
            }
        case .snip, .random, .gradR, .deepR, .oneShot:
            break
        }
    }

    // MARK: - Levels

    func storeLevel(
        _ level: Int, _ result: RunResult, label: String, round: Int? = nil, target: DensityTarget? = nil,
        search searchCost: CostTotals, earlyBird: EarlyBirdDetection? = nil, annAccuracy: Double? = nil
    ) {
        var state = trimmed(result.state)
        state.notes["ticket.level"] = String(level)
        state.notes["ticket.method"] = header.method.rawValue
        var report = SparsityReport(state.parameters)
        if state.spec.keptChannels != nil {
            // Removed channels count as pruned weights of the unpruned model.
            report.prunable = base.parameters.prunableCount
            report.parameters = base.parameters.parameterCount
        }
        let evaluation = result.evaluation
        let spikes = (evaluation?.spikesPerImage ?? []).map { LayerSpikes(node: $0.node, spikes: $0.spikes, neurons: $0.neurons) }
        var ledger = result.ledger
        ledger.add(result.evalLedger)
        var info = LevelInfo(
            level: level, label: label, round: round, target: target, sparsity: report,
            paperSparsity: report.paperPercent, weightSparsity: report.weightPercent,
            layers: WeightMask(state.parameters).layerDensities, timeSteps: state.spec.timeSteps,
            testAccuracy: evaluation?.accuracy ?? 0, testImages: evaluation?.images ?? 0,
            testLoss: evaluation?.loss ?? 0,
            spikes: spikes, spikesPerImage: spikes.reduce(0) { $0 + $1.spikes },
            trainEpochs: state.epochsCompleted, searchCost: searchCost, trainCost: result.ledger.total(),
            evalCost: result.evalLedger.total(excluding: []), ledger: ledger.entries,
            searchAccuracy: nil, searchTimeSteps: nil, earlyBird: earlyBird, annAccuracy: annAccuracy)
        info.keptChannels = state.spec.keptChannels
        document.levels[level] = TicketLevel(info: info, state: state)
        onEvent(.levelFinished(info))
    }

    /// A state without optimiser momentum (levels and carried states never need it).
    func trimmed(_ state: TrainingState) -> TrainingState {
        var copy = state
        copy.momentum = []
        return copy
    }

    // MARK: - Progress

    func status(
        _ setup: RunSetup, epoch: Int, batch: Int, batches: Int, timeSteps: Int, meanLoss: Double,
        ledger: CostLedger
    ) -> SearchStatus {
        SearchStatus(
            method: header.method, run: setup.id, level: setup.level, lastLevel: lastLevel, epoch: epoch,
            epochs: setup.trainEpochs, batch: batch, batches: batches, timeSteps: timeSteps,
            meanLoss: meanLoss, lastAccuracy: lastAccuracy, remainingSeconds: secondsLeft(afterRun: ledger))
    }

    /// The seconds the planned training not yet done takes at this session's pace: the planned
    /// runs not completed, less the training the current run's `ledger` holds for them (not its
    /// probes, nor a `--from` replay, which no plan counts); nil before the session has a pace.
    func secondsLeft(afterRun ledger: CostLedger) -> Double? {
        let rate = sessionSeconds > 0 ? Double(sessionWork) / sessionSeconds : 0
        guard rate > 0 else { return nil }
        let open = Set(plan().filter { !isCompleted($0.id) }.compactMap { $0.plannedRun?.setup.id })
        let done = ledger.entries.filter { $0.phase == "train" && open.contains($0.run) }.reduce(0) { $0 + $1.work }
        return Double(max(0, plannedWork() - done)) / rate
    }

    private var lastLevel: Int {
        header.method.isIterative ? search.rounds : search.targets.count
    }

    func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
