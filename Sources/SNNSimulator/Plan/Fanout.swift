import SNNIR

/// A conv layer's kernel CSR, regrouped for scattering events into HWC accumulators.
///
/// The IR's table has one row per input channel `ci` and columns `(co·kH + ky)·kW + kx`. Two
/// forms are kept:
/// - buckets: the entries of each row grouped by kernel offset `g = ky·kW + kx` (output channels
///   ascending), so an event at `(ci, y, x)` visits only the offsets whose output exists; used
///   for strided convs and encoders, and to count border events' operations;
/// - flat rows (stride 1, when the target has a halo wide enough): each entry with its offset
///   relative to the accumulator of tap (0, 0), so an event adds its whole row in one loop.
struct ConvFanout: Sendable {
    /// Flat rows of a stride-1 conv.
    struct FlatRows: Sendable {
        /// `Cin + 1` offsets into `offset` / `weight`.
        let rowStart: FrozenBuffer<Int>
        /// Accumulator offset of each entry relative to tap (0, 0): `co − (ky·W'' + kx)·Cout`,
        /// with `W''` the target's padded width. The weights are `ConvFanout.weight` (same order).
        let offset: FrozenBuffer<Int32>
        /// Whether every kernel row (column) lands inside the output, per input row (column).
        let rowInside: FrozenBuffer<Bool>
        let columnInside: FrozenBuffer<Bool>
        /// Per input row (column), the kernel rows (columns) that land inside: `low ..< high`
        /// (contiguous at stride 1).
        let rowLow: FrozenBuffer<Int>
        let rowHigh: FrozenBuffer<Int>
        let columnLow: FrozenBuffer<Int>
        let columnHigh: FrozenBuffer<Int>
        /// 2-D prefix sums of the bucket sizes of each input channel:
        /// `prefix[(ci·(kH+1) + a)·(kW+1) + b] = Σ_{ky<a, kx<b} |bucket(ci, ky, kx)|`.
        let prefix: FrozenBuffer<Int>

        /// The entries an event at `(ci, y, x)` reaches (its taps inside the output).
        @inline(__always)
        func reached(channel ci: Int, y: Int, x: Int, kernelH: Int, kernelW: Int) -> Int {
            let stride = kernelW + 1
            let plane = ci * (kernelH + 1) * stride
            let y0 = rowLow[y]
            let y1 = rowHigh[y]
            let x0 = columnLow[x]
            let x1 = columnHigh[x]
            return prefix[plane + y1 * stride + x1] - prefix[plane + y0 * stride + x1]
                - prefix[plane + y1 * stride + x0] + prefix[plane + y0 * stride + x0]
        }
    }

    let input: Grid
    let output: Grid
    /// Where the events are added (the target population's accumulators, or an encoder buffer).
    let target: AccumulatorLayout
    let kernelH: Int
    let kernelW: Int
    let padH: Int
    let padW: Int
    /// Kernel offsets per input channel, `kH·kW`.
    let taps: Int
    let rows: AxisTaps
    let columns: AxisTaps
    /// `Cin·kH·kW + 1` offsets: bucket `ci·kH·kW + g` is `bucketStart[b] ..< bucketStart[b + 1]`.
    let bucketStart: FrozenBuffer<Int>
    /// Output channel of each entry.
    let channel: FrozenBuffer<Int32>
    /// Integer weight of each entry.
    let weight: FrozenBuffer<Int32>
    /// The flat rows, when the conv qualifies (stride 1, halo wide enough).
    let flat: FlatRows?

    /// The halo a stride-1 conv needs around its output to add whole rows: `k − 1 − pad` per axis.
    static func halo(of conv: ConvLayer) -> (Int, Int)? {
        let g = conv.geometry
        guard g.strideH == 1, g.strideW == 1 else { return nil }
        return (max(0, g.kernelH - 1 - g.padH), max(0, g.kernelW - 1 - g.padW))
    }

