import Foundation
import SNNCompiler
import SNNDiagnostics

/// A sweep file (`snnc sweep …`): one snnc command and the grid of its runs, in the TOML subset of
/// `TOMLDocument`.
///
/// ```toml
/// [sweep]
/// command = "prune"              # prune | train | export | simulate
/// outputs = "runs"               # the runs' files, relative to this file's folder
/// name = "{method}-s{seed}"      # optional; default: the axes' labels joined by "-"
/// arguments = ["in/{method}.h5"] # optional positional arguments (export, simulate)
/// placeholder-axes = ["seed"]    # optional: list axes that name runs and fill {seed}, no --seed
///
/// [options]                      # every run: key = value → --key value
/// data-dir = "fixtures/fashion-mnist"
///
/// [axes]
/// seed = [0, 1]                  # a list axis: --seed 0 | --seed 1
///
/// [axes.method.imp]              # an axis of named option sets
/// method = "imp"
/// rounds = "4,8"
/// ```
///
/// Option values: a string, number or `true` is passed as `--key value` (`true`: `--key` alone),
/// `false` leaves the option out, an array repeats the option once per element. `{axis}` in a
/// string (options, arguments, name) is that axis's label. In a named option set, a key naming
/// another axis restricts that axis for this set (`seed = [0]`: this set runs with seed 0 only).
/// Every run works in the sweep file's folder.
struct SweepFile: Equatable {
    /// The commands a sweep can run.
    enum Command: String, CaseIterable {
        case prune, train, export, simulate
    }

    /// One `--key value` as written, with where it was written.
    struct Option: Equatable {
        var key: String
        var value: TOMLValue
        var position: TOMLPosition
    }

    /// One value of an axis: its label (used in names and `{axis}`), the options it adds and the
    /// labels it allows on other axes.
    struct AxisValue: Equatable {
        var label: String
        var options: [Option]
        var restrictions: [String: [String]]
        var position: TOMLPosition
    }

    /// An axis: a list of values (`seed = [0, 1]`, each `--seed <value>`) or named option sets.
    struct Axis: Equatable {
        var name: String
        var isNamed: Bool
        var values: [AxisValue]
        var position: TOMLPosition
    }

    /// `[slurm]` defaults of `snnc sweep slurm` (its options override them).
    struct SlurmDefaults: Equatable {
        var partition: String?
        var time: String?
        var cpusPerTask: Int?
        var mem: String?
        var maxParallel: Int?
    }

    /// The path as given.
    var path: String
    var command: Command
    /// The runs' folder, relative to the sweep file's folder.
    var outputs: String
    var nameTemplate: String?
    var arguments: [String]
    var options: [Option]
    var axes: [Axis]
    var slurm: SlurmDefaults

    /// The folder runs work in: the sweep file's.
    var directory: String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The sweep's name: the file name without `.toml`.
    var name: String {
        let file = (path as NSString).lastPathComponent
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
    }

    /// Options the sweep sets itself for every run.
    static let reservedKeys: Set<String> = ["output", "resume", "force", "json", "help", "version"]
    static let hint = "see docs/SWEEP.md for the sweep file's tables and keys"

    /// Reads and checks the sweep file at `path`.
    static func load(_ path: String) throws -> SweepFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw SweepFileError(
                path: path, position: nil, reason: exists ? "cannot read the sweep file" : "no such sweep file",
                hint: exists ? "check its permissions" : "check the path (a sweep file is TOML: docs/SWEEP.md)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses the text of a sweep file; `path` names it in errors and sets the runs' folder.
    static func parse(_ text: String, path: String) throws -> SweepFile {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text, file: path)
        } catch {
            throw SweepFileError(path: path, position: error.position, reason: error.reason, hint: "the sweep file is TOML (\(hint))")
        }
        var reader = SweepReader(path: path)
        return try reader.read(document.root)
    }
}

/// A sweep file that cannot be used: what, where (file:line:column) and what to do.
struct SweepFileError: SNNError, Equatable {
    var path: String
    var position: TOMLPosition?
    var reason: String
    var hint: String?

    var location: String? { position.map { "\(path):\($0.line):\($0.column)" } ?? path }
    var description: String { "\(location ?? path): \(reason)" + (hint.map { " (hint: \($0))" } ?? "") }
}

