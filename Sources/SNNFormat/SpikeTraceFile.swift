import SNNStore

/// The spike trace file that `snnc simulate --trace` writes: every image's events per recorded
/// layer and step, with the batch's predictions and logits (layout in DESIGN.md, "Spike trace file").
///
/// Fill `layers` with `Layer.appendStep(indices:payloads:)`, image by image and step by step
/// within an image, then `write(to:)`.
public struct SpikeTraceFile: Sendable, Equatable {
    /// The value of the root attribute `format`.
    public static let formatName = "snnc-spike-trace"
    /// The value of the root attribute `format_version`: `[major, minor]`.
    public static let version: [Int32] = [1, 0]

    /// One recorded layer's events over all images and steps, as stored: the events of row
    /// `r = n·T + t` (image n, step t) are `indices[indptr[r] ..< indptr[r + 1]]`.
    public struct Layer: Sendable, Equatable {
        /// Layer name (the group's name under `layers/`).
        public var name: String
        /// The layer's shape (`[C, H, W]` or `[F]`).
        public var shape: [Int]
        /// Row offsets into `indices`: `[0]` followed by the running event count after each row.
        public private(set) var indptr: [Int64] = [0]
        /// C-order unit indices, ascending within a row.
        public private(set) var indices: [Int32] = []
        /// The payload of every event (1 for a spike of a list that had none).
        public private(set) var payloads: [Int32] = []
        /// Whether every row came without payloads (spikes only); `payloads` is then not written.
        public private(set) var binary = true

        /// An empty layer.
        public init(name: String, shape: [Int]) {
            self.name = name
            self.shape = shape
        }

        /// Adds the next row: the events of one step of one image, with their payloads, or nil
        /// when every event is a spike of payload 1.
        public mutating func appendStep(indices stepIndices: [Int32], payloads stepPayloads: [Int32]?) {
            indices += stepIndices
            if let stepPayloads {
                payloads += stepPayloads
                binary = false
            } else {
                payloads += Array(repeating: 1, count: stepIndices.count)
            }
            indptr.append(Int64(indices.count))
        }
    }

    /// The deployment file the traces came from (root attribute `model`).
    public var model: String
    /// Images traced (root attribute `images`).
    public var images: Int
    /// Time steps per image (root attribute `time_steps`).
    public var timeSteps: Int
    /// The predicted class of each image.
    public var predictions: [Int]
    /// The label of each image, when known.
    public var labels: [Int]?
    /// Each image's integer logits summed over the steps (`[N, K]`).
    public var logits: [[Int64]]
    /// The recorded layers in execution order (their names form `layer_order`).
    public var layers: [Layer]

    /// Creates a file value.
    public init(
        model: String, images: Int, timeSteps: Int, predictions: [Int], labels: [Int]?, logits: [[Int64]],
        layers: [Layer]
    ) {
        self.model = model
        self.images = images
        self.timeSteps = timeSteps
        self.predictions = predictions
        self.labels = labels
        self.logits = logits
        self.layers = layers
    }

    /// Writes the file atomically (`HDF5File.write`): it appears complete or not at all.
    /// - Throws: `HDF5Error` when the file cannot be written.
    public func write(to path: String) throws {
        try HDF5File.write(to: path) { root in
            try root.setAttribute("format", string: Self.formatName)
            try root.setAttribute("format_version", Self.version)
            try root.setAttribute("model", string: model)
            try root.setAttribute("images", scalar: Int64(images))
            try root.setAttribute("time_steps", scalar: Int64(timeSteps))
            try root.write("predictions", predictions.map(Int64.init))
            if let labels { try root.write("labels", labels.map(Int64.init)) }
            let classes = logits.first?.count ?? 0
            try root.write("logits", logits.flatMap { $0 }, shape: [logits.count, classes])
            try root.write("layer_order", strings: layers.map(\.name))
            let group = try root.createGroup("layers")
            for layer in layers {
                let child = try group.createGroup(layer.name)
                try child.setAttribute("shape", layer.shape.map(Int64.init))
                try child.setAttribute("binary", scalar: UInt8(layer.binary ? 1 : 0))
                try child.write("indptr", layer.indptr)
                try child.write("indices", layer.indices)
                if !layer.binary { try child.write("payloads", layer.payloads) }
            }
        }
    }
}
