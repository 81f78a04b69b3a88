/// The hot loops of event delivery: each event of a stream adds `payload · weight` to the
/// accumulators of its fan-out and marks the output positions it reached.
///
/// Layout: events and accumulators are HWC indices (see `Grid`). Every kernel returns the number
/// of synaptic operations it performed (stored entries reached), for the work counts.
enum ScatterKernels {
    /// Conv fan-out. An event at `(ci, y, x)` reaches, for each kernel offset `(ky, kx)` whose
    /// output `(oy, ox)` exists, the bucket of `(co, w)` entries of `(ci, ky, kx)`:
    /// `acc[(oy·W' + ox)·Cout + co] += p · w`.
    static func conv(_ f: ConvFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
                     binary: Bool, accumulators acc: UnsafeMutablePointer<Int64>,
                     marks: UnsafeMutablePointer<UInt8>) -> Int {
        let inChannels = f.input.channels, inWidth = f.input.width
        let outWidth = f.output.width, outChannels = f.output.channels
        let taps = f.taps, kernelW = f.kernelW
        let rowStart = f.rows.start.base, rowK = f.rows.kernelOffset.base, rowOut = f.rows.output.base
        let colStart = f.columns.start.base, colK = f.columns.kernelOffset.base, colOut = f.columns.output.base
        let bucketStart = f.bucketStart.base, channel = f.channel.base, weight = f.weight.base
        var ops = 0
        for e in 0..<count {
            let unit = Int(events[e])
            let position = unit / inChannels, ci = unit - position * inChannels
            let y = position / inWidth, x = position - y * inWidth
            let p = Int64(payloads[e])
            for r in Int(rowStart[y])..<Int(rowStart[y + 1]) {
                let outRow = Int(rowOut[r]) * outWidth
                let bucketRow = ci * taps + Int(rowK[r]) * kernelW
                for c in Int(colStart[x])..<Int(colStart[x + 1]) {
                    let bucket = bucketRow + Int(colK[c])
                    let first = bucketStart[bucket], end = bucketStart[bucket + 1]
                    if first == end { continue }
                    let outPosition = outRow + Int(colOut[c])
                    marks[outPosition] = 1
                    let target = acc + outPosition * outChannels
                    ops &+= end - first
                    if binary {
                        for k in first..<end { target[Int(channel[k])] &+= Int64(weight[k]) }
                    } else {
                        for k in first..<end { target[Int(channel[k])] &+= p &* Int64(weight[k]) }
                    }
                }
            }
        }
        return ops
    }

    /// Linear fan-out: the table row of the event's unit (C-order) adds `p · w` to each output.
    /// The target population is `[F]`, a single position, marked when any synapse is reached.
    static func linear(_ f: LinearFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
                       accumulators acc: UnsafeMutablePointer<Int64>, marks: UnsafeMutablePointer<UInt8>) -> Int {
        let rowStart = f.rowStart.base, column = f.column.base, weight = f.weight.base
        var ops = 0
        for e in 0..<count {
            let r = f.row(ofUnit: Int(events[e]))
            let p = Int64(payloads[e])
            let first = rowStart[r], end = rowStart[r + 1]
            ops &+= end - first
            for k in first..<end { acc[Int(column[k])] &+= p &* Int64(weight[k]) }
        }
        if ops > 0 { marks[0] = 1 }
        return ops
    }

    /// Identity fan-out: unit `u` adds `p · gain[u]` to unit `u` of the target.
    static func identity(_ f: IdentityFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
                         accumulators acc: UnsafeMutablePointer<Int64>, marks: UnsafeMutablePointer<UInt8>) -> Int {
        let present = f.present.base, gain = f.gain.base, channels = f.grid.channels
        var ops = 0
        for e in 0..<count {
            let u = Int(events[e])
            guard present[u] != 0 else { continue }
            acc[u] &+= Int64(payloads[e]) &* Int64(gain[u])
            marks[u / channels] = 1
            ops &+= 1
        }
        return ops
    }
}
