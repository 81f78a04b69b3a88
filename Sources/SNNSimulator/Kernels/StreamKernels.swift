/// Pooling and flattening of event streams (HWC in, HWC out).
enum StreamKernels {
    /// Pools the events of a `[C, H, W]` stream. Each event reaches the outputs whose window
    /// holds it; `max` outputs 1 when any input of the window is non-zero, `sum` adds the
    /// payloads. The output events are the reached outputs, in the order first reached (event
    /// order never changes a sum; traces sort their events).
    /// - Returns: the number of output events.
    static func pool(
        isMax: Bool, input: Grid, output: Grid, rows: AxisTaps, columns: AxisTaps,
        events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
        value: UnsafeMutablePointer<Int32>, seen: UnsafeMutablePointer<UInt8>,
        outEvents: UnsafeMutablePointer<Int32>, outPayloads: UnsafeMutablePointer<Int32>
    ) -> Int {
        let rowStart = rows.start.base
        let rowOut = rows.output.base
        let colStart = columns.start.base
        let colOut = columns.output.base
        let channels = input.channels
        let channelDivisor = input.channelDivisor
        let widthDivisor = input.widthDivisor
        var produced = 0
        for e in 0..<count {
            let unit = Int(events[e])
            let (position, c) = channelDivisor.split(unit)
            let (y, x) = widthDivisor.split(position)
            let p = payloads[e]
            for r in Int(rowStart[y])..<Int(rowStart[y + 1]) {
                let outRow = Int(rowOut[r]) * output.width
                for k in Int(colStart[x])..<Int(colStart[x + 1]) {
                    let o = (outRow &+ Int(colOut[k])) &* channels &+ c
                    // Branch-free first-reach list: always write the slot, advance when new.
                    outEvents[produced] = Int32(truncatingIfNeeded: o)
                    produced &+= 1 &- Int(seen[o])
                    seen[o] = 1
                    value[o] = isMax ? 1 : value[o] &+ p
                }
            }
        }
        var kept = 0
        for k in 0..<produced {
            let o = Int(outEvents[k])
            let v = value[o]
            value[o] = 0
            seen[o] = 0
            if v != 0 {
                outEvents[kept] = Int32(o)
                outPayloads[kept] = v
                kept += 1
            }
        }
        return kept
    }

    /// Re-indexes the events of a `[C, H, W]` stream from HWC to the C-order of `[C·H·W]`.
    static func flatten(
        input: Grid, events: UnsafePointer<Int32>, payloads: UnsafePointer<Int32>, count: Int,
        outEvents: UnsafeMutablePointer<Int32>, outPayloads: UnsafeMutablePointer<Int32>
    ) {
        for e in 0..<count {
            outEvents[e] = Int32(input.chw(fromHWC: Int(events[e])))
            outPayloads[e] = payloads[e]
        }
    }
}
