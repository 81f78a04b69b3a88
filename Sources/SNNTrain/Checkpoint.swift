import Foundation
import SNNStore
import SNNTensor

/// One finished epoch, as recorded in the checkpoint's history.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// Test accuracy in [0, 1], or `nil` when no test set was evaluated.
    public var testAccuracy: Double?
    public var seconds: Double
    public var imagesPerSecond: Double

    public init(
        epoch: Int, learningRate: Float, trainLoss: Double, trainAccuracy: Double,
        testAccuracy: Double?, seconds: Double, imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
    }
}

/// Everything needed to continue training bit for bit: model, optimiser state, progress.
public struct TrainingState: Equatable, Sendable {
    public var spec: ModelSpec
    public var config: TrainingConfig
    public var parameters: ParameterSet
    /// SGD momentum buffers aligned with `parameters.parameters`; empty before the first step.
    public var momentum: [Tensor]
    /// Epochs finished so far (the next epoch to run has this index).
    public var epochsCompleted: Int
    public var history: [EpochRecord]
    /// Free-form provenance (dataset, command line, …) stored as string attributes.
    public var notes: [String: String]

    /// A fresh state: parameters initialised from `config.seed`.
    public init(spec: ModelSpec, config: TrainingConfig) throws {
        self.spec = spec
        self.config = config
        var rng = SeededRNG(seed: config.seed)
        parameters = ParameterSet(graph: try LayerGraph(spec), scheme: config.initScheme, rng: &rng)
        momentum = []
        epochsCompleted = 0
        history = []
        notes = [:]
    }

    init(
        spec: ModelSpec, config: TrainingConfig, parameters: ParameterSet, momentum: [Tensor],
        epochsCompleted: Int, history: [EpochRecord], notes: [String: String]
    ) {
        self.spec = spec
        self.config = config
        self.parameters = parameters
        self.momentum = momentum
        self.epochsCompleted = epochsCompleted
        self.history = history
        self.notes = notes
    }
}

/// Reading and writing training checkpoints (HDF5).
///
/// Layout (version 1):
/// ```
/// /                 attrs format = "snnc-checkpoint", format_version = 1, snnc_version,
///                         model_spec (JSON), training_config (JSON), epochs_completed,
///                         note.<key> (strings)
/// /parameters/<name>  float32, the parameter's shape
/// /masks/<name>       uint8 0/1, only for pruned weights
/// /buffers/<name>     float32 (BN running statistics)
/// /momentum/<name>    float32 (absent before the first optimiser step)
/// /history            JSON array of EpochRecord (string dataset)
/// ```
public enum Checkpoint {
    public static let format = "snnc-checkpoint"
    public static let formatVersion: Int32 = 1

    /// Writes `state` atomically to `path`.
    public static func save(_ state: TrainingState, to path: String, snncVersion: String) throws {
        try HDF5File.write(to: path) { root in
            try write(state, into: root, snncVersion: snncVersion)
        }
    }

    /// Writes `state` into `root` (the file's root or any group, e.g. one level of a ticket file),
    /// with the layout described above.
    public static func write(_ state: TrainingState, into root: HDF5Group, snncVersion: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let specJSON = String(decoding: try encoder.encode(state.spec), as: UTF8.self)
        let configJSON = String(decoding: try encoder.encode(state.config), as: UTF8.self)
        let historyJSON = String(decoding: try encoder.encode(state.history), as: UTF8.self)
        try root.setAttribute("format", string: format)
        try root.setAttribute("format_version", scalar: formatVersion)
        try root.setAttribute("snnc_version", string: snncVersion)
        try root.setAttribute("model_spec", string: specJSON)
        try root.setAttribute("training_config", string: configJSON)
        try root.setAttribute("epochs_completed", scalar: Int64(state.epochsCompleted))
        for (key, value) in state.notes.sorted(by: { $0.key < $1.key }) {
            try root.setAttribute("note." + key, string: value)
        }
        let parameters = try root.createGroup("parameters")
        let masks = try root.createGroup("masks")
        for p in state.parameters.parameters {
            try parameters.write(p.name, p.value.scalars, shape: p.value.shape)
            if let mask = p.mask {
                try masks.write(p.name, mask.scalars.map { $0 != 0 ? UInt8(1) : 0 }, shape: mask.shape)
            }
        }
        let buffers = try root.createGroup("buffers")
        for b in state.parameters.buffers {
            try buffers.write(b.name, b.value.scalars, shape: b.value.shape)
        }
        if !state.momentum.isEmpty {
            let momentum = try root.createGroup("momentum")
            for (p, m) in zip(state.parameters.parameters, state.momentum) {
                try momentum.write(p.name, m.scalars, shape: m.shape)
            }
        }
        try root.write("history", string: historyJSON)
    }

