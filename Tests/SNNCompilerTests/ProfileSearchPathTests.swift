import Foundation
import Testing

@testable import SNNCompiler

/// Profiles are found by name on the search path, or loaded from a path.
@Suite struct ProfileSearchPathTests {
    @Test func standardOrderIsEnvironmentThenCurrentDirectoryThenExecutable() {
        let path = ProfileSearchPath.standard(
            environment: ["SNNC_TARGETS": "/opt/a:/opt/b"], currentDirectory: "/work/repo",
            executablePath: "/work/repo/.build/x86_64-unknown-linux-gnu/debug/snnc")
        #expect(
            path.directories == [
                "/opt/a", "/opt/b", "/work/repo/targets",
                "/work/repo/.build/x86_64-unknown-linux-gnu/share/snnc/targets",
            ])
    }

    @Test func installedBinaryLooksInShare() {
        let path = ProfileSearchPath.standard(
            environment: [:], currentDirectory: "/home/user", executablePath: "/usr/local/bin/snnc")
        #expect(path.directories == ["/home/user/targets", "/usr/local/share/snnc/targets"])
    }

    @Test func aBuildTreeBinaryFindsTheRepositoryTargets() {
        let path = ProfileSearchPath.standard(
            environment: [:], currentDirectory: "/tmp", executablePath: "/src/snnc/.build/release/snnc")
        #expect(path.directories.last == "/src/snnc/targets")
    }

    @Test func theTestBinaryFindsTheBuiltInProfiles() throws {
        // The test runner lives in <repo>/.build, so the standard path reaches <repo>/targets
        // whatever the current directory is.
        let path = ProfileSearchPath.standard(environment: [:], currentDirectory: "/nonexistent")
        let edge = try ChipProfile.named("edge", searchPath: path)
        #expect(edge.name == "edge")
        #expect(path.profiles().map(\.name) == BuiltInProfileTests.expectedNames)
    }

    @Test func namedFindsTheFirstDirectoryWithTheName() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        try first.write("sample.toml", SampleProfile.text(replacing: "cores = 64", with: "cores = 1"))
        try second.write("sample.toml", SampleProfile.text())
        try second.write("other.toml", SampleProfile.text(name: "other"))
        let path = ProfileSearchPath([first.path, second.path])
        #expect(try ChipProfile.named("sample", searchPath: path).cores.count == 1)
        #expect(try ChipProfile.named("other", searchPath: path).name == "other")
        #expect(
            path.profiles() == [
                ProfileLocation(name: "other", path: second.path + "/other.toml"),
                ProfileLocation(name: "sample", path: first.path + "/sample.toml"),
            ])
    }

    @Test func namedAcceptsAPath() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("custom.toml", SampleProfile.text(name: "custom"))
        let profile = try ChipProfile.named(file, searchPath: ProfileSearchPath([]))
        #expect(profile.name == "custom")
    }

    @Test func unknownNameSuggestsAndListsTheProfiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("edge.toml", SampleProfile.text(name: "edge"))
        try directory.write("loihi.toml", SampleProfile.text(name: "loihi"))
        do {
            _ = try ChipProfile.named("egde", searchPath: ProfileSearchPath([directory.path]))
            Issue.record("found a profile that does not exist")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.message == "egde: no profile of this name")
            let hint = error.hint ?? ""
            #expect(hint.hasPrefix("did you mean 'edge'? available profiles: edge, loihi; searched \(directory.path)"))
            #expect(hint.contains("SNNC_TARGETS"))
        }
    }
}