/// Checks a parsed TOML document against the sweep file's schema.
private struct SweepReader {
    let path: String

    func error(_ reason: String, at position: TOMLPosition?, hint: String? = SweepFile.hint) -> SweepFileError {
        SweepFileError(path: path, position: position, reason: reason, hint: hint)
    }

    mutating func read(_ root: TOMLTable) throws -> SweepFile {
        for key in root.keys where !["sweep", "options", "axes", "slurm"].contains(key) {
            throw error(
                "unknown table or key '\(key)'", at: root.entry(key)?.position,
                hint: "a sweep file has the tables [sweep], [options], [axes] and [slurm]")
        }
        guard let sweepEntry = root.entry("sweep") else {
            throw error(
                "no [sweep] table", at: nil, hint: "start the file with [sweep] and command = \"prune\" (or train, export, simulate)")
        }
        let sweep = try table(sweepEntry, "[sweep]")
        for key in sweep.keys where !["command", "outputs", "name", "arguments", "placeholder-axes"].contains(key) {
            throw error(
                "unknown key '\(key)' in [sweep]", at: sweep.entry(key)?.position,
                hint: "[sweep] takes command, outputs, name, arguments, placeholder-axes")
        }
        guard let commandEntry = sweep.entry("command") else {
            throw error("[sweep] has no command", at: sweep.position, hint: "add command = \"prune\" (or train, export, simulate)")
        }
        let commandName = try string(commandEntry, "command")
        guard let command = SweepFile.Command(rawValue: commandName) else {
            let names = SweepFile.Command.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("unknown command '\(commandName)'", at: commandEntry.position, hint: "a sweep runs one of: \(names)")
        }
        var outputs = "runs"
        if let entry = sweep.entry("outputs") {
            outputs = try string(entry, "outputs")
            if outputs.isEmpty || outputs.hasPrefix("/") {
                throw error(
                    "outputs must be a folder relative to the sweep file, not '\(outputs)'", at: entry.position,
                    hint: "e.g. outputs = \"runs\"; runs work in the sweep file's folder")
            }
        }
        let template = try sweep.entry("name").map { try string($0, "name") }
        var arguments: [String] = []
        if let entry = sweep.entry("arguments") {
            guard case .array(let values) = entry.value else {
                throw error("arguments must be an array of strings, not \(entry.value.kindName)", at: entry.position)
            }
            for value in values {
                guard case .string(let text) = value else {
                    throw error("arguments must be strings; \(value.tomlText) is \(value.kindName)", at: entry.position)
                }
                arguments.append(text)
            }
        }
        let options = try root.entry("options").map { try optionList(try table($0, "[options]"), "[options]") } ?? []
        var axes: [SweepFile.Axis] = []
        if let entry = root.entry("axes") {
            let table = try table(entry, "[axes]")
            for key in table.keys { axes.append(try axis(key, table.entry(key)!)) }
        }
        if let entry = sweep.entry("placeholder-axes") { try applyPlaceholders(entry, &axes) }
        try applyRestrictions(&axes)
        try checkOverlaps(options: options, axes: axes)
        let slurm = try root.entry("slurm").map { try slurmDefaults(try table($0, "[slurm]")) } ?? SweepFile.SlurmDefaults()
        return SweepFile(
            path: path, command: command, outputs: outputs, nameTemplate: template, arguments: arguments, options: options, axes: axes,
            slurm: slurm)
    }

    func table(_ entry: TOMLTable.Entry, _ name: String) throws -> TOMLTable {
        guard case .table(let table) = entry.value else {
            throw error("\(name) must be a table, not \(entry.value.kindName)", at: entry.position)
        }
        return table
    }

    func string(_ entry: TOMLTable.Entry, _ key: String) throws -> String {
        guard case .string(let text) = entry.value else {
            throw error("\(key) must be a string, not \(entry.value.kindName) (\(entry.value.tomlText))", at: entry.position)
        }
        return text
    }

    /// `--key value` options of a table; keys are snnc's long option names.
    func optionList(_ table: TOMLTable, _ name: String, skipping: Set<String> = []) throws -> [SweepFile.Option] {
        var options: [SweepFile.Option] = []
        for key in table.keys where !skipping.contains(key) {
            let entry = table.entry(key)!
            try checkOptionKey(key, entry.position, name)
            try checkOptionValue(key, entry.value, entry.position)
            options.append(SweepFile.Option(key: key, value: entry.value, position: entry.position))
        }
        return options
    }

