import Foundation

/// The directories searched for `<name>.toml` profiles, in order; the first match wins.
///
/// `standard()` gives, in order:
/// 1. each directory in `$SNNC_TARGETS` (colon-separated);
/// 2. `targets/` in the current directory (running from the repository root);
/// 3. `<prefix>/share/snnc/targets` for an executable installed as `<prefix>/bin/snnc`;
/// 4. `<repo>/targets` for an executable built inside `<repo>/.build/`.
public struct ProfileSearchPath: Sendable, Equatable {
    /// The directories, most preferred first.
    public var directories: [String]

    /// A search path of exactly these directories.
    public init(_ directories: [String]) {
        self.directories = directories
    }

    /// The environment variable that puts directories in front of the built-in ones.
    public static let environmentVariable = "SNNC_TARGETS"

    /// The standard search path; the parameters exist so tests can supply their own.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = runningExecutablePath()
    ) -> ProfileSearchPath {
        var directories: [String] = []
        if let list = environment[environmentVariable] {
            directories += list.split(separator: ":").map(String.init)
        }
        directories.append(join(currentDirectory, "targets"))
        if let executablePath {
            let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
            let binDirectory = resolved.deletingLastPathComponent()
            directories.append(
                binDirectory.deletingLastPathComponent().appendingPathComponent("share/snnc/targets").path)
            let components = resolved.pathComponents
            if let build = components.lastIndex(of: ".build"), build > 0 {
                let repository = NSString.path(withComponents: Array(components[..<build]))
                directories.append(join(repository, "targets"))
            }
        }
        var seen: Set<String> = []
        return ProfileSearchPath(directories.filter { seen.insert($0).inserted })
    }

    /// The path of the running executable, symlinks resolved where the platform allows.
    public static func runningExecutablePath() -> String? {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath
    }

    /// Every profile on the path, sorted by name; a name found in two directories keeps the first.
    public func profiles() -> [ProfileLocation] {
        var found: [String: ProfileLocation] = [:]
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for file in names.sorted() where file.hasSuffix(".toml") && !file.hasPrefix(".") {
                let name = String(file.dropLast(".toml".count))
                if found[name] == nil { found[name] = ProfileLocation(name: name, path: join(directory, file)) }
            }
        }
        return found.values.sorted { $0.name < $1.name }
    }

    /// The file for the profile called `name`, if any directory has one.
    public func locate(_ name: String) -> String? {
        for directory in directories {
            let path = join(directory, name + ".toml")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return path
            }
        }
        return nil
    }

    /// The names on the path, for messages: `edge, loihi, ...` or `none`.
    var availableNames: String {
        let names = profiles().map(\.name)
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}

/// A profile file found on a search path.
public struct ProfileLocation: Sendable, Equatable {
    /// The profile name: the file name without `.toml`.
    public var name: String
    /// The path of the file.
    public var path: String

    /// Creates a location.
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// `directory/name`, without doubling a trailing slash.
private func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