    /// Reads a checkpoint written by `save`.
    /// - Throws: `HDF5Error` for unreadable files or missing objects; `CheckpointError` for a file
    ///   that is HDF5 but not an snnc checkpoint, or of an unknown version.
    public static func load(from path: String) throws -> TrainingState {
        try read(from: HDF5File.open(path).root)
    }

    /// Reads a state written by `write(_:into:snncVersion:)` from `root` (a file's root or a group).
    public static func read(from root: HDF5Group) throws -> TrainingState {
        let path = root.file.path + (root.path == "/" ? "" : ":" + root.path)
        guard (try? root.stringAttribute("format")) == format else {
            throw CheckpointError(
                path: path, reason: "not an snnc checkpoint (no format = \"\(format)\" attribute on '/')",
                hint: "pass a file written by 'snnc train' or 'snnc import'")
        }
        let version = try root.scalarAttribute("format_version", as: Int32.self)
        guard version == formatVersion else {
            throw CheckpointError(
                path: path, reason: "checkpoint format version \(version) is not supported (this snnc reads version \(formatVersion))",
                hint: "use the snnc version that wrote it")
        }
        let decoder = JSONDecoder()
        let spec = try decode(ModelSpec.self, root.stringAttribute("model_spec"), path, "model_spec", decoder)
        let config = try decode(TrainingConfig.self, root.stringAttribute("training_config"), path, "training_config", decoder)
        let history = try decode([EpochRecord].self, root.readString("history"), path, "history", decoder)
        let epochs = Int(try root.scalarAttribute("epochs_completed", as: Int64.self))

        // Build the expected structure from the spec, then fill it from the file with shape checks.
        let graph: LayerGraph
        do {
            graph = try LayerGraph(spec)
        } catch let error as ModelError {
            throw CheckpointError(
                path: path, reason: "'model_spec' is not valid: \(error.description)",
                hint: "the file is damaged or was not written by snnc; write it again with the command that made it")
        }
        let parameterGroup = try root.group("parameters")
        let maskGroup = try root.group("masks")
        let bufferGroup = try root.group("buffers")
        // The stored shapes first: the layout is allocated only for a file that holds it.
        let layout = ParameterSet.shapes(of: graph)
        for (group, tensors) in [(parameterGroup, layout.parameters.map { ($0.name, $0.shape) }), (bufferGroup, layout.buffers)] {
            for (name, shape) in tensors where (try group.info(of: name)).shape != shape {
                _ = try group.read(name, as: Float.self, shape: shape)  // throws the shape mismatch, before reading
            }
        }
        var parameters = ParameterSet(layoutOf: graph)
        for i in parameters.parameters.indices {
            let p = parameters.parameters[i]
            let stored = try parameterGroup.read(p.name, as: Float.self, shape: p.value.shape)
            parameters.parameters[i].value = Tensor(shape: stored.shape, scalars: stored.values)
            if maskGroup.contains(p.name) {
                let mask = try maskGroup.read(p.name, as: UInt8.self, shape: p.value.shape)
                parameters.parameters[i].mask = Tensor(shape: mask.shape, scalars: mask.values.map { $0 != 0 ? 1 : 0 })
            }
        }
        for i in parameters.buffers.indices {
            let b = parameters.buffers[i]
            let stored = try bufferGroup.read(b.name, as: Float.self, shape: b.value.shape)
            parameters.buffers[i].value = Tensor(shape: stored.shape, scalars: stored.values)
        }
        var momentum: [Tensor] = []
        if root.contains("momentum") {
            let group = try root.group("momentum")
            momentum = try parameters.parameters.map { p in
                let stored = try group.read(p.name, as: Float.self, shape: p.value.shape)
                return Tensor(shape: stored.shape, scalars: stored.values)
            }
        }
        var notes: [String: String] = [:]
        for name in try root.attributeNames() where name.hasPrefix("note.") {
            notes[String(name.dropFirst(5))] = try root.stringAttribute(name)
        }
        return TrainingState(
            spec: spec, config: config, parameters: parameters, momentum: momentum,
            epochsCompleted: epochs, history: history, notes: notes)
    }

    private static func decode<T: Decodable>(
        _ type: T.Type, _ json: String, _ path: String, _ key: String,
        _ decoder: JSONDecoder
    ) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError(path: path, reason: "'\(key)' is not valid: \(error)", hint: nil)
        }
    }
}

/// A file that is HDF5 but not a checkpoint this snnc can read.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var hint: String?

    public var description: String {
        "'\(path)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}