    func checkOptionKey(_ key: String, _ position: TOMLPosition, _ name: String) throws {
        let allowed = key.count >= 2 && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard allowed, !key.hasPrefix("-") else {
            throw error(
                "'\(key)' in \(name) is not an option name", at: position,
                hint: "write the long option without dashes, e.g. data-dir = \"fixtures/fashion-mnist\" for --data-dir")
        }
        if SweepFile.reservedKeys.contains(key) {
            throw error(
                "'\(key)' in \(name) is set by the sweep itself", at: position,
                hint: "every run writes its own file under [sweep] outputs; snnc sweep run resumes and skips runs by itself")
        }
    }

    func checkOptionValue(_ key: String, _ value: TOMLValue, _ position: TOMLPosition) throws {
        switch value {
        case .table:
            throw error(
                "option '\(key)' has a table as its value", at: position, hint: "an option's value is a string, number, boolean or array")
        case .array(let values):
            for element in values {
                switch element {
                case .array, .table, .boolean:
                    throw error(
                        "option '\(key)': an array repeats the option once per element, so its elements must be strings or "
                            + "numbers, not \(element.kindName)",
                        at: position, hint: "for a list option write one string, e.g. rounds = \"4,8\"")
                default: continue
                }
            }
        default: return
        }
    }

    func axis(_ name: String, _ entry: TOMLTable.Entry) throws -> SweepFile.Axis {
        try checkOptionKey(name, entry.position, "[axes]")
        switch entry.value {
        case .array(let values):
            guard !values.isEmpty else {
                throw error("axis '\(name)' has no values", at: entry.position, hint: "give it at least one value, or remove it")
            }
            var seen: Set<String> = []
            let axisValues = try values.map { value -> SweepFile.AxisValue in
                let label: String
                switch value {
                case .string(let text): label = text
                case .integer, .float: label = value.tomlText
                default:
                    throw error(
                        "axis '\(name)': values must be strings or numbers, not \(value.kindName) (\(value.tomlText))", at: entry.position,
                        hint: "for option sets write [axes.\(name).<label>] tables")
                }
                try checkLabel(label, axis: name, entry.position)
                guard seen.insert(label).inserted else {
                    throw error("axis '\(name)' lists '\(label)' twice", at: entry.position, hint: "remove the repeated value")
                }
                let option = SweepFile.Option(key: name, value: value, position: entry.position)
                return SweepFile.AxisValue(label: label, options: [option], restrictions: [:], position: entry.position)
            }
            return SweepFile.Axis(name: name, isNamed: false, values: axisValues, position: entry.position)
        case .table(let table):
            guard !table.keys.isEmpty else {
                throw error("axis '\(name)' has no option sets", at: entry.position, hint: "add [axes.\(name).<label>] tables")
            }
            var values: [SweepFile.AxisValue] = []
            for label in table.keys {
                let setEntry = table.entry(label)!
                try checkLabel(label, axis: name, setEntry.position)
                guard case .table(let set) = setEntry.value else {
                    throw error(
                        "axis '\(name)' is a table of option sets, so '\(label)' must be a table [axes.\(name).\(label)], not "
                            + setEntry.value.kindName,
                        at: setEntry.position, hint: "write a list axis as \(name) = [...] directly under [axes]")
                }
                values.append(
                    SweepFile.AxisValue(
                        label: label, options: try optionList(set, "[axes.\(name).\(label)]"), restrictions: [:],
                        position: setEntry.position))
            }
            return SweepFile.Axis(name: name, isNamed: true, values: values, position: entry.position)
        default:
            throw error(
                "axis '\(name)' must be an array of values or a table of option sets, not \(entry.value.kindName)", at: entry.position,
                hint: "e.g. \(name) = [0, 1] under [axes], or [axes.\(name).<label>] tables")
        }
    }

