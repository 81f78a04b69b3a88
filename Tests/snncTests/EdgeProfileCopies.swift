import Foundation
import Testing

/// Copies of the built-in `edge` profile that the prune CLI tests fit the small model to.
enum EdgeProfileCopy {
    /// `edge` renamed `name`, with `cores` cores and, when `unrolled`, every conv synapse stored
    /// unrolled (`weight_sharing = false`); written to `dir/name.toml`, whose path it returns.
    static func write(name: String, cores: Int, unrolled: Bool = false, in dir: String) throws -> String {
        let edge = try String(contentsOfFile: CLITests.fixtures + "/../../targets/edge.toml", encoding: .utf8)
        var copy = edge.replacingOccurrences(of: "cores = 64 ", with: "cores = \(cores) ")
            .replacingOccurrences(of: "name = \"edge\"", with: "name = \"\(name)\"")
        if unrolled {
            copy = copy.replacingOccurrences(of: "weight_sharing = true ", with: "weight_sharing = false")
            #expect(copy.contains("weight_sharing = false"))
        }
        #expect(copy.contains("cores = \(cores) ") && copy.contains("name = \"\(name)\""))
        let path = dir + "/\(name).toml"
        try copy.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// `text` (a command's `--json` output) as a JSON object.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
