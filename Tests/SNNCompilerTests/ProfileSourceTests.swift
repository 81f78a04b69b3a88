import Foundation
import Testing

@testable import SNNCompiler

/// Every number in `targets/*.toml` names its source and confidence, estimates are listed, and the
/// README documents every key and every source key.
@Suite struct ProfileSourceTests {
    /// One `key = value` line of a profile file with the first `[...]` group of its comment.
    struct ValueLine {
        let table: String
        let key: String
        let lineNumber: Int
        let sources: [String]
        let mark: String?
    }

    static let identityKeys: Set<String> = ["name", "description", "kind", ProfileField.estimatedKey]

    /// The value lines of a profile file (comment-only lines and headers skipped).
    static func valueLines(of path: String) throws -> [ValueLine] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var table = ""
        var lines: [ValueLine] = []
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                table = String(line.dropFirst().prefix { $0 != "]" })
                continue
            }
            let key = line.prefix { $0 != " " && $0 != "=" }
            var sources: [String] = []
            var mark: String?
            if let hash = line.firstIndex(of: "#"), let open = line[hash...].firstIndex(of: "["),
                let close = line[open...].firstIndex(of: "]")
            {
                let items = line[line.index(after: open)..<close].split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                mark = items.last
                sources = items.dropLast().compactMap { $0.split(separator: " ").first.map(String.init) }
            }
            lines.append(ValueLine(table: table, key: String(key), lineNumber: index + 1, sources: sources, mark: mark))
        }
        return lines
    }

    /// The source keys defined in `targets/README.md` (first cell of the source tables).
    static func readmeSourceKeys() throws -> Set<String> {
        let readme = try Repository.read("targets/README.md")
        guard let section = readme.components(separatedBy: "## Source keys").last else { return [] }
        var keys: Set<String> = []
        for line in section.components(separatedBy: "\n") where line.hasPrefix("| ") && !line.hasPrefix("| key") {
            let cell = line.dropFirst(2).prefix { $0 != "|" }.replacingOccurrences(of: "†", with: "")
            keys.insert(cell.trimmingCharacters(in: .whitespaces))
        }
        return keys
    }

    @Test(arguments: Repository.profileFiles())
    func everyValueNamesASourceAndAMark(_ path: String) throws {
        let known = try Self.readmeSourceKeys()
        for line in try Self.valueLines(of: path) where !Self.identityKeys.contains(line.key) {
            let place = "\(URL(fileURLWithPath: path).lastPathComponent):\(line.lineNumber) \(line.key)"
            #expect(["C", "Q", "E"].contains(line.mark ?? ""), "\(place): no [source, C|Q|E] comment")
            if line.mark != "E" { #expect(!line.sources.isEmpty, "\(place): a C or Q value needs a source key") }
            for source in line.sources {
                #expect(known.contains(source), "\(place): source key \(source) is not in targets/README.md")
            }
        }
    }

    @Test(arguments: Repository.profileFiles())
    func estimatedListsMatchTheEMarks(_ path: String) throws {
        let profile = try ChipProfile.load(from: path)
        for line in try Self.valueLines(of: path) where !Self.identityKeys.contains(line.key) {
            guard let field = ProfileField.field(table: line.table, key: line.key) else {
                Issue.record("\(path):\(line.lineNumber): \(line.key) is not in the schema")
                continue
            }
            #expect(
                profile.isEstimate(field) == (line.mark == "E"),
                "\(URL(fileURLWithPath: path).lastPathComponent):\(line.lineNumber) \(field): E mark and estimated list disagree")
        }
    }

    @Test func theReadmeDocumentsEveryKey() throws {
        let readme = try Repository.read("targets/README.md")
        for table in ProfileField.tables {
            #expect(readme.contains("### `[\(table)]`"), "README lacks a section for [\(table)]")
        }
        for field in ProfileField.all {
            #expect(readme.contains("| `\(field.key)` |"), "README lacks a row for \(field)")
        }
        #expect(readme.contains("### `estimated`"))
    }
}
