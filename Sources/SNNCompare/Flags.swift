/// A problem quantisation caused in one LIF layer.
public enum LayerFlag: String, Sendable, Equatable, Codable, CaseIterable {
    /// The integer layer keeps too few of the float layer's spikes (see `FlagThresholds`).
    case silent
    /// The integer layer fires on nearly every step, or far more often than the float one.
    case saturated
}

/// When a layer is flagged. Rates are spikes per neuron per step over all compared images.
///
/// - `silent`: the float layer fires (rate ≥ `minimumFloatRate`) and the integer layer's rate
///   is below `silentFraction` × the float rate — including an integer layer that never fires.
/// - `saturated`: the integer rate is ≥ `saturationRate` while the float rate is below it, or
///   the integer rate is ≥ `excessRate` and ≥ `excessFactor` × the float rate.
///
/// The defaults (0.1, 0.001, 0.9, 4, 0.2) flag layers whose spikes carry little of what the
/// float layer computes; a deployment that merely adds noise (an 8-bit export) passes.
public struct FlagThresholds: Sendable, Equatable, Codable {
    /// Below this fraction of the float rate the integer layer is silent.
    public var silentFraction: Double
    /// A float layer firing less than this is not expected to fire after quantisation either.
    public var minimumFloatRate: Double
    /// An integer rate at or above this (when the float one is below) is saturation.
    public var saturationRate: Double
    /// An integer rate this many times the float rate …
    public var excessFactor: Double
    /// … and at least this high is saturation too.
    public var excessRate: Double

    /// Creates thresholds; the defaults are documented on the type.
    public init(
        silentFraction: Double = 0.1, minimumFloatRate: Double = 0.001, saturationRate: Double = 0.9,
        excessFactor: Double = 4, excessRate: Double = 0.2
    ) {
        self.silentFraction = silentFraction
        self.minimumFloatRate = minimumFloatRate
        self.saturationRate = saturationRate
        self.excessFactor = excessFactor
        self.excessRate = excessRate
    }

    /// The flags of a layer firing at `floatRate` in the float model and `integerRate` in the
    /// integer simulation.
    public func flags(floatRate: Double, integerRate: Double) -> [LayerFlag] {
        var flags: [LayerFlag] = []
        if floatRate >= minimumFloatRate && integerRate < silentFraction * floatRate { flags.append(.silent) }
        let saturated =
            (integerRate >= saturationRate && floatRate < saturationRate)
            || (integerRate >= excessRate && integerRate >= excessFactor * floatRate)
        if saturated { flags.append(.saturated) }
        return flags
    }
}
