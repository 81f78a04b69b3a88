/// For every input coordinate along one axis of a window operation (conv or pool), the pairs
/// (kernel offset `k`, output coordinate `o`) with `o·stride − pad + k == input`.
///
/// This inverts the usual "which inputs does an output read" into "which outputs does an input
/// event reach", the question of a fan-out (event-driven) execution. Padding needs no special
/// case: outputs whose window reaches into the padding simply have fewer taps.
struct AxisTaps: Sendable {
    /// `inputCount + 1` offsets into `kernelOffset` / `output`.
    let start: FrozenBuffer<Int32>
    /// Kernel offset of each tap.
    let kernelOffset: FrozenBuffer<Int32>
    /// Output coordinate of each tap.
    let output: FrozenBuffer<Int32>

    init(inputCount: Int, outputCount: Int, kernel: Int, stride: Int, pad: Int) {
        var start: [Int32] = [0]
        var kernelOffset: [Int32] = []
        var output: [Int32] = []
        for i in 0..<inputCount {
            for k in 0..<kernel {
                let shifted = i + pad - k
                guard shifted >= 0, shifted % stride == 0 else { continue }
                let o = shifted / stride
                guard o < outputCount else { continue }
                kernelOffset.append(Int32(k))
                output.append(Int32(o))
            }
            start.append(Int32(output.count))
        }
        self.start = FrozenBuffer(start)
        self.kernelOffset = FrozenBuffer(kernelOffset)
        self.output = FrozenBuffer(output)
    }
}
