import ArgumentParser
import SNNTickets

/// `snnc prune`'s chip options: the targets and budget every level is compiled and checked
/// against, and IMP's `--until-fits`.
struct FitOptions: ParsableArguments {
    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "Compile every level for this target (repeat for more; see 'snnc targets') and store its fit.",
            valueName: "name"))
    var targets: [String] = []
    @Option(
        help: ArgumentHelp(
            "Limits every level must meet on every target, as in 'snnc inspect --budget' (memory, cores, energy, synops, latency, …).",
            valueName: "key=value,…"))
    var budget: String?
    @Option(
        help: """
            Calibrate every level's activity on the first N training images (simulated per level and target); 0: \
            structure-only estimates at a firing rate of 0.1. (default: 0)
            """)
    var calibrationImages: Int?
    @Flag(help: "imp, imp+et: go on round after round until a level fits every target and budget.")
    var untilFits = false
    @Option(help: "With --until-fits: rounds to run past the first fitting level. (default: 0)")
    var extraRoundsAfterFit: Int?
    @Option(help: "With --until-fits: fail when no level up to this round fits. (default: 30)")
    var maxRounds: Int?
    @Flag(
        help: """
            imp, imp+et (vgg16, small): a round after a level short of neurons on a target removes whole channels \
            (lowest filter L1 norm) of the layer named instead of weights.
            """)
    var structured = false
    @Option(help: "With --structured: fraction of the layer's channels one round removes (at least one). (default: 0.25)")
    var channelRate: Double?

    /// Options that change how the search runs (`--resume` may not take them; the targets,
    /// budget and calibration it may, to add fits to a file without them).
    var changesTheSearch: Bool { untilFits || extraRoundsAfterFit != nil || maxRounds != nil || structured || channelRate != nil }

    func validate() throws {
        if targets.isEmpty && (budget != nil || untilFits || calibrationImages != nil) {
            throw ValidationError("--budget, --calibration-images and --until-fits need at least one --target to compile for")
        }
        if let calibrationImages, calibrationImages < 0 { throw ValidationError("--calibration-images must be at least 0") }
        if !untilFits && (extraRoundsAfterFit != nil || maxRounds != nil) {
            throw ValidationError("--extra-rounds-after-fit and --max-rounds go with --until-fits")
        }
        if let extraRoundsAfterFit, extraRoundsAfterFit < 0 { throw ValidationError("--extra-rounds-after-fit must be at least 0") }
        if let maxRounds, maxRounds < 1 { throw ValidationError("--max-rounds must be at least 1") }
        if structured && targets.isEmpty {
            throw ValidationError("--structured removes channels where a target is short of neurons; give at least one --target")
        }
        if channelRate != nil && !structured { throw ValidationError("--channel-rate goes with --structured") }
        if let channelRate, !(channelRate > 0 && channelRate < 1) {
            throw ValidationError("--channel-rate must be in (0, 1), got \(channelRate)")
        }
    }

    /// The settings stored in the search's header; nil without targets.
    var settings: FitSettings? {
        guard !targets.isEmpty else { return nil }
        return FitSettings(
            targets: targets, budget: budget, calibrationImages: calibrationImages ?? 0, untilFits: untilFits,
            extraRoundsAfterFit: extraRoundsAfterFit ?? 0,
            maxRounds: maxRounds ?? 30)
    }

    /// The channel pruning stored in the search's config; nil without `--structured`.
    var structuredPruning: StructuredPruning? { structured ? StructuredPruning(channelRate: channelRate ?? 0.25) : nil }
}
