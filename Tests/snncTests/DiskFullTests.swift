import Foundation
import SNNStore
import Testing

/// Writers that run out of space, on a small tmpfs mounted for the test (needs root; skipped
/// with the reason otherwise): a clear error (what, where, why, a hint), exit status 1, the old
/// file byte for byte, and no temporary left behind.
@Suite(
    "Writers on a full disk", .serialized,
    .enabled("mounting a tmpfs needs root (mount -t tmpfs); skipped") { Tmpfs.canMount() })
struct DiskFullTests {
    let cli = CLITests()

    /// A tmpfs of `size` bytes mounted on a fresh folder, unmounted and removed by `close`.
    struct SmallDisk {
        let path: String

        init(size: Int) throws {
            path = NSTemporaryDirectory() + "snnc-full-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try #require(Tmpfs.mount(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]))
        }

        func close() {
            _ = Tmpfs.mount(["umount", path])
            try? FileManager.default.removeItem(atPath: path)
        }

        /// Fills the disk with `filler`, then gives back `free` bytes (in whole pages).
        func fill(leaving free: Int) throws {
            let filler = path + "/filler"
            let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(fd >= 0)
            defer { Foundation.close(fd) }
            let chunk = [UInt8](repeating: 0xA5, count: 4096)
            var size = 0
            while true {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                size += n
            }
            #expect(errno == ENOSPC)
            #expect(ftruncate(fd, off_t(max(0, size - free))) == 0)
        }

        func emptyFiller() { unlink(path + "/filler") }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let file: String
        let arguments: @Sendable (WriterKillTests.Inputs, String) -> [String]
        /// What the error message starts with.
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "export (HDF5)", file: "m.snn.h5",
            arguments: { i, out in ["export", i.tickets, "--level", "1", "--target", "edge", "--force", "-o", out] },
            message: "Error: no space left on device"),
        Case(
            name: "train (checkpoint)", file: "ck.h5",
            arguments: { _, out in WriterKillTests.trainArguments + ["--force", "-o", out] },
            message: "Error: no space left on device"),
        Case(
            name: "report (HTML)", file: "r.html",
            arguments: { i, out in ["report", i.tickets, i.deployment, "-o", out] },
            message: "Error: cannot write the report: no space left on device"),
        Case(
            name: "simulate --calibration-out (JSON)", file: "cal.json",
            arguments: { i, out in
                ["simulate", i.deployment, "--data-dir", CLITests.fixtures, "--split", "train", "--limit", "6", "--calibration-out", out]
            },
            message: "Error: cannot write the calibration file: no space left on device"),
    ]

    @Test(arguments: cases)
    func aFullDiskIsAClearErrorAndKeepsTheOldFile(_ c: Case) throws {
        let inputs = try WriterKillTests.inputs.get()
        let disk = try SmallDisk(size: 4 << 20)
        defer { disk.close() }
        let out = disk.path + "/" + c.file
        let first = try cli.run(c.arguments(inputs, out))
        try #require(first.status == 0, "\(first.stderr)")
        let old = try #require(FileManager.default.contents(atPath: out))
        // Nothing free at all, then half the old file's size free: the write fails at its start
        // or part way.
        for free in [0, old.count / 2] {
            try disk.fill(leaving: free)
            let full = try cli.run(c.arguments(inputs, out))
            #expect(full.status == 1, "\(c.name), \(free) bytes free: \(full.stderr)")
            #expect(
                full.stderr.split(separator: "\n").contains { $0.hasPrefix(c.message) }, "\(c.name), \(free) bytes free: \(full.stderr)")
            #expect(full.stderr.contains("\nAt:    \(out)"), "\(full.stderr)")
            #expect(
                full.stderr.contains(
                    "\nHint:  free some space on that disk or write to another folder; the file that was there is unchanged"),
                "\(full.stderr)")
            #expect(!full.stderr.contains("HDF5-DIAG"), "\(full.stderr)")
            #expect(FileManager.default.contents(atPath: out) == old, "\(c.name): the old file changed")
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() == [c.file, "filler"].sorted())
            disk.emptyFiller()
        }
        // With the space back, the same command writes again.
        let again = try cli.run(c.arguments(inputs, out))
        #expect(again.status == 0, "\(again.stderr)")
    }
}

/// Mounting and unmounting with the system tools.
enum Tmpfs {
    static func mount(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/" + arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? HDF5File.startChildProcess(process)) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether this process may mount a tmpfs (tried once, on a folder of its own).
    static func canMount() -> Bool {
        let dir = NSTemporaryDirectory() + "snnc-mount-probe-" + UUID().uuidString
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard mount(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]) else {
            print("DiskFullTests: cannot mount a tmpfs (not root, or no permission); the full-disk tests are skipped")
            return false
        }
        _ = mount(["umount", dir])
        return true
    }
}
