import SNNCompiler
import SNNIR
import SNNSimulator
import SNNTickets
import SNNTrain

/// The fit of a ticket level (`snnc prune --target … --budget …`): the level's state compiled
/// with the compiler and options of `snnc export` (max-|w| quantisation; structure-only
/// estimates at the stored assumed rate, or, with calibration images, estimates from the
/// activity the event simulator measures on them, as `export --calibration` uses it), checked
/// against the `inspect --budget` limits. SNNTickets stores the result; this type, in the CLI, is the
/// one place that joins it to SNNCompiler, so SNNTickets need not depend on the compiler.
struct LevelFitCheck {
    var profiles: [ChipProfile]
    var budgets: [Budget]
    var assumedRate: Double
    /// The first `calibrationImages` of the training split (in file order, not the search's
    /// subset, so `snnc simulate --split train --limit N` runs the same ones), loaded once.
    var images: CalibrationImages
    /// Simulator threads.
    var threads: Int

    /// Loads the targets and parses the budget of `settings`; `data` says where the training
    /// images of the calibration are.
    /// - Throws: a `Diagnostic` for an unknown target or an unreadable budget.
    init(_ settings: FitSettings, data: DataConfig? = nil, threads: Int = 1) throws {
        profiles = try settings.targets.map(loadProfile)
        budgets = try settings.budget.map(Budget.parse) ?? []
        assumedRate = settings.assumedRate
        images = CalibrationImages(count: settings.calibrationImages, data: data)
        self.threads = threads
    }

    /// The level's fit for every target, in order. A model the deployment bridge cannot express
    /// (nor `snnc export`, then) fits no target: the bridge's reason is the violation.
    /// - Throws: a `Diagnostic` when the calibration images cannot be read.
    func check(_ state: TrainingState) throws -> LevelFit {
        let graph: Graph
        do {
            graph = try DeploymentBridge.graph(from: state, name: "ticket")
        } catch {
            let reason = (error as? DeploymentBridgeError)?.reason ?? "\(error)"
            return LevelFit(
                targets: profiles.map { profile in
                    TargetFit(
                        target: profile.name, cores: nil, coresAvailable: profile.cores.count, memoryBytes: nil, synapticOps: nil,
                        energyPicojoules: nil, latencySeconds: nil, activity: nil,
                        violations: [FitViolation(constraint: "deployment graph", message: reason, prunable: false)])
                })
        }
        let inputs = try images.inputs(for: graph)
        return LevelFit(targets: profiles.map { fit(graph, $0, inputs: inputs) })
    }

    /// One target: the compiler's estimates and the budgets exceeded, or the compiler's error.
    func fit(_ graph: Graph, _ profile: ChipProfile, inputs: SimulationInputs?) -> TargetFit {
        let floor = NeuronFloor(graph, profile)
        let options = QuantizeOptions(scaleRule: .maxAbs)
        do {
            var compiled = try compile(graph, for: profile, quantization: options, assumedRate: assumedRate)
            if let inputs {
                guard let calibration = calibrate(compiled, on: inputs) else {
                    let violation = FitViolation(
                        constraint: "simulation", message: "the event simulator cannot run the compiled level", prunable: false)
                    return TargetFit(
                        target: profile.name, cores: nil, coresAvailable: profile.cores.count, memoryBytes: nil, synapticOps: nil,
                        energyPicojoules: nil, latencySeconds: nil, activity: nil, violations: [violation])
                }
                compiled = try compile(graph, for: profile, quantization: options, calibration: calibration)
            }
            guard let e = compiled.estimates else {
                let violation = FitViolation(constraint: "estimate", message: "the compiler gave no estimates", prunable: false)
                return TargetFit(
                    target: profile.name, cores: nil, coresAvailable: profile.cores.count, memoryBytes: nil, synapticOps: nil,
                    energyPicojoules: nil, latencySeconds: nil, activity: nil, violations: [violation])
            }
            let violations = budgets.map { $0.check(e) }.filter(\.exceeded).map { check in
                var message = "\(check.key) \(check.render(check.actual)) exceeds the budget"
                var layer: String?
                let neuronBound = check.kind == .cores && Double(floor.cores ?? 0) > check.limit
                if neuronBound, let cores = floor.cores {
                    message += "; the neurons alone need \(cores) cores (" + floor.largest + ")"
                    layer = floor.largestLayer
                }
                return FitViolation(
                    constraint: "budget \(check.key) = \(check.render(check.limit))", layer: layer, message: message,
                    prunable: check.kind != .neurons && !neuronBound, neurons: check.kind == .neurons || neuronBound)
            }
            return TargetFit(
                target: profile.name, cores: e.cores, coresAvailable: profile.cores.count, memoryBytes: e.memoryBytes,
                synapticOps: e.synapticOps, energyPicojoules: e.energy.total, latencySeconds: e.latencySeconds,
                activity: e.activity.label, violations: violations, layers: Self.layers(compiled, profile))
        } catch {
            let compiler = FitViolation(
                constraint: error.limit ?? "compile", layer: error.layer, message: error.reason,
                prunable: error.kind == .capacity && floor.violation == nil, hint: error.kind == .capacity ? nil : error.hint,
                neurons: error.kind == .capacity && floor.violation != nil)
            // A capacity error comes from core mapping: the lowered graph still says what each population needs.
            let lowered = error.kind == .capacity ? try? compileToCSR(graph, for: profile, quantization: options) : nil
            return TargetFit(
                target: profile.name, cores: nil, coresAvailable: profile.cores.count, memoryBytes: nil, synapticOps: nil,
                energyPicojoules: nil, latencySeconds: nil, activity: nil,
                violations: (floor.violation.map { [$0] } ?? []) + [compiler], layers: lowered.flatMap { Self.layers($0, profile) })
        }
    }

