/// What a search checks every level against: chip targets and budgets (`snnc prune --target
/// … --budget …`), and whether IMP goes on until a level fits (`--until-fits`).
///
/// SNNTickets does not compile: it stores these settings in the header and the results
/// (`LevelFit`) beside each level, and asks `TicketSearch.fitCheck` (supplied by the caller,
/// which owns the compiler) for the fit of every level it stores.
public struct FitSettings: Codable, Equatable, Sendable {
    /// Target profile names (or paths) as given, in order.
    public var targets: [String]
    /// The `--budget` text as given (`memory=256KiB,cores=64`), nil for none.
    public var budget: String?
    /// Firing probability per neuron and step of the structure-only estimates (the compiler's
    /// default activity assumption), used when `calibrationImages` is 0.
    public var assumedRate: Double
    /// Training images (the first ones of the search's training set) each level is simulated on
    /// to calibrate its activity; 0 for structure-only estimates at `assumedRate`.
    public var calibrationImages: Int
    /// IMP goes on round after round until a level fits every target and budget.
    public var untilFits: Bool
    /// With `untilFits`: rounds to run past the first fitting level.
    public var extraRoundsAfterFit: Int
    /// With `untilFits`: the search fails when no level up to this round fits.
    public var maxRounds: Int

    public init(
        targets: [String], budget: String? = nil, assumedRate: Double = 0.1, calibrationImages: Int = 0,
        untilFits: Bool = false, extraRoundsAfterFit: Int = 0, maxRounds: Int = 30
    ) {
        self.targets = targets
        self.budget = budget
        self.assumedRate = assumedRate
        self.calibrationImages = calibrationImages
        self.untilFits = untilFits
        self.extraRoundsAfterFit = extraRoundsAfterFit
        self.maxRounds = maxRounds
    }
}

/// One reason a level does not fit a target: a compiler error or a budget exceeded.
public struct FitViolation: Codable, Equatable, Sendable {
    /// The constraint: the profile limit (`[cores] cores = 64`) or the budget (`budget memory = 256 KiB`).
    public var constraint: String
    /// The layer the compiler names, if any.
    public var layer: String?
    /// What is wrong, in the compiler's (or the budget check's) words.
    public var message: String
    /// Whether pruning more weights can remove it; false for neuron counts (pruning keeps every
    /// neuron) and for errors that are not about capacity.
    public var prunable: Bool
    /// The compiler's advice, if it gave any.
    public var hint: String?
    /// True when the violation is a neuron count (the neurons alone need more cores than the
    /// target has, a `neurons` budget, a `cores` budget below that floor): removing channels
    /// (`--structured`) can fix it. Nil otherwise, and in files written before it existed.
    public var neurons: Bool?

    public init(
        constraint: String, layer: String? = nil, message: String, prunable: Bool, hint: String? = nil, neurons: Bool = false
    ) {
        self.constraint = constraint
        self.layer = layer
        self.message = message
        self.prunable = prunable
        self.hint = hint
        self.neurons = neurons ? true : nil
    }

    /// Whether the violation is a neuron count (see `neurons`).
    public var isNeuronCount: Bool { neurons ?? false }

    /// `layer 'x': message (constraint)`.
    public var text: String { (layer.map { "layer '\($0)': " } ?? "") + message + " (\(constraint))" }
}

/// A level compiled for one target: the compiler's estimates per inference (nil when compiling
/// failed) and what does not fit.
public struct TargetFit: Codable, Equatable, Sendable {
    /// The profile's name.
    public var target: String
    /// Cores used, and the target's core count.
    public var cores: Int?
    public var coresAvailable: Int
    /// Synapse memory on the chip, bytes.
    public var memoryBytes: Int?
    /// Synaptic operations per inference.
    public var synapticOps: Double?
    /// Energy per inference, picojoules (dynamic + static).
    public var energyPicojoules: Double?
    /// Latency per inference, seconds.
    public var latencySeconds: Double?
    /// The estimates' activity (e.g. `assumed rate 0.1`).
    public var activity: String?
    /// Empty when the level fits.
    public var violations: [FitViolation]
    /// No violations.
    public var fits: Bool
    /// The cores of every population as the compiler cuts them (before the core count is
    /// checked, so also when the level does not fit); nil where the compiler cannot say (other
    /// mappings than `split`, errors before core mapping) and in files written before it.
    public var layers: [LayerCores]?

