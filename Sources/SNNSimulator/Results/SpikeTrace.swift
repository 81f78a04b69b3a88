/// The events of one layer at one step: C-order unit indices, ascending, with their payloads.
public struct EventList: Sendable, Equatable {
    /// Units with a non-zero output (C-order index within the layer's shape), ascending.
    public var indices: [Int32]
    /// The payload of each event (1 for a spike, a count after sum or average pooling), or nil
    /// when the layer only carries spikes (every payload is 1).
    public var payloads: [Int32]?

    /// Creates an event list.
    public init(indices: [Int32], payloads: [Int32]? = nil) {
        self.indices = indices
        self.payloads = payloads
    }

    /// Number of events.
    public var count: Int { indices.count }

    /// The payload of event `k`.
    public func payload(_ k: Int) -> Int32 { payloads?[k] ?? 1 }
}

/// The events of one layer over all steps of one inference.
public struct LayerTrace: Sendable, Equatable {
    /// Layer name.
    public var name: String
    /// The layer's shape (`[C, H, W]` or `[F]`).
    public var shape: [Int]
    /// One event list per step.
    public var steps: [EventList]

    /// Creates a layer trace.
    public init(name: String, shape: [Int], steps: [EventList]) {
        self.name = name
        self.shape = shape
        self.steps = steps
    }
}

/// Every event of one inference: the spikes of each LIF group and the outputs of each pool.
public struct SpikeTrace: Sendable, Equatable {
    /// One trace per recorded layer (LIF groups and pools), in execution order.
    public var layers: [LayerTrace]

    /// Creates a trace.
    public init(layers: [LayerTrace]) { self.layers = layers }

    /// The trace of the layer called `name`, if recorded.
    public subscript(name: String) -> LayerTrace? { layers.first { $0.name == name } }
}
