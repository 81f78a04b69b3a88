import ArgumentParser
import Foundation
import SNNReport
import SNNStore

extension SNNC {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one self-contained HTML page with the plots of ticket searches, deployments and simulations.",
            discussion: """
                Takes any mix of ticket files (snnc prune) or their 'snnc prune --json' summaries, deployment \
                files (snnc export), calibration files (snnc simulate --calibration-out) and 'snnc simulate \
                --json' output (with --compare: float vs integer per layer), recognised by their content, and \
                writes one HTML file with inline SVG and CSS (no script, no network; opens offline).

                Ticket searches (all files together; seeds of the same method and settings are averaged): \
                accuracy vs sparsity per method with a ± sd band and the dense line, search work and time vs \
                accuracy, early-time speed-ups, early-bird detections, early-time probes, layer-wise density, \
                spikes and training time per level, transferred tickets. Each deployment: weight memory per \
                layer (CSR vs dense vs on chip), the core map (layer per core, fill of each core, the binding \
                constraint outlined), energy by layer and cause, cycles per step, budgets (the chip's capacity \
                and --budget) pass/fail. Calibration and simulation: spikes per layer per step, cycles per step, \
                float vs integer rates and agreement. Every plot has a table of its numbers; --json prints \
                them all.

                The page is written to a temporary file and renamed into place, and only after every input \
                was read: a file that cannot be used is an error and leaves no output.

                Examples:
                  snnc report tickets.h5 model.snn.h5 -o report.html
                  snnc report results/*.json -o report.html --title Reproduction
                  snnc report model.snn.h5 compare.json --budget memory=256KiB -o r.html --json
                """)

        @Argument(help: "Ticket files, prune --json summaries, deployment files, calibration files, simulate --json outputs.")
        var files: [String] = []
        @Option(name: .shortAndLong, help: "The HTML file to write.")
        var output: String?
        @Flag(help: "Print the data behind every plot as JSON.")
        var json = false
        @Option(help: "The page title.")
        var title = "snnc report"
        @Option(help: "Limits to show for every deployment, as in 'snnc inspect --budget' (e.g. memory=256KiB,energy=2uJ).")
        var budget: String?

        func validate() throws {
            if files.isEmpty { throw ValidationError("pass at least one file to report on") }
            if output == nil && !json { throw ValidationError("pass -o report.html (or --json for the data alone)") }
        }

        func run() throws {
            try reportingDiagnostics {
                let budgets = try budget.map(Budget.parse) ?? []
                let inputs = try files.flatMap { try ReportSources.readAll($0, budgets: budgets) }
                let report = SNNReport.Report(inputs: inputs, title: title, generator: "snnc \(SNNC.version)")
                if let output { try write(HTMLReport.render(report), to: output) }
                if json { print(try report.json()) }
                if let output {
                    printError(
                        "wrote \(output): \(Units.counted(report.plots.count, "plot")) "
                            + "from \(Units.counted(files.count, "file"))"
                    )
                }
            }
        }

        /// Writes atomically (`AtomicFile`: a temporary in the same folder, fsync'ed and renamed
        /// into place; an old page stays as it was on any failure).
        private func write(_ page: String, to path: String) throws {
            do {
                try AtomicFile.write(Data(page.utf8), to: path)
            } catch let error as FileWriteError {
                throw Diagnostic(message: "cannot write the report: \(error.reason)", location: path, hint: error.hint)
            }
        }
    }
}