    init(_ conv: ConvLayer, table: CSRMatrix<Int32>, target: AccumulatorLayout) {
        let g = conv.geometry
        let taps = g.kernelH * g.kernelW
        self.taps = taps
        input = Grid(channels: conv.inChannels, height: conv.inputShape[1], width: conv.inputShape[2])
        let out = conv.outputShape
        output = Grid(channels: out[0], height: out[1], width: out[2])
        self.target = target
        (kernelH, kernelW, padH, padW) = (g.kernelH, g.kernelW, g.padH, g.padW)
        rows = AxisTaps(
            inputCount: input.height, outputCount: output.height, kernel: g.kernelH,
            stride: g.strideH, pad: g.padH)
        columns = AxisTaps(
            inputCount: input.width, outputCount: output.width, kernel: g.kernelW,
            stride: g.strideW, pad: g.padW)
        var counts = [Int](repeating: 0, count: conv.inChannels * taps + 1)
        for ci in 0..<table.rows {
            for k in table.entries(ofRow: ci) { counts[ci * taps + Int(table.columnIndices[k]) % taps + 1] += 1 }
        }
        for b in 0..<(counts.count - 1) { counts[b + 1] += counts[b] }
        var next = counts
        var channel = [Int32](repeating: 0, count: table.nonZeroCount)
        var weight = [Int32](repeating: 0, count: table.nonZeroCount)
        // Columns ascend within a row, so output channels ascend within each bucket.
        for ci in 0..<table.rows {
            for k in table.entries(ofRow: ci) {
                let column = Int(table.columnIndices[k])
                let b = ci * taps + column % taps
                channel[next[b]] = Int32(column / taps)
                weight[next[b]] = table.values[k]
                next[b] += 1
            }
        }
        if let (needH, needW) = Self.halo(of: conv), target.haloH >= needH, target.haloW >= needW {
            // Rows are contiguous runs of buckets, so a flat row is the same entries (and
            // weights) as its buckets, with offsets instead of channels.
            var offset = [Int32](repeating: 0, count: table.nonZeroCount)
            for b in 0..<(counts.count - 1) {
                let ky = (b % taps) / g.kernelW
                let kx = (b % taps) % g.kernelW
                for k in counts[b]..<counts[b + 1] {
                    offset[k] = Int32(Int(channel[k]) - (ky * target.paddedWidth + kx) * output.channels)
                }
            }
            let rows = rows
            let columns = columns
            func range(_ t: AxisTaps, _ i: Int) -> (Int, Int) {
                let k = (Int(t.start[i])..<Int(t.start[i + 1])).map { Int(t.kernelOffset[$0]) }
                return (k.min() ?? 0, (k.max() ?? -1) + 1)
            }
            let rowRanges = (0..<input.height).map { range(rows, $0) }
            let columnRanges = (0..<input.width).map { range(columns, $0) }
            var prefix = [Int](repeating: 0, count: conv.inChannels * (g.kernelH + 1) * (g.kernelW + 1))
            for ci in 0..<conv.inChannels {
                let plane = ci * (g.kernelH + 1) * (g.kernelW + 1)
                for a in 1...g.kernelH {
                    for b in 1...g.kernelW {
                        let bucket = ci * taps + (a - 1) * g.kernelW + (b - 1)
                        prefix[plane + a * (g.kernelW + 1) + b] =
                            counts[bucket + 1] - counts[bucket]
                            + prefix[plane + (a - 1) * (g.kernelW + 1) + b] + prefix[plane + a * (g.kernelW + 1) + b - 1]
                            - prefix[plane + (a - 1) * (g.kernelW + 1) + b - 1]
                    }
                }
            }
            flat = FlatRows(
                rowStart: FrozenBuffer((0...conv.inChannels).map { counts[$0 * taps] }),
                offset: FrozenBuffer(offset),
                rowInside: FrozenBuffer((0..<input.height).map { Int(rows.start[$0 + 1] - rows.start[$0]) == g.kernelH }),
                columnInside: FrozenBuffer((0..<input.width).map { Int(columns.start[$0 + 1] - columns.start[$0]) == g.kernelW }),
                rowLow: FrozenBuffer(rowRanges.map(\.0)), rowHigh: FrozenBuffer(rowRanges.map(\.1)),
                columnLow: FrozenBuffer(columnRanges.map(\.0)), columnHigh: FrozenBuffer(columnRanges.map(\.1)),
                prefix: FrozenBuffer(prefix))
        } else {
            flat = nil
        }
        bucketStart = FrozenBuffer(counts)
        self.channel = FrozenBuffer(channel)
        self.weight = FrozenBuffer(weight)
    }

    /// The number of synapses an event at `(ci, y, x)` reaches: its row's entries at the kernel
    /// offsets whose output exists (by walking the buckets; `FlatRows.reached` is the O(1) form
    /// the kernel uses, and the tests check one against the other).
    func reachedSynapses(channel ci: Int, y: Int, x: Int) -> Int {
        var total = 0
        for r in Int(rows.start[y])..<Int(rows.start[y + 1]) {
            let bucketRow = ci * taps + Int(rows.kernelOffset[r]) * kernelW
            for c in Int(columns.start[x])..<Int(columns.start[x + 1]) {
                let b = bucketRow + Int(columns.kernelOffset[c])
                total += bucketStart[b + 1] - bucketStart[b]
            }
        }
        return total
    }

