import Foundation
import Testing

@testable import SNNStore

@Suite("Stale temporary files")
struct StaleTemporaryTests {
    /// The id of a process that has exited and been reaped.
    func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try HDF5File.startChildProcess(process)
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func writesNameTheirTemporariesAsTheCleanupExpects() throws {
        let directory = try TemporaryDirectory()
        let temporary = HDF5File.temporaryPath(for: directory.file("model.h5"), in: directory.path)
        #expect(temporary.hasPrefix(directory.path + "/.model.h5.tmp-\(getpid())-"))
        #expect(HDF5File.temporaryPrefix(of: directory.file("model.h5")) == ".model.h5.tmp-")
    }

    @Test func removesOnlyTheTemporariesOfDeadWritersOfThatFile() throws {
        let directory = try TemporaryDirectory()
        let dead = try deadProcessID()
        #expect(kill(dead, 0) != 0 && errno == ESRCH, "process \(dead) should be gone")
        let live = getpid()
        let stale = [".model.h5.tmp-\(dead)-42", ".model.h5.tmp-\(dead)-7"]
        let kept = [
            "model.h5",  // the file itself
            ".model.h5.tmp-\(live)-3",  // a live writer's temporary
            ".other.h5.tmp-\(dead)-1",  // another file's temporary
            "model.h5.tmp-\(dead)-1",  // no leading dot: not a temporary
            ".model.h5.tmp-notapid-5",  // no process id
        ]
        for name in stale + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file(name))) }
        HDF5File.removeStaleTemporaries(of: directory.file("model.h5"))
        #expect(directory.entries == kept.sorted())
        #expect(try String(contentsOfFile: directory.file("model.h5"), encoding: .utf8) == "x")
    }

    @Test func aMissingFolderIsNotAnError() {
        HDF5File.removeStaleTemporaries(of: "/nonexistent-snnc-folder/model.h5")
    }
}
