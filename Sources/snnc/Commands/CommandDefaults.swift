/// Defaults shared by several commands' options, in one place so that code reasoning about a
/// command line it did not parse (a sweep's runs: `SweepThreads`) agrees with the parsers.
enum CommandDefaults {
    /// `--threads` of train, prune, simulate and evaluate when the command line leaves it out.
    static let threads = 2
}