    /// The cores of every population of a lowered graph (`coreDemand`), nil where the compiler
    /// cannot say (other mappings, a population that fits no core).
    static func layers(_ lowered: Graph, _ profile: ChipProfile) -> [LayerCores]? {
        guard let demand = try? coreDemand(lowered, for: profile) else { return nil }
        return demand.map {
            LayerCores(
                population: $0.population, cores: $0.cores, neuronCores: $0.neuronCores, limits: $0.limits.map(\.rawValue),
                weights: $0.weightLayers)
        }
    }
}

extension LevelFitCheck {
    /// The activity of `compiled` on the calibration images, as `snnc simulate --calibration-out`
    /// measures it (events per layer and step, and per unit); nil when the simulator cannot run it.
    func calibrate(_ compiled: Graph, on inputs: SimulationInputs) -> Calibration? {
        guard let simulator = try? EventSimulator(compiled) else { return nil }
        let batches = SimulationBatches(
            simulator: simulator, count: inputs.count, labels: inputs.labels, image: { inputs.image($0) },
            threads: threads, reference: nil, keepTraces: false, tracesForEach: false, unitCounts: true, batchSize: inputs.count)
        return try? batches.run(progress: { _ in }).calibration()
    }
}

/// The calibration images of a search's fit check, read on first use (every level has the same
/// input shape and preprocessing).
final class CalibrationImages {
    let count: Int
    let data: DataConfig?
    private var loaded: SimulationInputs?

    init(count: Int, data: DataConfig?) {
        self.count = count
        self.data = data
    }

    /// The images for `graph`'s input; nil without calibration.
    func inputs(for graph: Graph) throws -> SimulationInputs? {
        guard count > 0, let data else { return nil }
        if let loaded { return loaded }
        let inputs = try SimulationInputs.load(
            dataset: data.dataset, directory: data.directory, limit: count, graph: graph, file: data.directory, split: .train)
        loaded = inputs
        return inputs
    }
}

/// The cores a graph needs for its neurons alone, which no weight pruning lowers: each
/// population (LIF group, readout) split over cores of `neurons_per_core` on split-mapping
/// targets, all of them on the one core of a single-core target.
struct NeuronFloor {
    /// Cores the neurons need (nil on layer-per-core targets, whose mapper decides per layer).
    var cores: Int?
    /// Set when the neurons alone do not fit the target.
    var violation: FitViolation?
    /// The population needing the most cores, and how many for how many neurons.
    var largestLayer: String?
    var largest = ""

    init(_ graph: Graph, _ profile: ChipProfile) {
        var populations = graph.layers.filter { if case .lif = $0.op { true } else { false } }
        if let readout = graph.layers.last { populations.append(readout) }
        let perCore = max(profile.cores.neuronsPerCore, 1)
        switch profile.cores.mapping {
        case .split:
            let needs = populations.map { (name: $0.name, units: $0.unitCount, cores: ($0.unitCount + perCore - 1) / perCore) }
            let total = needs.reduce(0) { $0 + $1.cores }
            cores = total
            guard let top = needs.max(by: { $0.cores < $1.cores }) else { return }
            largestLayer = top.name
            largest = "'\(top.name)': \(top.cores) cores for \(top.units) neurons at \(perCore) per core"
            guard total > profile.cores.count else { return }
            violation = FitViolation(
                constraint: "[cores] cores = \(profile.cores.count)", layer: top.name,
                message: "the neurons alone need \(total) cores (largest \(largest)), the target has \(profile.cores.count)",
                prunable: false, neurons: true)
        case .singleCore:
            let total = populations.reduce(0) { $0 + $1.unitCount }
            cores = 1
            guard total > perCore else { return }
            violation = FitViolation(
                constraint: "[cores] neurons_per_core = \(perCore)",
                message: "the network has \(total) neurons, the target's one core holds \(perCore)", prunable: false,
                neurons: true)
        case .layerPerCore:
            cores = nil
        }
    }
}
