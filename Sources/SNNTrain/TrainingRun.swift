/// Trains a model epoch by epoch to its configured length (`TrainingConfig.epochs`), resumably.
///
/// Every epoch trains on `data.train`, stops with `TrainingDiverged` when the loss or a
/// parameter became non-finite (before anything of that epoch is handed on, so a file written
/// through `persist` keeps the last good epoch), tests on `data.test`, records the accuracy in
/// the history and hands the state to `persist`. A run started from a state written this way
/// continues bit for bit: batches, augmentation and the learning rate are keyed by the seed and
/// the epoch, never by how the process got there.
public struct TrainingRun {
    /// The trainer; its state is the last finished epoch's once `run` returns.
    public private(set) var trainer: Trainer
    /// The training and test images.
    public let data: TrainingData
    private let persist: (TrainingState) throws -> Void

    /// Prepares a run of `state` (new, or read back for a resume) on `data`; `persist` is called
    /// with the state after every finished epoch.
    /// - Throws: what `Trainer.init(state:normalization:)` throws for a model that cannot be built.
    public init(state: TrainingState, data: TrainingData, persist: @escaping (TrainingState) throws -> Void) throws {
        trainer = try Trainer(state: state, normalization: data.normalization)
        self.data = data
        self.persist = persist
    }

    /// The training state (the last finished epoch's between epochs).
    public var state: TrainingState { trainer.state }

    /// Whether every configured epoch has been trained.
    public var isFinished: Bool { trainer.state.epochsCompleted >= trainer.state.config.epochs }

    /// Trains the remaining epochs. `progress` is called after every batch; `epochFinished`
    /// with the epoch's record and test evaluation after its state was persisted.
    /// - Throws: `TrainingDiverged` (nothing of that epoch persisted); errors of `persist`.
    public mutating func run(
        progress: (BatchProgress) -> Void = { _ in },
        epochFinished: (EpochRecord, Evaluation) -> Void = { _, _ in }
    ) throws {
        let total = trainer.state.config.epochs
        while trainer.state.epochsCompleted < total {
            let epoch = trainer.state.epochsCompleted
            let record = trainer.trainEpoch(on: data.train, progress: progress)
            try TrainingDiverged.check(loss: record.trainLoss, epoch: epoch, parameters: trainer.state.parameters)
            let evaluation = trainer.evaluate(on: data.test)
            trainer.recordTestAccuracy(evaluation.accuracy)
            try persist(trainer.state)
            epochFinished(record, evaluation)
        }
    }
}
