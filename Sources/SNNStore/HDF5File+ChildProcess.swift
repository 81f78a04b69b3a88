import Foundation

extension HDF5File {
    /// Starts `process` (`Process.run()`) while no HDF5 file of this process is being opened or
    /// created, so the child inherits no HDF5 file descriptor.
    ///
    /// libhdf5 locks every file it opens (`flock`: shared to read, exclusive to write) and the
    /// lock lives as long as any copy of the descriptor, so a child that inherited one would hold
    /// the lock until it exits, and this process's next open of that file would fail ("unable to
    /// lock file"). Every file SNNStore opens or creates is made close-on-exec as soon as libhdf5
    /// returns it, under the library lock (hdf5_shim.c); Foundation also closes, in the child, the
    /// descriptors open when it starts one. Holding the library lock here means no descriptor is
    /// half-way between libhdf5's `open` and the close-on-exec flag while the child starts.
    /// Everything that starts a child process in a process that uses SNNStore (`snnc sweep`, the
    /// CLI tests) starts it through here.
    /// - Throws: errors of `Process.run()`.
    public static func startChildProcess(_ process: Process) throws {
        try HDF5Library.locked { try process.run() }
    }
}
