import Foundation
import FoundationXML
import SNNFormat
import SNNTickets
import Testing

/// `snnc report` on real files: the compare fixture's ticket file, its export, `simulate --compare
/// --json` output and a calibration file; and every way an input can be refused.
@Suite("snnc report")
struct ReportCLITests {
    /// Writes the four inputs into `d` and returns their paths (tickets, model, compare, calibration).
    static func inputs(in d: TemporaryDirectory) throws -> [String] {
        let model = try CompareFixture.export(in: d)
        let (run, _) = try CompareFixture.compare(model, limit: 16)
        #expect(run.status == 0, "\(run.stderr)")
        let compare = d.path + "/compare.json"
        try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: compare))
        let calibration = d.path + "/cal.json"
        let simulate = try CLI.run([
            "simulate", model, "--data-dir", CompareFixture.data, "--limit", "16", "--calibration-out", calibration,
        ])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        // The next step: the export the file records, taking the measurement instead of an assumed rate.
        #expect(
            simulate.stderr.contains(
                "next: 'snnc export \(try CompareFixture.tickets()) --target edge -o \(model) --calibration \(calibration) --force'"),
            "\(simulate.stderr)")
        return [try CompareFixture.tickets(), model, compare, calibration]
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func plot(_ report: [String: Any], _ id: String) throws -> [String: Any] {
        let plots = report["plots"] as? [[String: Any]] ?? []
        return try #require(plots.first { $0["id"] as? String == id }, "no plot \(id): \(plots.map { $0["id"] ?? "?" })")
    }

    static func ys(_ plot: [String: Any], _ series: String) -> [Double] {
        let all = plot["series"] as? [[String: Any]] ?? []
        let points = all.first { $0["name"] as? String == series }?["points"] as? [[String: Any]] ?? []
        return points.map { $0["y"] as? Double ?? .nan }
    }

    @Test func theJSONHasTheNumbersTheOtherCommandsPrint() throws {
        let d = try TemporaryDirectory()
        let files = try Self.inputs(in: d)
        let output = d.path + "/report.html"
        let run = try CLI.run(["report"] + files + ["-o", output, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("wrote \(output)"))
        let report = Self.object(run.stdout)

        // Ticket levels: the ticket file's own summaries.
        let tickets = try TicketFile.open(files[0])
        let accuracy = try Self.plot(report, "tickets-accuracy")
        let level1 = try #require(tickets.level(1))
        #expect(Self.ys(accuracy, "imp") == [100 * level1.testAccuracy])
        let dense = try #require(tickets.level(0))
        #expect((accuracy["references"] as? [[String: Any]])?.first?["y"] as? Double == 100 * dense.testAccuracy)
        let spikes = try Self.plot(report, "tickets-spikes-imp")
        #expect(Self.ys(spikes, "lif1") == [dense, level1].map { $0.spikes[0].spikes })

        // The deployment: what snnc inspect --json prints.
        let inspect = Self.object(try CLI.run(["inspect", files[1], "--json"]).stdout)
        let rows = inspect["layers"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty)
        let memory = try Self.plot(report, "deployment1-memory")
        #expect(Self.ys(memory, "CSR").map { $0 * 1024 } == rows.map { Double($0["csr_bytes"] as? Int ?? -1) })
        #expect(Self.ys(memory, "dense").map { $0 * 1024 } == rows.map { Double($0["dense_bytes"] as? Int ?? -1) })
        let latency = try Self.plot(report, "deployment1-latency")
        #expect(Array(Self.ys(latency, "cycles per step").dropLast()) == rows.map { $0["cycles_per_step"] as? Double ?? -1 })
        let totals = inspect["totals"] as? [String: Any] ?? [:]
        let cycles = Self.ys(latency, "cycles per step").reduce(0, +)
        #expect(abs(cycles - (totals["cycles_per_step"] as? Double ?? 0)) < 1e-6)
        let cores = try Self.plot(report, "deployment1-cores")
        let cells = (cores["coreMap"] as? [String: Any])?["cores"] as? [[String: Any]] ?? []
        #expect(cells.count == (inspect["memory_per_core"] as? [Int])?.count)

        // --compare: the simulate --json figures, layer by layer.
        let compare = Self.object(try String(contentsOfFile: files[2], encoding: .utf8))
        let layers = ((compare["comparison"] as? [String: Any])?["result"] as? [String: Any])?["layers"] as? [[String: Any]] ?? []
        #expect(layers.count == 3)
        let rates = try Self.plot(report, "simulation2-rates")
        #expect(Self.ys(rates, "float") == layers.map { $0["float_rate"] as? Double ?? -1 })
        #expect(Self.ys(rates, "integer") == layers.map { $0["integer_rate"] as? Double ?? -1 })
        let agreement = try Self.plot(report, "simulation2-agreement")
        #expect(Self.ys(agreement, "jaccard") == layers.map { $0["jaccard"] as? Double ?? -1 })
        let simulated = compare["spikes"] as? [[String: Any]] ?? []
        let steps = try Self.plot(report, "simulation2-spikes")
        #expect(Self.ys(steps, "lif1") == (simulated.first?["events_per_step"] as? [Double] ?? []))

        // The calibration file.
        let calibration = Self.object(try String(contentsOfFile: files[3], encoding: .utf8))
        let events = calibration["events"] as? [String: [Double]] ?? [:]
        let measured = try Self.plot(report, "calibration3-spikes")
        #expect(!events.isEmpty)
        for (layer, perStep) in events { #expect(Self.ys(measured, layer) == perStep, "\(layer)") }

        // The page: well-formed XML with one figure per plot, no script.
        let html = try String(contentsOfFile: output, encoding: .utf8)
        let document = try XMLDocument(data: Data(html.utf8), options: [])
        let figures = try document.nodes(forXPath: "//*[local-name()='figure']")
        #expect(figures.count == (report["plots"] as? [Any])?.count)
        #expect(!html.contains("<script"))
    }

    func expectRefused(_ arguments: [String], output: String, _ fragments: [String]) throws {
        let run = try CLI.run(["report"] + arguments + ["-o", output])
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stderr.contains("Error: ") && run.stderr.contains("At: ") && run.stderr.contains("Hint: "), "\(run.stderr)")
        for f in fragments { #expect(run.stderr.contains(f), "missing '\(f)' in \(run.stderr)") }
    }

    /// A ticket file checked against targets (`prune --resume --target`) gets the fit plot, with
    /// the cores its levels store.
    @Test func aTicketFileWithFitsGetsTheFitPlot() throws {
        let d = try TemporaryDirectory()
        let tickets = d.path + "/tickets.h5"
        try FileManager.default.copyItem(atPath: try CompareFixture.tickets(), toPath: tickets)
        let fit = try CLI.run(["prune", "--resume", "--target", "edge", "-o", tickets])
        #expect(fit.status == 0, "\(fit.stderr)")
        let run = try CLI.run(["report", tickets, "-o", d.path + "/r.html", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let plots = (Self.object(run.stdout)["plots"] as? [[String: Any]]) ?? []
        let plot = try #require(
            plots.first { ($0["id"] as? String)?.hasPrefix("tickets-fit-") == true }, "\(plots.map { $0["id"] ?? "?" })")
        let stored = try TicketFile.open(tickets)
        let cores = [0, 1].compactMap { stored.fits[$0]?.targets.first?.cores }.map(Double.init)
        #expect(cores.count == 2)
        #expect(Self.ys(plot, "edge") == cores)
    }

    @Test func unusableInputsAreRefusedAndNothingIsWritten() throws {
        let d = try TemporaryDirectory()
        let output = d.path + "/report.html"
        let unknown = d.path + "/other.json"
        try Data(#"{"loss": 0.5, "epoch": 3}"#.utf8).write(to: URL(fileURLWithPath: unknown))
        let text = d.path + "/notes.txt"
        try Data("not a result\n".utf8).write(to: URL(fileURLWithPath: text))
        let broken = d.path + "/broken.json"
        try Data(#"{"header": {}, "levels": [], "results": {}}"#.utf8).write(to: URL(fileURLWithPath: broken))
        let checkpoint = try CLITests.checkpoint(in: d)

        try expectRefused([unknown], output: output, [unknown, "does not recognise (keys: epoch, loss)", "snnc report reads"])
        try expectRefused([text], output: output, [text, "neither HDF5 nor a JSON object"])
        try expectRefused([broken], output: output, [broken, "looks like a 'snnc prune --json' summary but cannot be read", "has no key"])
        try expectRefused([checkpoint], output: output, [checkpoint, "neither a ticket file nor a deployment file", "checkpoint"])
        try expectRefused([d.path + "/missing.h5"], output: output, ["no such file"])
        try expectRefused([d.path], output: output, ["is a folder"])
        #expect(!FileManager.default.fileExists(atPath: output))

        // A good input before a bad one: still nothing written, and an existing report is untouched.
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        try expectRefused([try CompareFixture.tickets(), unknown], output: output, [unknown])
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: d.path).filter {
            $0.contains("report.html") && $0 != "report.html"
        }
        #expect(leftovers.isEmpty)

        // A budget inspect would refuse.
        try expectRefused([try CompareFixture.tickets(), "--budget", "speed=3"], output: output, ["unknown budget 'speed=3'"])
        // Into a folder that does not exist.
        try expectRefused([try CompareFixture.tickets()], output: d.path + "/no/such/report.html", ["cannot write the report"])
        // Neither -o nor --json: a usage error.
        #expect(try CLI.run(["report", try CompareFixture.tickets()]).status == 64)
    }
}
