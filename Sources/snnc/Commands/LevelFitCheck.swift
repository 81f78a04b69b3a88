import SNNCompiler
import SNNIR
import SNNTickets
import SNNTrain

/// The fit of a ticket level (`snnc prune --target … --budget …`): the level's state compiled
/// with the compiler and options of `snnc export` (max-|w| quantisation, structure-only
/// estimates at the stored assumed rate: activity is not calibrated on images), checked against
/// the `inspect --budget` limits. SNNTickets stores the result; this type, in the CLI, is the
/// one place that joins it to SNNCompiler, so SNNTickets need not depend on the compiler.
struct LevelFitCheck {
    var profiles: [ChipProfile]
    var budgets: [Budget]
    var assumedRate: Double

    /// Loads the targets and parses the budget of `settings`.
    /// - Throws: a `Diagnostic` for an unknown target or an unreadable budget.
    init(_ settings: FitSettings) throws {
        profiles = try settings.targets.map(loadProfile)
        budgets = try settings.budget.map(Budget.parse) ?? []
        assumedRate = settings.assumedRate
    }

    /// The level's fit for every target, in order. A model the deployment bridge cannot express
    /// (nor `snnc export`, then) fits no target: the bridge's reason is the violation.
    func check(_ state: TrainingState) -> LevelFit {
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
        return LevelFit(targets: profiles.map { fit(graph, $0) })
    }

    /// One target: the compiler's estimates and the budgets exceeded, or the compiler's error.
    func fit(_ graph: Graph, _ profile: ChipProfile) -> TargetFit {
        let floor = NeuronFloor(graph, profile)
        do {
            let compiled = try compile(graph, for: profile, quantization: QuantizeOptions(scaleRule: .maxAbs), assumedRate: assumedRate)
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
                    prunable: check.kind != .neurons && !neuronBound)
            }
            return TargetFit(
                target: profile.name, cores: e.cores, coresAvailable: profile.cores.count, memoryBytes: e.memoryBytes,
                synapticOps: e.synapticOps, energyPicojoules: e.energy.total, latencySeconds: e.latencySeconds,
                activity: e.activity.label, violations: violations)
        } catch {
            let compiler = FitViolation(
                constraint: error.limit ?? "compile", layer: error.layer, message: error.reason,
                prunable: error.kind == .capacity && floor.violation == nil, hint: error.kind == .capacity ? nil : error.hint)
            return TargetFit(
                target: profile.name, cores: nil, coresAvailable: profile.cores.count, memoryBytes: nil, synapticOps: nil,
                energyPicojoules: nil, latencySeconds: nil, activity: nil,
                violations: (floor.violation.map { [$0] } ?? []) + [compiler])
        }
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
                prunable: false)
        case .singleCore:
            let total = populations.reduce(0) { $0 + $1.unitCount }
            cores = 1
            guard total > perCore else { return }
            violation = FitViolation(
                constraint: "[cores] neurons_per_core = \(perCore)",
                message: "the network has \(total) neurons, the target's one core holds \(perCore)", prunable: false)
        case .layerPerCore:
            cores = nil
        }
    }
}
