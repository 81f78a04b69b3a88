import ArgumentParser
import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNTickets

extension SNNC {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a deployment file's per-layer memory, activity and energy, and check budgets.",
            discussion: """
                One row per synaptic layer: post neurons, non-zero synapses (unrolled), density of \
                the stored weights, compressed-sparse and dense bytes, synapse memory on the chip, \
                cores, input events per step, synaptic operations and energy per inference, then totals, \
                and NeuroBench's static metrics ('neurobench' in --json: Footprint, ParameterCount, \
                ConnectionSparsity; docs/METRICS.md).

                --budget takes comma-separated limits; each one exceeded is named with the excess \
                and the exit status is 3. Keys: memory (bytes: B, KiB, MiB, KB, MB), cores, neurons, \
                synapses, energy and dynamic_energy (pJ, nJ, uJ, mJ, J per inference), sops (per \
                inference, also synops; k, M, G allowed), spikes (per step), latency (s, ms, us, ns).

                A ticket file from 'snnc prune' prints its summary instead: one row per level \
                (and per target of 'prune --target': cores, memory, SynOps, energy, latency, fit), \
                after checking every rule of a ticket file (docs/HARDENING.md; exit status 1 and the \
                rule named when one is broken).

                Examples:
                  snnc inspect model.snn.h5
                  snnc inspect tickets.h5            # the levels and their fit
                  snnc inspect model.snn.h5 --json
                  snnc inspect model.snn.h5 --budget memory=256KiB,cores=64,energy=2uJ
                """)

        @Argument(help: "Deployment file written by 'snnc export' (or a ticket file from 'snnc prune').")
        var file: String
        @Flag(help: "Print JSON instead of a table.")
        var json = false
        @Option(help: "Limits to check, e.g. memory=256KiB,cores=64,energy=2uJ (exit status 3 if any is exceeded).")
        var budget: String?

        func run() throws {
            var exceeded: [BudgetCheck] = []
            try reportingDiagnostics {
                let budgets = try budget.map(Budget.parse) ?? []
                // A ticket file is read as one, every level's state included, so a rule it breaks
                // is the error shown (never the deployment reader's "not a deployment file").
                if TicketFile.isTicketFile(file) {
                    let tickets = try TicketFile.open(file)
                    try tickets.checkEveryLevel()
                    try printLevels(of: tickets)
                    return
                }
                let deployment = try DeploymentFile.read(file)
                let graph = deployment.graph
                guard let estimates = graph.estimates else {
                    throw Diagnostic(
                        message: "the file has no estimates", location: file,
                        hint: "export it again with 'snnc export'")
                }
                let checks = budgets.map { $0.check(estimates) }
                exceeded = checks.filter(\.exceeded)
                let profile = graph.target.flatMap { try? ChipProfile.named($0) }
                let cores = InspectReport.layerCores(graph, layerPerCore: profile?.cores.mapping == .layerPerCore)
                let neurons = InspectReport.coreNeurons(graph, singleCore: profile?.cores.mapping == .singleCore)
                if json {
                    let report = InspectReport(graph: graph, estimates: estimates, budgets: checks, layerCores: cores, coreNeurons: neurons)
                    print(try report.json())
                } else {
                    print(InspectReport.table(graph: graph, estimates: estimates, file: file, layerCores: cores, coreNeurons: neurons))
                    for check in checks where !check.exceeded {
                        print("budget ok: \(check.key) \(check.render(check.actual)) ≤ \(check.render(check.limit))")
                    }
                }
                for check in exceeded {
                    printError(
                        "budget exceeded: \(check.key) \(check.render(check.actual)) > \(check.render(check.limit)) "
                            + "(over by \(check.render(check.actual - check.limit)), "
                            + "\(String(format: "%.1f", 100 * (check.actual / check.limit - 1)))%)"
                    )
                }
            }
            if !exceeded.isEmpty { throw ExitCode(3) }
        }

        /// A ticket file: the summary `snnc prune` prints, with the fit of every level.
        private func printLevels(of tickets: TicketFile) throws {
            guard budget == nil else {
                throw Diagnostic(
                    message: "--budget checks a deployment file; a ticket file's levels were checked against the budget of its search",
                    location: file,
                    hint: "export a level with 'snnc export' and inspect that, or search with 'snnc prune --target … --budget …'")
            }
            let summary = PruneSummary(file: tickets)
            print(json ? try summary.json() : summary.text().joined(separator: "\n"))
        }
    }
}

/// One `key=value` limit of `--budget`.
struct Budget {
    enum Key: String, CaseIterable {
        case memory, cores, neurons, synapses, energy
        case dynamicEnergy = "dynamic_energy"
        case sops, spikes, latency
    }

    var key: Key
    var limit: Double

    /// Parses `memory=256KiB,cores=64,…`.
    static func parse(_ text: String) throws -> [Budget] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            // `synops` is accepted for `sops` (the name `snnc prune --budget` documents).
            guard parts.count == 2, let key = Key(rawValue: parts[0] == "synops" ? Key.sops.rawValue : parts[0]) else {
                throw Diagnostic(
                    message: "unknown budget '\(item)'", location: "--budget \(text)",
                    hint: "use key=value with keys \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let units: [String: Double] =
                switch key {
                case .memory: Units.byteUnits
                case .energy, .dynamicEnergy: Units.energyUnits
                case .latency: Units.timeUnits
                default: Units.countUnits
                }
            guard let value = Units.parse(parts[1], units: units) else {
                throw Diagnostic(
                    message: "cannot read the \(key.rawValue) budget '\(parts[1])'", location: "--budget \(text)",
                    hint: "write a number with a unit, e.g. memory=256KiB, energy=2uJ, latency=5ms, sops=1.5M")
            }
            return Budget(key: key, limit: value)
        }
    }

    func check(_ e: Estimates) -> BudgetCheck {
        let actual: Double =
            switch key {
            case .memory: Double(e.memoryBytes)
            case .cores: Double(e.cores)
            case .neurons: Double(e.neurons)
            case .synapses: Double(e.synapses)
            case .energy: e.energy.total
            case .dynamicEnergy: e.energy.dynamic
            case .sops: e.synapticOps
            case .spikes: e.spikesPerStep
            case .latency: e.latencySeconds
            }
        return BudgetCheck(key: key.rawValue, kind: key, actual: actual, limit: limit)
    }
}

/// A budget compared with the estimate.
struct BudgetCheck {
    var key: String
    var kind: Budget.Key
    var actual: Double
    var limit: Double
    var exceeded: Bool { actual > limit }

    func render(_ value: Double) -> String {
        switch kind {
        case .memory: Units.bytes(value)
        case .energy, .dynamicEnergy: Units.energy(picojoules: value)
        case .latency: Units.time(seconds: value)
        default: Units.count(value)
        }
    }
}
