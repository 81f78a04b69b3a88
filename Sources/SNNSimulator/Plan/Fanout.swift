import SNNIR

/// A conv layer's kernel CSR, regrouped for scattering events in HWC order.
///
/// The IR's table has one row per input channel `ci` and columns `(co·kH + ky)·kW + kx`. Here
/// the entries of each row are bucketed by kernel offset `g = ky·kW + kx` (output channels
/// ascending within a bucket), so an event at `(ci, y, x)` runs, for each valid offset, over one
/// contiguous list of `(co, w)` whose accumulators
/// `(oy·W' + ox)·Cout + co` are adjacent in memory.
struct ConvFanout: Sendable {
    let input: Grid
    let output: Grid
    let kernelW: Int
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

    init(_ conv: ConvLayer, table: CSRMatrix<Int32>) {
        let g = conv.geometry
        let taps = g.kernelH * g.kernelW
        self.taps = taps
        input = Grid(channels: conv.inChannels, height: conv.inputShape[1], width: conv.inputShape[2])
        let out = conv.outputShape
        output = Grid(channels: out[0], height: out[1], width: out[2])
        kernelW = g.kernelW
        rows = AxisTaps(inputCount: input.height, outputCount: output.height, kernel: g.kernelH,
                        stride: g.strideH, pad: g.padH)
        columns = AxisTaps(inputCount: input.width, outputCount: output.width, kernel: g.kernelW,
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
        bucketStart = FrozenBuffer(counts)
        self.channel = FrozenBuffer(channel)
        self.weight = FrozenBuffer(weight)
    }

    /// Calls `body(target, weight)` for every synapse of the input unit with HWC index `unit`
    /// (targets as HWC indices of the output): the slow path used to build route tables.
    func forEachSynapse(ofUnit unit: Int, _ body: (Int, Int32) -> Void) {
        let position = unit / input.channels, ci = unit - position * input.channels
        let y = position / input.width, x = position - y * input.width
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

    init(grid: Grid, table: CSRMatrix<Int32>) {
        self.grid = grid
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
