/// The hot loops of event delivery: each event of a stream adds `payload · weight` to the
/// accumulators of its fan-out and marks the output positions it reached.
///
/// Layout: events are HWC indices of their stream (see `Grid`); accumulators and position marks
/// follow the target's `AccumulatorLayout` (HWC with a halo). Every kernel returns the number of
/// synaptic operations it performed (stored entries reaching an output), for the work counts.
/// `marks` is nil when every position of the target is visited anyway (all pinned).
enum ScatterKernels {
    /// Conv fan-out through buckets (any stride). An event at `(ci, y, x)` reaches, for each
    /// kernel offset `(ky, kx)` whose output `(oy, ox)` exists, the bucket of `(co, w)` entries of
    /// `(ci, ky, kx)`: `acc[padded(oy, ox)·Cout + co] += p · w`.
    static func conv<A: KernelInteger>(
        _ f: ConvFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
        binary: Bool, accumulators acc: UnsafeMutablePointer<A>,
        marks: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        let channelDivisor = f.input.channelDivisor
        let widthDivisor = f.input.widthDivisor
        let outChannels = f.output.channels
        let paddedWidth = f.target.paddedWidth
        let haloH = f.target.haloH
        let haloW = f.target.haloW
        let taps = f.taps
        let kernelW = f.kernelW
        let rowStart = f.rows.start.base
        let rowK = f.rows.kernelOffset.base
        let rowOut = f.rows.output.base
        let colStart = f.columns.start.base
        let colK = f.columns.kernelOffset.base
        let colOut = f.columns.output.base
        let bucketStart = f.bucketStart.base
        let channel = f.channel.base
        let weight = f.weight.base
        var ops = 0
        for e in 0..<count {
            let unit = Int(events[e])
            let (position, ci) = channelDivisor.split(unit)
            let (y, x) = widthDivisor.split(position)
            let p = A(truncatingIfNeeded: payloads[e])
            for r in Int(rowStart[y])..<Int(rowStart[y + 1]) {
                let outRow = (Int(rowOut[r]) + haloH) * paddedWidth + haloW
                let bucketRow = ci * taps + Int(rowK[r]) * kernelW
                for c in Int(colStart[x])..<Int(colStart[x + 1]) {
                    let bucket = bucketRow + Int(colK[c])
                    let first = bucketStart[bucket]
                    let end = bucketStart[bucket + 1]
                    if first == end { continue }
                    let outPosition = outRow + Int(colOut[c])
                    marks?[outPosition] = 1
                    let target = acc + outPosition * outChannels
                    ops &+= end - first
                    if binary {
                        for k in first..<end { target[Int(channel[k])] &+= A(truncatingIfNeeded: weight[k]) }
                    } else {
                        for k in first..<end { target[Int(channel[k])] &+= p &* A(truncatingIfNeeded: weight[k]) }
                    }
                }
            }
        }
        return ops
    }

    /// Conv fan-out through flat rows (stride 1, target with a wide enough halo). An event at
    /// `(ci, y, x)` marks the `kH·kW` output positions around it and adds its whole row:
    /// `acc[origin·Cout + offset] += p · w`, where `origin` is the padded position of tap (0, 0),
    /// `(y + padH, x + padW)`. Taps outside the output land in the halo and are not counted.
    static func convFlat<A: KernelInteger>(
        _ f: ConvFanout, rows flat: ConvFanout.FlatRows, events: UnsafePointer<Int32>,
        payloads: UnsafePointer<Int32>, count: Int, binary: Bool,
        accumulators acc: UnsafeMutablePointer<A>, marks: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        let channelDivisor = f.input.channelDivisor
        let widthDivisor = f.input.widthDivisor
        let outChannels = f.output.channels
        let paddedWidth = f.target.paddedWidth
        let kernelH = f.kernelH
        let kernelW = f.kernelW
        let originY = f.padH + f.target.haloH
        let originX = f.padW + f.target.haloW
        let rowStart = flat.rowStart.base
        let offset = flat.offset.base
        let weight = f.weight.base
        let rowInside = flat.rowInside.base
        let columnInside = flat.columnInside.base
        var ops = 0
        for e in 0..<count {
            let unit = Int(events[e])
            let (position, ci) = channelDivisor.split(unit)
            let (y, x) = widthDivisor.split(position)
            let origin = (y + originY) * paddedWidth + x + originX
            if let marks {
                for ky in 0..<kernelH {
                    let markRow = marks + (origin - ky * paddedWidth)
                    for kx in 0..<kernelW { markRow[-kx] = 1 }
                }
            }
            let first = rowStart[ci]
            let end = rowStart[ci + 1]
            let target = acc + origin * outChannels
            if binary {
                for k in first..<end { target[Int(offset[k])] &+= A(truncatingIfNeeded: weight[k]) }
            } else {
                let p = A(truncatingIfNeeded: payloads[e])
                for k in first..<end { target[Int(offset[k])] &+= p &* A(truncatingIfNeeded: weight[k]) }
            }
            ops &+=
                rowInside[y] && columnInside[x] ? end - first : flat.reached(channel: ci, y: y, x: x, kernelH: kernelH, kernelW: kernelW)
        }
        return ops
    }

    /// Linear fan-out: the table row of the event's unit (C-order) adds `p · w` to each output.
    /// The target population is `[F]`, a single position, marked when any synapse is reached.
    static func linear<A: KernelInteger>(
        _ f: LinearFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>,
        count: Int, accumulators acc: UnsafeMutablePointer<A>,
        marks: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        let rowStart = f.rowStart.base
        let column = f.column.base
        let weight = f.weight.base
        var ops = 0
        for e in 0..<count {
            let r = f.row(ofUnit: Int(events[e]))
            let p = A(truncatingIfNeeded: payloads[e])
            let first = rowStart[r]
            let end = rowStart[r + 1]
            ops &+= end - first
            for k in first..<end { acc[Int(column[k])] &+= p &* A(truncatingIfNeeded: weight[k]) }
        }
        if ops > 0 { marks?[0] = 1 }
        return ops
    }

    /// Identity fan-out: unit `u` adds `p · gain[u]` to unit `u` of the target.
    static func identity<A: KernelInteger>(
        _ f: IdentityFanout, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>,
        count: Int, accumulators acc: UnsafeMutablePointer<A>,
        marks: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        let present = f.present.base
        let gain = f.gain.base
        let accumulator = f.accumulator.base
        let position = f.position.base
        var ops = 0
        for e in 0..<count {
            let u = Int(events[e])
            guard present[u] != 0 else { continue }
            acc[Int(accumulator[u])] &+= A(truncatingIfNeeded: payloads[e]) &* A(truncatingIfNeeded: gain[u])
            marks?[Int(position[u])] = 1
            ops &+= 1
        }
        return ops
    }
}