    /// Calls `body(target, weight)` for every synapse of the input unit with HWC index `unit`
    /// (targets as HWC indices of the output): the slow path used to build route tables.
    func forEachSynapse(ofUnit unit: Int, _ body: (Int, Int32) -> Void) {
        let position = unit / input.channels
        let ci = unit - position * input.channels
        let y = position / input.width
        let x = position - y * input.width
        for r in Int(rows.start[y])..<Int(rows.start[y + 1]) {
            for c in Int(columns.start[x])..<Int(columns.start[x + 1]) {
                let bucket = ci * taps + Int(rows.kernelOffset[r]) * kernelW + Int(columns.kernelOffset[c])
                let outPosition = Int(rows.output[r]) * output.width + Int(columns.output[c])
                for k in bucketStart[bucket]..<bucketStart[bucket + 1] {
                    body(outPosition * output.channels + Int(channel[k]), weight[k])
                }
            }
        }
    }
}

/// A linear layer's table `Wᵀ` (row = input unit in C-order, column = output unit).
struct LinearFanout: Sendable {
    /// The grid of the source stream; a `[C, H, W]` source is re-indexed to C-order per event.
    let input: Grid
    let outputs: Int
    let rowStart: FrozenBuffer<Int>
    let column: FrozenBuffer<Int32>
    let weight: FrozenBuffer<Int32>

    init(input: Grid, outputs: Int, table: CSRMatrix<Int32>) {
        self.input = input
        self.outputs = outputs
        rowStart = FrozenBuffer(table.rowOffsets)
        column = FrozenBuffer(table.columnIndices)
        weight = FrozenBuffer(table.values)
    }

    /// The table row of the source unit with HWC index `unit`.
    @inline(__always)
    func row(ofUnit unit: Int) -> Int { input.positions == 1 ? unit : input.chw(fromHWC: unit) }

    func forEachSynapse(ofUnit unit: Int, _ body: (Int, Int32) -> Void) {
        let r = row(ofUnit: unit)
        for k in rowStart[r]..<rowStart[r + 1] { body(Int(column[k]), weight[k]) }
    }
}

/// An identity layer's diagonal table, in HWC order of its (shared) grid.
struct IdentityFanout: Sendable {
    let grid: Grid
    /// 1 where the table has an entry for the unit.
    let present: FrozenBuffer<UInt8>
    /// The gain of each unit (0 where absent).
    let gain: FrozenBuffer<Int32>
    /// Each unit's accumulator in the target layout.
    let accumulator: FrozenBuffer<Int32>
    /// Each unit's padded position in the target layout (for marks).
    let position: FrozenBuffer<Int32>

    init(grid: Grid, table: CSRMatrix<Int32>, target: AccumulatorLayout) {
        self.grid = grid
        accumulator = FrozenBuffer((0..<grid.count).map { Int32(target.accumulator(ofHWC: $0)) })
        position = FrozenBuffer((0..<grid.count).map { Int32(target.paddedPosition($0 / grid.channels)) })
        var present = [UInt8](repeating: 0, count: grid.count)
        var gain = [Int32](repeating: 0, count: grid.count)
        for r in 0..<table.rows {
            for k in table.entries(ofRow: r) {
                let u = grid.hwc(fromCHW: r)
                present[u] = 1
                gain[u] = table.values[k]
            }
        }
        self.present = FrozenBuffer(present)
        self.gain = FrozenBuffer(gain)
    }

    func forEachSynapse(ofUnit unit: Int, _ body: (Int, Int32) -> Void) {
        if present[unit] != 0 { body(unit, gain[unit]) }
    }
}

/// The fan-out of one synaptic layer.
enum Fanout: Sendable {
    case conv(ConvFanout)
    case linear(LinearFanout)
    case identity(IdentityFanout)

    /// Every synapse of source unit `unit` (HWC): `body(target HWC index, weight)`.
    func forEachSynapse(ofUnit unit: Int, _ body: (Int, Int32) -> Void) {
        switch self {
        case .conv(let f): f.forEachSynapse(ofUnit: unit, body)
        case .linear(let f): f.forEachSynapse(ofUnit: unit, body)
        case .identity(let f): f.forEachSynapse(ofUnit: unit, body)
        }
    }
}