    public init(
        target: String, cores: Int?, coresAvailable: Int, memoryBytes: Int?, synapticOps: Double?,
        energyPicojoules: Double?, latencySeconds: Double?, activity: String?, violations: [FitViolation],
        layers: [LayerCores]? = nil
    ) {
        self.target = target
        self.cores = cores
        self.coresAvailable = coresAvailable
        self.memoryBytes = memoryBytes
        self.synapticOps = synapticOps
        self.energyPicojoules = energyPicojoules
        self.latencySeconds = latencySeconds
        self.activity = activity
        self.violations = violations
        fits = violations.isEmpty
        self.layers = layers
    }

    /// The cores the level needs: `cores` when it compiled, else the sum of `layers` (the
    /// compiler's cut before the core count is checked, so a level short of cores still says
    /// how many it needs); nil when neither is known.
    public var coresNeeded: Int? { cores ?? layers.map { $0.reduce(0) { $0 + $1.cores } } }
}

/// One population's cores on a target (`TargetFit.layers`), compact in `fit.json`: `limits`
/// and `weights` are left out when its neurons alone set its cores.
public struct LayerCores: Codable, Equatable, Sendable {
    /// The population: a LIF group (`lif3`) or the readout.
    public var population: String
    /// Cores the compiler gives it.
    public var cores: Int
    /// Cores its neurons alone need (⌈neurons / neurons_per_core⌉).
    public var neuronCores: Int
    /// The per-core limits that raised `cores` above `neuronCores` (`synapse memory`, `fan-in`,
    /// `fan-out`); nil when the neurons set them.
    public var limits: [String]?
    /// The weight layers (conv, linear) whose kept weights set `cores` above `neuronCores`: the
    /// layers feeding it for memory and fan-in, those reading its spikes for fan-out; nil when
    /// the neurons set them.
    public var weights: [String]?

    public init(population: String, cores: Int, neuronCores: Int, limits: [String] = [], weights: [String] = []) {
        self.population = population
        self.cores = cores
        self.neuronCores = neuronCores
        self.limits = limits.isEmpty ? nil : limits
        self.weights = weights.isEmpty ? nil : weights
    }

    /// Whether weights, not neurons, set its cores: it needs more than its neurons alone, and
    /// the compiler names the weight layers behind that.
    public var isWeightBound: Bool { cores > neuronCores && !(weights ?? []).isEmpty }
}

/// A level checked against every target and budget of the search (stored as
/// `/levels/<k>/fit.json`).
public struct LevelFit: Codable, Equatable, Sendable {
    /// One entry per target, in the order of `FitSettings.targets`.
    public var targets: [TargetFit]
    /// Every target fits (budgets included).
    public var fits: Bool

    public init(targets: [TargetFit]) {
        self.targets = targets
        fits = targets.allSatisfy(\.fits)
    }

    /// The first violation pruning cannot remove, if any.
    public var unprunable: (target: String, violation: FitViolation)? {
        for t in targets {
            if let v = t.violations.first(where: { !$0.prunable }) { return (t.target, v) }
        }
        return nil
    }

    /// The first violation that is a neuron count (channel pruning can fix it), if any.
    public var neuronBound: (target: String, violation: FitViolation)? {
        for t in targets {
            if let v = t.violations.first(where: \.isNeuronCount) { return (t.target, v) }
        }
        return nil
    }

    /// The first violation, if any.
    public var binding: (target: String, violation: FitViolation)? {
        for t in targets {
            if let v = t.violations.first { return (t.target, v) }
        }
        return nil
    }
}

/// `--until-fits` cannot succeed: a level violates a constraint pruning cannot fix, or no level
/// up to the round limit fits. The levels found stay in the ticket file.
public struct SearchCannotFit: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var hint: String?

    public init(reason: String, hint: String?) {
        self.reason = reason
        self.hint = hint
    }

    public var description: String { reason + (hint.map { " (hint: \($0))" } ?? "") }
}
