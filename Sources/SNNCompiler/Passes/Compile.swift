import SNNIR

/// Runs the whole pipeline on a float graph from a trainer or importer:
/// `foldBatchNorm → foldAveragePooling → foldInputGain → quantize → lowerToCSR → mapCores → estimate`.
///
/// Each pass is a pure function `Graph → Graph` and can be called alone; this only chains them.
/// On a `mapping = "layer-per-core"` target `assignLayerCores`, on a `"single-core"` target
/// `assignSingleCore`, runs before `quantize`, so a network that does not fit the chip's cores is
/// reported as such before a neuron-model error.
/// - Parameters:
///   - calibration: measured activity for `estimate`; nil gives a structure-only estimate at `assumedRate`.
/// - Throws: the first pass's `CompileError`.
public func compile(
    _ graph: Graph, for profile: ChipProfile, quantization: QuantizeOptions = QuantizeOptions(),
    calibration: Calibration? = nil, assumedRate: Double = 0.1
) throws(CompileError) -> Graph {
    var g = try compileToCSR(graph, for: profile, quantization: quantization)
    g = try mapCores(g, for: profile)
    g = try estimate(g, for: profile, calibration: calibration, assumedRate: assumedRate)
    return g
}

/// `compile`'s passes up to `lowerToCSR` (no core mapping, no estimate): the graph `mapCores`
/// and `coreDemand` take.
/// - Throws: the first pass's `CompileError`.
public func compileToCSR(
    _ graph: Graph, for profile: ChipProfile, quantization: QuantizeOptions = QuantizeOptions()
) throws(CompileError) -> Graph {
    var g = graph
    if let problem = g.structuralProblems().first {
        throw CompileError(.unsupportedGraph, reason: problem)
    }
    if let (layer, problem) = g.unusableParameter() {
        throw CompileError(
            .unsupportedGraph, layer: layer, reason: problem,
            hint: "the model file is damaged or its training diverged; export an earlier level or checkpoint")
    }
    g = try foldBatchNorm(g)
    g = try foldAveragePooling(g)
    g = try foldInputGain(g)
    // Finite parameters can still fold into infinite ones (a huge γ over a tiny variance, a
    // float32 overflow), which quantisation cannot turn into integers.
    if let (layer, problem) = g.unusableParameter() {
        throw CompileError(
            .unsupportedGraph, layer: layer,
            reason: "after folding batch norm, average pooling and the input gain into it, " + problem,
            hint: "the model file is damaged (its weights or batch-norm statistics are out of range) or its training "
                + "diverged; export an earlier level or checkpoint")
    }
    // Memory and core assignment first: they depend on shapes (and non-zero weights) only, and
    // whether a network fits the chip is worth knowing before any neuron-model error.
    switch profile.cores.mapping {
    case .layerPerCore: _ = try assignLayerCores(g, for: profile)
    case .singleCore: _ = try assignSingleCore(g, for: profile)
    case .split: break
    }
    g = try quantize(g, for: profile, options: quantization)
    return try lowerToCSR(g)
}
