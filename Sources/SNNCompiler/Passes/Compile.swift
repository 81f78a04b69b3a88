import SNNIR

/// Runs the whole pipeline on a float graph from a trainer or importer:
/// `foldBatchNorm → foldAveragePooling → foldInputGain → quantize → lowerToCSR → mapCores → estimate`.
///
/// Each pass is a pure function `Graph → Graph` and can be called alone; this only chains them.
/// - Parameters:
///   - calibration: measured activity for `estimate`; nil gives a structure-only estimate at `assumedRate`.
/// - Throws: the first pass's `CompileError`.
public func compile(
    _ graph: Graph, for profile: ChipProfile, quantization: QuantizeOptions = QuantizeOptions(),
    calibration: Calibration? = nil, assumedRate: Double = 0.1
) throws(CompileError) -> Graph {
    var g = graph
    if let problem = g.structuralProblems().first {
        throw CompileError(.unsupportedGraph, reason: problem)
    }
    g = try foldBatchNorm(g)
    g = try foldAveragePooling(g)
    g = try foldInputGain(g)
    g = try quantize(g, for: profile, options: quantization)
    g = try lowerToCSR(g)
    g = try mapCores(g, for: profile)
    g = try estimate(g, for: profile, calibration: calibration, assumedRate: assumedRate)
    return g
}
