import Foundation

/// Paths in the repository this test file belongs to, found from `#filePath`.
enum Repository {
    /// `<repo>`: this file is `<repo>/Tests/SNNCompilerTests/Support/Repository.swift`.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `<repo>/targets`.
    static var targets: String { root + "/targets" }

    /// The built-in profile files, sorted by name.
    static func profileFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: targets)) ?? []
        return names.filter { $0.hasSuffix(".toml") }.sorted().map { targets + "/" + $0 }
    }

    /// The contents of a file in the repository.
    static func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: root + "/" + relativePath, encoding: .utf8)
    }

    /// A committed JSON file (a vendor tool's recorded results) decoded with snake_case keys.
    static func decodeJSON<T: Decodable>(_ relativePath: String, as type: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relativePath))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: data)
    }
}
