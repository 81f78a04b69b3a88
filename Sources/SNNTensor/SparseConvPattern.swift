// Which weights of a pruned convolution are kept, grouped the two ways the sparse kernels
// (SparseConv2d.swift) walk them.

/// The kept weights of a convolution weight `[Cout, Cin, kH, kW]`, as flat weight indices
/// grouped by output channel (for the forward pass and the weight gradient) and by input
/// channel (for the input gradient).
///
/// Built from a pruning mask (nonzero = kept); the kernels read the current weight values
/// through these indices, so a pattern stays valid while training changes the kept weights.
/// (`Network` rebuilds it on every forward pass: one scan of the mask, small next to a step.)
public struct SparseConvPattern: Sendable, Equatable {
    /// `[Cout, Cin, kH, kW]` of the weight the pattern describes.
    public let weightShape: [Int]
    /// Kept flat indices of output channel `co`: `byOutput[outputStart[co]..<outputStart[co + 1]]`,
    /// ascending.
    let outputStart: [Int]
    let byOutput: [Int]
    /// Kept flat indices of input channel `ci`: `byInput[inputStart[ci]..<inputStart[ci + 1]]`,
    /// ascending (so ordered by output channel, then kernel row, then kernel column).
    let inputStart: [Int]
    let byInput: [Int]

    /// The pattern of `mask` (`[Cout, Cin, kH, kW]`, nonzero = kept).
    /// - Precondition: `mask` has rank 4.
    public init(mask: Tensor) {
        precondition(mask.rank == 4, "a convolution mask must be [Cout, Cin, kH, kW], got \(mask.shape)")
        let (cout, cin) = (mask.shape[0], mask.shape[1])
        let perInput = mask.shape[2] * mask.shape[3]
        let perOutput = cin * perInput
        var outputStart = [Int](repeating: 0, count: cout + 1)
        var inputCounts = [Int](repeating: 0, count: cin)
        var byOutput: [Int] = []
        for (flat, kept) in mask.scalars.enumerated() where kept != 0 {
            byOutput.append(flat)
            outputStart[flat / perOutput + 1] += 1
            inputCounts[(flat / perInput) % cin] += 1
        }
        for co in 0..<cout { outputStart[co + 1] += outputStart[co] }
        var inputStart = [Int](repeating: 0, count: cin + 1)
        for ci in 0..<cin { inputStart[ci + 1] = inputStart[ci] + inputCounts[ci] }
        var byInput = [Int](repeating: 0, count: byOutput.count)
        var next = Array(inputStart.dropLast())
        for flat in byOutput {
            let ci = (flat / perInput) % cin
            byInput[next[ci]] = flat
            next[ci] += 1
        }
        self.weightShape = mask.shape
        self.outputStart = outputStart
        self.byOutput = byOutput
        self.inputStart = inputStart
        self.byInput = byInput
    }

    /// Number of kept weights.
    public var keptCount: Int { byOutput.count }

    /// Kept fraction of the weights (1 for an empty weight).
    public var density: Double {
        let total = weightShape.reduce(1, *)
        return total == 0 ? 1 : Double(keptCount) / Double(total)
    }

    /// Whether the sparse kernels handle convolutions with this window: stride 1 on both axes
    /// (any kernel size and padding).
    public static func supports(_ window: Window2d) -> Bool {
        window.strideH == 1 && window.strideW == 1
    }
}
