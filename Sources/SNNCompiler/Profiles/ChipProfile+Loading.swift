import Foundation

extension ChipProfile {
    /// Parses and validates profile text; `file` names it in errors. The name is not checked
    /// against a file name (`load(from:)` does that).
    public static func parse(_ text: String, file: String) throws(ProfileError) -> ChipProfile {
        try parse(text, file: file, expectedName: nil)
    }

    static func parse(_ text: String, file: String, expectedName: String?) throws(ProfileError) -> ChipProfile {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text, file: file)
        } catch {
            throw ProfileError(
                .syntax, file: file, position: error.position, reason: error.reason,
                hint: "profiles use a TOML subset; see targets/README.md")
        }
        return try ProfileDecoder(document: document, expectedName: expectedName).decode()
    }

    /// Reads, parses and validates the profile at `path`.
    ///
    /// `[chip] name` must equal the file name without `.toml`. `searchPath` is only used to list
    /// the available profiles when the file does not exist.
    public static func load(
        from path: String, searchPath: ProfileSearchPath = .standard()
    ) throws(ProfileError) -> ChipProfile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ProfileError(
                .notFound, file: path, reason: "no such profile file",
                hint: "available profiles: \(searchPath.availableNames) (searched \(searchPath.directories.joined(separator: ", ")))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileError(.unreadable, file: path, reason: "cannot read the file", hint: "check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProfileError(.unreadable, file: path, reason: "the file is not UTF-8 text")
        }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, file: path, expectedName: stem)
    }

    /// The file `named` reads for `nameOrPath`: the path itself when the value contains `/` or
    /// ends in `.toml`, else the profile of that name on `searchPath` (nil when there is none).
    public static func file(of nameOrPath: String, searchPath: ProfileSearchPath = .standard()) -> String? {
        nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") ? nameOrPath : searchPath.locate(nameOrPath)
    }

    /// The profile called `nameOrPath` on `searchPath`, or the file at that path.
    ///
    /// A value containing `/` or ending in `.toml` is a path (`--target path/to/custom.toml`);
    /// anything else is a profile name (`--target edge`).
    public static func named(
        _ nameOrPath: String, searchPath: ProfileSearchPath = .standard()
    ) throws(ProfileError) -> ChipProfile {
        guard let path = file(of: nameOrPath, searchPath: searchPath) else {
            let names = searchPath.profiles().map(\.name)
            var hint = "available profiles: \(searchPath.availableNames)"
            if let match = closestMatch(to: nameOrPath, in: names) { hint = "did you mean '\(match)'? " + hint }
            hint += "; searched \(searchPath.directories.joined(separator: ", "))"
            hint += "; set \(ProfileSearchPath.environmentVariable) to add a directory, or pass a path to a .toml file"
            throw ProfileError(.notFound, file: nameOrPath, reason: "no profile of this name", hint: hint)
        }
        return try load(from: path, searchPath: searchPath)
    }
}