    func checkLabel(_ label: String, axis: String, _ position: TOMLPosition) throws {
        let allowed = label.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._+=-".unicodeScalars.contains($0)
        }
        guard !label.isEmpty, allowed, !label.hasPrefix(".") else {
            throw error(
                "axis '\(axis)': '\(label)' cannot be part of a run's name (file names take letters, digits and . _ + = -)", at: position,
                hint: "use a named option set [axes.\(axis).<label>] whose label is a plain word")
        }
    }

    /// `placeholder-axes`: list axes that only name runs and fill `{axis}`, passed as no option.
    func applyPlaceholders(_ entry: TOMLTable.Entry, _ axes: inout [SweepFile.Axis]) throws {
        guard case .array(let values) = entry.value else {
            throw error("placeholder-axes must be an array of axis names, not \(entry.value.kindName)", at: entry.position)
        }
        for value in values {
            guard case .string(let name) = value, let a = axes.firstIndex(where: { $0.name == name }), !axes[a].isNamed else {
                throw error(
                    "placeholder-axes: \(value.tomlText) is not a list axis", at: entry.position,
                    hint: "name axes written as name = [...] under [axes]")
            }
            for v in axes[a].values.indices { axes[a].values[v].options = [] }
        }
    }

    /// Keys of a named option set that name another axis become restrictions of that axis.
    func applyRestrictions(_ axes: inout [SweepFile.Axis]) throws {
        let names = Set(axes.map(\.name))
        for a in axes.indices where axes[a].isNamed {
            for v in axes[a].values.indices {
                var kept: [SweepFile.Option] = []
                for option in axes[a].values[v].options {
                    guard names.contains(option.key), option.key != axes[a].name,
                        let other = axes.first(where: { $0.name == option.key })
                    else {
                        kept.append(option)
                        continue
                    }
                    let values: [TOMLValue]
                    if case .array(let list) = option.value { values = list } else { values = [option.value] }
                    var labels: [String] = []
                    for value in values {
                        let label: String
                        if case .string(let text) = value { label = text } else { label = value.tomlText }
                        guard other.values.contains(where: { $0.label == label }) else {
                            let known = other.values.map(\.label).joined(separator: ", ")
                            throw error(
                                "[axes.\(axes[a].name).\(axes[a].values[v].label)] restricts axis '\(other.name)' to '\(label)', "
                                    + "which is not one of its values (\(known))",
                                at: option.position, hint: "a key naming another axis keeps only the listed values of that axis")
                        }
                        labels.append(label)
                    }
                    axes[a].values[v].restrictions[option.key] = labels
                }
                axes[a].values[v].options = kept
            }
        }
    }

    /// An option set twice for one run: in [options] and an axis, or in two axes.
    func checkOverlaps(options: [SweepFile.Option], axes: [SweepFile.Axis]) throws {
        var owner: [String: String] = [:]
        for option in options { owner[option.key] = "[options]" }
        for axis in axes {
            var axisKeys: [String: SweepFile.Option] = [:]
            for value in axis.values { for option in value.options where axisKeys[option.key] == nil { axisKeys[option.key] = option } }
            for (key, option) in axisKeys.sorted(by: { $0.key < $1.key }) {
                if let other = owner[key] {
                    throw error(
                        "option '\(key)' is set both in \(other) and by axis '\(axis.name)'", at: option.position,
                        hint: "set each option in one place: [options] for every run, or an axis for the values that vary")
                }
            }
            for key in axisKeys.keys { owner[key] = "axis '\(axis.name)'" }
        }
    }

    func slurmDefaults(_ table: TOMLTable) throws -> SweepFile.SlurmDefaults {
        var defaults = SweepFile.SlurmDefaults()
        for key in table.keys {
            let entry = table.entry(key)!
            switch key {
            case "partition": defaults.partition = try string(entry, key)
            case "time": defaults.time = try string(entry, key)
            case "mem": defaults.mem = try string(entry, key)
            case "cpus-per-task", "max-parallel":
                guard case .integer(let value) = entry.value, value >= 1, value <= 1 << 20 else {
                    throw error("\(key) must be a positive integer, not \(entry.value.tomlText)", at: entry.position)
                }
                if key == "cpus-per-task" { defaults.cpusPerTask = Int(value) } else { defaults.maxParallel = Int(value) }
            default:
                throw error(
                    "unknown key '\(key)' in [slurm]", at: entry.position,
                    hint: "[slurm] takes partition, time, cpus-per-task, mem, max-parallel")
            }
        }
        return defaults
    }
}
