import Foundation

@testable import snnc

/// Runs the built `snnc` executable (it sits next to the test bundle in `.build/<config>/`).
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: String {
        let testBinary =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        // On macOS the test binary is inside <bundle>.xctest/Contents/MacOS.
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.appendingPathComponent("snnc").path
    }

    /// Runs the executable with `arguments`, with `environment` added to this process's.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let run = try CapturedProcess.run(URL(fileURLWithPath: executable), arguments, environment: environment)
        return Result(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }
}
