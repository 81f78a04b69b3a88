import SNNTrain

/// Work and wall time, summed.
public struct CostTotals: Codable, Equatable, Sendable {
    /// Deterministic work in multiply–accumulates (see `CostEntry`).
    public var work: Int
    /// Wall-clock seconds of that work (noisy; excludes time lost to interrupted epochs).
    public var seconds: Double

    public init(work: Int = 0, seconds: Double = 0) {
        self.work = work
        self.seconds = seconds
    }

    public static let zero = CostTotals()

    public static func + (a: CostTotals, b: CostTotals) -> CostTotals {
        CostTotals(work: a.work + b.work, seconds: a.seconds + b.seconds)
    }
}

/// One line of a cost ledger: images pushed through a network at one T for one purpose.
///
/// **Work** is defined as
/// ```
/// work = images × (T · forwardPerStep + forwardOnce)                      forward
///      + images × (T · backwardPerStep + backwardOnce)   if it trained    backward
/// ```
/// with the per-image MAC counts of `LayerGraph.macs` (convolutions and linear layers only).
/// The counts are **dense**: a pruned weight is still multiplied, because snnc's GEMM kernels —
/// like the paper's GPU — execute dense layers whatever the mask, so dense MACs are what the
/// wall time tracks. Mask-aware MACs would credit IMP's late rounds with savings no dense
/// trainer sees, and would hide what the ledger is for: early-time tickets save work by
/// running fewer time steps (T_early = 3 costs ≈ 3/5 of T = 5 per image), which dense MACs
/// show exactly and free of timing noise.
public struct CostEntry: Codable, Equatable, Sendable {
    /// `train` (optimiser steps, batch preparation included in the seconds), `probe`
    /// (early-time probe), `check` (early-bird mask computations: no MACs, only seconds),
    /// `saliency` (SNIP's gradient),
    /// `eval` (test-set evaluation, never part of search or training totals), `source` (the
    /// training of a `--from` checkpoint, reconstructed from its history), `replay` (re-training
    /// a checkpoint's first epochs to recover its rewind point).
    public var phase: String
    /// The run (e.g. `round3`, `eb.search`) the work belongs to.
    public var run: String
    public var timeSteps: Int
    public var images: Int
    public var forwardMACs: Int
    public var backwardMACs: Int
    public var seconds: Double

    public init(phase: String, run: String, timeSteps: Int, images: Int, forwardMACs: Int, backwardMACs: Int, seconds: Double) {
        self.phase = phase
        self.run = run
        self.timeSteps = timeSteps
        self.images = images
        self.forwardMACs = forwardMACs
        self.backwardMACs = backwardMACs
        self.seconds = seconds
    }

    public var work: Int { forwardMACs + backwardMACs }
}

extension CostEntry {
    /// Every phase a search records (see `phase`); a ticket file's ledgers use no other.
    static let phases: Set<String> = ["train", "probe", "check", "saliency", "eval", "source", "replay"]
}

/// Entries of work, merged per (phase, run, T).
public struct CostLedger: Codable, Equatable, Sendable {
    public var entries: [CostEntry] = []

    public init(entries: [CostEntry] = []) {
        self.entries = entries
    }

    /// Records `images` passed forward (and backward if `trained`) through a network of `macs`
    /// at `timeSteps`.
    public mutating func record(
        phase: String, run: String, timeSteps: Int, images: Int, macs: MACCount,
        trained: Bool, seconds: Double
    ) {
        let forward = images * macs.forward(timeSteps: timeSteps)
        let backward = trained ? images * macs.backward(timeSteps: timeSteps) : 0
        add(
            CostEntry(
                phase: phase, run: run, timeSteps: timeSteps, images: images, forwardMACs: forward,
                backwardMACs: backward, seconds: seconds))
    }

    /// Adds an entry, merging it into an existing one of the same phase, run and T.
    public mutating func add(_ entry: CostEntry) {
        if let i = entries.firstIndex(where: { $0.phase == entry.phase && $0.run == entry.run && $0.timeSteps == entry.timeSteps }) {
            entries[i].images += entry.images
            entries[i].forwardMACs += entry.forwardMACs
            entries[i].backwardMACs += entry.backwardMACs
            entries[i].seconds += entry.seconds
        } else {
            entries.append(entry)
        }
    }

    public mutating func add(_ other: CostLedger) {
        for e in other.entries { add(e) }
    }

    /// Totals over every entry not in `excluded` (evaluation by default).
    public func total(excluding excluded: Set<String> = ["eval"]) -> CostTotals {
        entries.filter { !excluded.contains($0.phase) }.reduce(.zero) { $0 + CostTotals(work: $1.work, seconds: $1.seconds) }
    }
}
