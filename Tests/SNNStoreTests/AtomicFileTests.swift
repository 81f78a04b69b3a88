import Foundation
import Testing

@testable import SNNStore

@Suite("Atomic file replacement")
struct AtomicFileTests {
    struct InjectedFailure: Error {}

    @Test func writesAndReplacesLeavingNothingElse() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("page.html")
        try AtomicFile.write(Data("one".utf8), to: path)
        try AtomicFile.write(Data("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(directory.entries == ["page.html"])
    }

    @Test func aFailingBodyKeepsTheOldFileAndRemovesItsTemporary() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cal.json")
        try AtomicFile.write(Data("old".utf8), to: path)
        #expect(throws: InjectedFailure.self) {
            try AtomicFile.replace(path) { temporary in
                try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
                throw InjectedFailure()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(directory.entries == ["cal.json"])
    }

    @Test func aMissingFolderIsANamedError() throws {
        let error = #expect(throws: FileWriteError.self) {
            try AtomicFile.write(Data("x".utf8), to: "/nonexistent-snnc-folder/r.html")
        }
        #expect(error?.file == "/nonexistent-snnc-folder/r.html")
        #expect(error?.reason.contains("does not exist") == true)
        #expect(error?.outOfSpace == false)
    }

    /// A folder given where a file name belongs (an existing folder, or a path ending in `/`) is
    /// refused before anything is written, by `requireFolder` as by a write.
    @Test func aFolderIsNotAFileName() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: false)
        for path in [directory.file("out"), directory.file("out/"), directory.file("new/")] {
            let error = #expect(throws: FileWriteError.self) { try AtomicFile.write(Data("x".utf8), to: path) }
            #expect(error?.reason == "it is a folder, not a file name", "\(path)")
            #expect(throws: FileWriteError.self) { try AtomicFile.requireFolder(of: path) }
        }
        #expect(directory.entries == ["out"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).isEmpty)
        #expect(try AtomicFile.requireFolder(of: directory.file("out/x.json")) == directory.file("out"))
    }

    @Test func aWriteRemovesTheTemporariesOfKilledWriters() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("m.h5")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try HDF5File.startChildProcess(process)
        process.waitUntilExit()
        let stale = ".m.h5.tmp-\(process.processIdentifier)-1"
        try Data("half".utf8).write(to: URL(fileURLWithPath: directory.file(stale)))
        try HDF5File.write(to: path) { try $0.write("x", scalar: Int32(1)) }
        #expect(directory.entries == ["m.h5"])
    }

    @Test func outOfSpaceErrorsSaySoWithAHint() {
        let error = AtomicFile.failure("/data/m.h5", ENOSPC, doing: "write failed")
        #expect(error.outOfSpace)
        #expect(error.reason.hasPrefix("no space left on device"))
        #expect(error.hint?.contains("unchanged") == true)
        #expect(!AtomicFile.failure("/data/m.h5", EACCES, doing: "write failed").outOfSpace)
    }
}
