/// The cores of a deployment on the chip's mesh: which layer each core hosts and how full its
/// neuron memory, synapse memory, fan-in and fan-out are.
public struct CoreMap: Sendable, Equatable, Encodable {
    /// Mesh width: core `k` sits in column `k % columns`, row `k / columns`.
    public var columns: Int
    /// One cell per core used, by core id.
    public var cores: [CoreCell]
    /// The resource that is fullest over all cores (the one that limits the mapping), if the
    /// capacities are known.
    public var binding: String?

    /// Creates a core map.
    public init(columns: Int, cores: [CoreCell], binding: String?) {
        self.columns = columns
        self.cores = cores
        self.binding = binding
    }
}

/// One core: its layer and the fill of each of its resources.
public struct CoreCell: Sendable, Equatable, Encodable {
    /// Core id.
    public var core: Int
    /// The population (layer) it hosts.
    public var layer: String
    /// The resources, in a fixed order (neurons, synapse memory, fan-in, fan-out).
    public var resources: [CoreResource]

    /// Creates a cell.
    public init(core: Int, layer: String, resources: [CoreResource]) {
        self.core = core
        self.layer = layer
        self.resources = resources
    }

    /// The fullest resource of this core (nil when no capacity is known).
    public var binding: CoreResource? {
        resources.filter { $0.fill != nil }.max { ($0.fill ?? 0) < ($1.fill ?? 0) }
    }
}

/// How much of one core resource is used.
public struct CoreResource: Sendable, Equatable, Encodable {
    /// `neurons`, `synapse memory`, `fan-in`, `fan-out`.
    public var name: String
    /// The unit of `used` and `capacity` (`neurons`, `B`, `entries`, `axons`).
    public var unit: String
    /// Amount used on the core.
    public var used: Int
    /// The core's capacity (nil when the target's profile is not known).
    public var capacity: Int?

    /// Creates a resource.
    public init(name: String, unit: String, used: Int, capacity: Int?) {
        self.name = name
        self.unit = unit
        self.used = used
        self.capacity = capacity
    }

    /// `used / capacity`, nil without a capacity.
    public var fill: Double? {
        guard let capacity, capacity > 0 else { return nil }
        return Double(used) / Double(capacity)
    }
}
