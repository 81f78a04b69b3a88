import Foundation
import SNNCompiler

/// One run of a sweep: its stable name (from its axis labels), the labels, and the snnc command
/// line that performs it from the start.
struct SweepRun: Equatable {
    /// Position in the plan (the Slurm array index); names, not positions, identify runs.
    var index: Int
    var name: String
    /// (axis, label) in the order the axes are declared.
    var values: [(axis: String, label: String)]
    /// The arguments after `snnc`: command, positional arguments, options, output.
    var arguments: [String]
    /// The run's file, relative to the sweep file's folder.
    var output: String
    /// The run's log (stderr, and stdout unless stdout is the output), relative to the folder.
    var log: String

    static func == (a: SweepRun, b: SweepRun) -> Bool {
        a.index == b.index && a.name == b.name && a.arguments == b.arguments && a.output == b.output && a.log == b.log
            && a.values.map(\.axis) == b.values.map(\.axis) && a.values.map(\.label) == b.values.map(\.label)
    }
}

/// The runs of a sweep file: the product of its axes (first axis outermost, values in the order
/// written), less the combinations a named option set's restrictions exclude.
struct SweepPlan {
    var file: SweepFile
    var runs: [SweepRun]

    init(_ file: SweepFile) throws {
        self.file = file
        var combinations: [[(axis: SweepFile.Axis, value: SweepFile.AxisValue)]] = [[]]
        for axis in file.axes {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [(axis, $0)] } }
        }
        combinations.removeAll { combination in
            combination.contains { chosen in
                chosen.value.restrictions.contains { axis, labels in
                    combination.contains { $0.axis.name == axis && !labels.contains($0.value.label) }
                }
            }
        }
        let template = try Self.template(file)
        var runs: [SweepRun] = []
        var byName: [String: Int] = [:]
        for combination in combinations {
            let labels = combination.map { (axis: $0.axis.name, label: $0.value.label) }
            let name = Self.substitute(template, labels)
            if let other = byName[name] {
                throw SweepFileError(
                    path: file.path, position: nil,
                    reason: "two runs get the name '\(name)' (\(Self.describe(runs[other].values)) and \(Self.describe(labels)))",
                    hint: "put every axis in [sweep] name, e.g. name = \"" + file.axes.map { "{\($0.name)}" }.joined(separator: "-") + "\"")
            }
            let output = (file.outputs as NSString).appendingPathComponent(name + Self.suffix(file.command))
            let log = (file.outputs as NSString).appendingPathComponent("logs/\(name).log")
            var arguments = [file.command.rawValue] + file.arguments.map { Self.substitute($0, labels) }
            for option in file.options { arguments += Self.arguments(option, labels) }
            for chosen in combination {
                for option in chosen.value.options { arguments += Self.arguments(option, labels) }
            }
            if file.command != .simulate { arguments += ["-o", output] } else { arguments += ["--json"] }
            byName[name] = runs.count
            runs.append(SweepRun(index: runs.count, name: name, values: labels, arguments: arguments, output: output, log: log))
        }
        self.runs = runs
    }

    /// The run called `name`.
    func run(named name: String) throws -> SweepRun {
        guard let run = runs.first(where: { $0.name == name }) else {
            let some = runs.prefix(6).map(\.name).joined(separator: ", ") + (runs.count > 6 ? ", …" : "")
            throw SweepFileError(
                path: file.path, position: nil, reason: "no run named '\(name)'",
                hint: "'snnc sweep plan \(file.path)' lists the runs (\(some))")
        }
        return run
    }

    /// The file a run of `command` writes: a ticket file, checkpoint, deployment file or JSON.
    static func suffix(_ command: SweepFile.Command) -> String {
        switch command {
        case .prune, .train: ".h5"
        case .export: ".snn.h5"
        case .simulate: ".json"
        }
    }

    /// The name template: `[sweep] name`, checked, or every axis's label joined by `-` (a list
    /// axis's label prefixed with its name: `seed0`).
    static func template(_ file: SweepFile) throws -> String {
        guard let template = file.nameTemplate else {
            return file.axes.map { $0.isNamed ? "{\($0.name)}" : "\($0.name){\($0.name)}" }.joined(separator: "-")
        }
        let names = Set(file.axes.map(\.name))
        let used = Set(placeholders(template))
        if let unknown = placeholders(template).first(where: { !names.contains($0) }) {
            throw SweepFileError(
                path: file.path, position: nil, reason: "[sweep] name uses {\(unknown)}, which is not an axis",
                hint: "the axes are: " + file.axes.map(\.name).joined(separator: ", "))
        }
        if let missing = file.axes.first(where: { $0.values.count > 1 && !used.contains($0.name) }) {
            throw SweepFileError(
                path: file.path, position: nil, reason: "[sweep] name leaves out axis '\(missing.name)', so runs would share names",
                hint: "add {\(missing.name)} to name = \"\(template)\"")
        }
        let literal = substitute(template, file.axes.map { (axis: $0.name, label: "x") })
        guard !literal.isEmpty, !literal.hasPrefix("."), !literal.contains("/"), !literal.contains(" ") else {
            throw SweepFileError(
                path: file.path, position: nil, reason: "[sweep] name = \"\(template)\" does not make a file name",
                hint: "use letters, digits, . _ + = - and {axis} placeholders")
        }
        return template
    }

    static func placeholders(_ text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func substitute(_ text: String, _ labels: [(axis: String, label: String)]) -> String {
        labels.reduce(text) { $0.replacingOccurrences(of: "{\($1.axis)}", with: $1.label) }
    }

    static func describe(_ labels: [(axis: String, label: String)]) -> String {
        labels.map { "\($0.axis)=\($0.label)" }.joined(separator: ",")
    }

    /// `--key value` for one option: `true` alone, `false` left out, arrays once per element.
    static func arguments(_ option: SweepFile.Option, _ labels: [(axis: String, label: String)]) -> [String] {
        let flag = "--" + option.key
        switch option.value {
        case .boolean(let on): return on ? [flag] : []
        case .array(let values): return values.flatMap { [flag, text($0, labels)] }
        default: return [flag, text(option.value, labels)]
        }
    }

    static func text(_ value: TOMLValue, _ labels: [(axis: String, label: String)]) -> String {
        if case .string(let text) = value { return substitute(text, labels) }
        return value.tomlText
    }
}
