/// When a masked stride-1 convolution runs on the sparse kernels (`sparseConv2dForward`)
/// instead of the dense (oneDNN) kernels: when its kept fraction is at most
/// `maxDensity(outputPixels:)`.
///
/// The break-even grows with the output map: the sparse kernels' wide layout spends
/// Hp·Wp / (Ho·Wo) positions per output pixel (1.13 at 32×32, 4 at 2×2), while the dense kernels
/// are most efficient on many channels and small maps. `measured` comes from
/// `snnc-bench conv-layers` on VGG16 width 1/8 (BENCHMARKS.md, "Sparse convolutions").
public struct SparseKernelPolicy: Sendable, Equatable {
    /// One step of the policy: output maps of at least `outputPixels` pixels run sparse at
    /// kept fractions up to `maxDensity`.
    public struct Limit: Sendable, Equatable {
        public var outputPixels: Int
        public var maxDensity: Double
        public init(outputPixels: Int, maxDensity: Double) {
            self.outputPixels = outputPixels
            self.maxDensity = maxDensity
        }
    }

    /// Limits by decreasing `outputPixels`; the first that a map reaches applies.
    public var limits: [Limit]

    public init(limits: [Limit]) {
        self.limits = limits.sorted { $0.outputPixels > $1.outputPixels }
    }

    /// Measured on VGG16 width 1/8 against oneDNN's kernels (issue 21): maps of ≥ 32×32 up to
    /// 20% kept, ≥ 16×16 up to 12%, ≥ 8×8 up to 8%; smaller maps always dense.
    public static let measured = SparseKernelPolicy(limits: [
        Limit(outputPixels: 1024, maxDensity: 0.2),
        Limit(outputPixels: 256, maxDensity: 0.12),
        Limit(outputPixels: 64, maxDensity: 0.08),
    ])

    /// Never the sparse kernels.
    public static let off = SparseKernelPolicy(limits: [])

    /// The same limit for every map size.
    public static func uniform(maxDensity: Double) -> SparseKernelPolicy {
        SparseKernelPolicy(limits: [Limit(outputPixels: 0, maxDensity: maxDensity)])
    }

    /// Largest kept fraction that runs sparse for an output map of `outputPixels` pixels
    /// (0: never).
    public func maxDensity(outputPixels: Int) -> Double {
        limits.first { outputPixels >= $0.outputPixels }?.maxDensity ?? 0
    }
}
