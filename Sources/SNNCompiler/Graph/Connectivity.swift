import SNNIR

/// Counts derived from one synaptic layer's integer weights: unrolled synapses, per-neuron
/// in-degrees, and what a contiguous range of its post neurons needs on a core. Shared by
/// `mapCores` and `estimate`.
struct Connectivity {
    /// The layer's kind.
    enum Shape {
        case linear(inputs: Int, outputs: Int)
        case conv(ConvLayer)
        case identity(units: Int)
    }

    let shape: Shape
    /// Integer weights in the layer's dense layout.
    let values: [Int32]
    /// Presynaptic units (the input layer's units).
    let inputUnits: Int
    /// Post units.
    let outputUnits: Int
    /// Entries of the stored dense form (kernel entries for conv).
    let storedEntries: Int
    /// Non-zero stored entries.
    let storedNonZero: Int
    /// Prefix sums of each post unit's non-zero in-degree (count `outputUnits + 1`).
    private let inDegreePrefix: [Int]
    /// Prefix sums of each post unit's structural in-degree (zeros included).
    private let structuralPrefix: [Int]
    // Conv only: per (cout, cin) whether any kernel entry is non-zero; per cout the non-zero
    // kernel entries.
    private let channelPairNonZero: [Bool]
    private let kernelNonZeroPerOutChannel: [Int]

    init?(_ op: Operation) {
        let weights: SynapticWeights
        switch op {
        case .linear(let l):
            shape = .linear(inputs: l.inFeatures, outputs: l.outFeatures)
            weights = l.weights
            inputUnits = l.inFeatures
            outputUnits = l.outFeatures
        case .conv(let c):
            shape = .conv(c)
            weights = c.weights
            inputUnits = c.inputShape.reduce(1, *)
            outputUnits = c.outputShape.reduce(1, *)
        case .identity(let i):
            shape = .identity(units: i.units)
            weights = i.weights
            inputUnits = i.units
            outputUnits = i.units
        default:
            return nil
        }
        values = weights.quantized?.values ?? weights.weight.values.map { $0 == 0 ? 0 : 1 }
        storedEntries = values.count
        storedNonZero = values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        var inDegree = [Int](repeating: 0, count: outputUnits)
        var structural = [Int](repeating: 0, count: outputUnits)
        var pairs: [Bool] = []
        var perOut: [Int] = []
        switch shape {
        case .linear(let n, let m):
            for o in 0..<m {
                var count = 0
                for i in 0..<n where values[o * n + i] != 0 { count += 1 }
                inDegree[o] = count
                structural[o] = n
            }
        case .identity(let n):
            for i in 0..<n {
                inDegree[i] = values[i] != 0 ? 1 : 0
                structural[i] = 1
            }
        case .conv(let c):
            let g = c.geometry
            let cin = c.inChannels
            let cout = c.outChannels
            let kk = g.kernelH * g.kernelW
            let ho = c.outputShape[1]
            let wo = c.outputShape[2]
            var counts = [Int](repeating: 0, count: cout * kk)
            pairs = [Bool](repeating: false, count: cout * cin)
            perOut = [Int](repeating: 0, count: cout)
            for co in 0..<cout {
                for ci in 0..<cin {
                    for k in 0..<kk where values[(co * cin + ci) * kk + k] != 0 {
                        counts[co * kk + k] += 1
                        pairs[co * cin + ci] = true
                        perOut[co] += 1
                    }
                }
            }
            let valid = Self.validity(c)
            for co in 0..<cout {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var nz = 0
                        var all = 0
                        for ky in 0..<g.kernelH where valid.rows[ky].contains(oy) {
                            for kx in 0..<g.kernelW where valid.columns[kx].contains(ox) {
                                nz += counts[co * kk + ky * g.kernelW + kx]
                                all += cin
                            }
                        }
                        inDegree[(co * ho + oy) * wo + ox] = nz
                        structural[(co * ho + oy) * wo + ox] = all
                    }
                }
            }
        }
        channelPairNonZero = pairs
        kernelNonZeroPerOutChannel = perOut
        inDegreePrefix = Self.prefix(inDegree)
        structuralPrefix = Self.prefix(structural)
    }

    private static func prefix(_ values: [Int]) -> [Int] {
        var out = [0]
        out.reserveCapacity(values.count + 1)
        for v in values { out.append(out[out.count - 1] + v) }
        return out
    }

    /// For each kernel row / column offset, the output rows / columns it connects to an input.
    static func validity(_ c: ConvLayer) -> (rows: [Range<Int>], columns: [Range<Int>]) {
        let g = c.geometry
        let ho = c.outputShape[1]
        let wo = c.outputShape[2]
        let rows = (0..<g.kernelH).map {
            ConvGeometry.validOutputs(kernelOffset: $0, stride: g.strideH, pad: g.padH, inputCount: c.inputShape[1], outputCount: ho)
        }
        let columns = (0..<g.kernelW).map {
            ConvGeometry.validOutputs(kernelOffset: $0, stride: g.strideW, pad: g.padW, inputCount: c.inputShape[2], outputCount: wo)
        }
        return (rows, columns)
    }

    /// Unrolled synapses with a non-zero weight.
    var synapses: Int { inDegreePrefix[outputUnits] }
    /// Unrolled connections including zero weights.
    var connections: Int { structuralPrefix[outputUnits] }
    /// Largest non-zero in-degree of one post unit.
    var maxInDegree: (unit: Int, degree: Int) {
        var best = (0, 0)
        for u in 0..<outputUnits where inDegreePrefix[u + 1] - inDegreePrefix[u] > best.1 {
            best = (u, inDegreePrefix[u + 1] - inDegreePrefix[u])
        }
        return best
    }

    /// Non-zero in-degree of post unit `u`.
    func usageDegree(_ u: Int) -> Int { inDegreePrefix[u + 1] - inDegreePrefix[u] }

    /// Structural in-degree (zeros included) of post unit `u`.
    func structuralDegree(_ u: Int) -> Int { structuralPrefix[u + 1] - structuralPrefix[u] }

    /// Per input unit (C-order), the non-zero synapses one of its events reaches: a linear
    /// layer's non-zero weights in that input's column; a conv's non-zero kernel entries whose
    /// output position exists for that input position (borders, padding and stride respected).
    func outDegrees() -> [Int] {
        switch shape {
        case .linear(let n, let m):
            var degrees = [Int](repeating: 0, count: n)
            for o in 0..<m {
                for i in 0..<n where values[o * n + i] != 0 { degrees[i] += 1 }
            }
            return degrees
        case .identity(let n):
            return (0..<n).map { values[$0] != 0 ? 1 : 0 }
        case .conv(let c):
            let g = c.geometry
            let cin = c.inChannels
            let cout = c.outChannels
            let kk = g.kernelH * g.kernelW
            let h = c.inputShape[1]
            let w = c.inputShape[2]
            let ho = c.outputShape[1]
            let wo = c.outputShape[2]
            // Non-zero entries per (input channel, kernel offset), over output channels.
            var perOffset = [Int](repeating: 0, count: cin * kk)
            for co in 0..<cout {
                for ci in 0..<cin {
                    for k in 0..<kk where values[(co * cin + ci) * kk + k] != 0 { perOffset[ci * kk + k] += 1 }
                }
            }
            /// The output coordinate an input coordinate reaches through kernel offset `k`, if any.
            func reaches(_ x: Int, _ k: Int, stride: Int, pad: Int, count: Int) -> Bool {
                let shifted = x + pad - k
                return shifted >= 0 && shifted % stride == 0 && shifted / stride < count
            }
            var degrees = [Int](repeating: 0, count: inputUnits)
            for y in 0..<h {
                let rows = (0..<g.kernelH).filter { reaches(y, $0, stride: g.strideH, pad: g.padH, count: ho) }
                for x in 0..<w {
                    let columns = (0..<g.kernelW).filter { reaches(x, $0, stride: g.strideW, pad: g.padW, count: wo) }
                    for ci in 0..<cin {
                        var d = 0
                        for ky in rows { for kx in columns { d += perOffset[ci * kk + ky * g.kernelW + kx] } }
                        degrees[(ci * h + y) * w + x] = d
                    }
                }
            }
            return degrees
        }
    }

    /// Per stored row (input channel for conv, input unit otherwise), its non-zero entries.
    func storedRowNonZero() -> [Int] {
        guard case .conv(let c) = shape else { return outDegrees() }
        let kk = c.geometry.kernelH * c.geometry.kernelW
        var rows = [Int](repeating: 0, count: c.inChannels)
        for co in 0..<c.outChannels {
            for ci in 0..<c.inChannels {
                for k in 0..<kk where values[(co * c.inChannels + ci) * kk + k] != 0 { rows[ci] += 1 }
            }
        }
        return rows
    }

    /// Mean non-zero entries in one row of the stored fan-out table (kernel row for conv).
    var meanStoredRow: Double {
        switch shape {
        case .conv(let c): Double(storedNonZero) / Double(max(c.inChannels, 1))
        default: Double(storedNonZero) / Double(max(inputUnits, 1))
        }
    }

    /// Length of one dense stored row (kernel row for conv: `Cout·kH·kW`).
    var denseStoredRow: Int {
        switch shape {
        case .conv(let c): c.kernelColumns
        case .linear(_, let m): m
        case .identity: 1
        }
    }

    /// Rows of the stored table (input channels for conv).
    var storedRows: Int {
        switch shape {
        case .conv(let c): c.inChannels
        default: inputUnits
        }
    }

    /// What post units `range` need on one core.
    /// - Returns: stored synapse entries, storage bits, distinct input axons.
    /// On a chip whose sign comes from the axon type, every input arrives on two axons (a positive
    /// and a negative type), which doubles the axons, crossbar rows and bits.
    func usage(of range: Range<Int>, numerics: ChipProfile.Numerics) -> (stored: Int, bits: Int, fanIn: Int) {
        let u = unsignedUsage(of: range, numerics: numerics)
        return numerics.signsByAxonType ? (2 * u.stored, 2 * u.bits, 2 * u.fanIn) : u
    }

    private func unsignedUsage(of range: Range<Int>, numerics: ChipProfile.Numerics) -> (stored: Int, bits: Int, fanIn: Int) {
        let wb = numerics.weightBits
        let ib = numerics.indexBits
        let pb = numerics.pointerBits
        let sparse = numerics.sparseStorage
        func bits(stored: Int, rows: Int) -> Int {
            sparse ? stored * (wb + ib) + (rows + 1) * pb : stored * wb
        }
        switch shape {
        case .identity:
            let nz = inDegreePrefix[range.upperBound] - inDegreePrefix[range.lowerBound]
            let stored = sparse ? nz : range.count
            return (stored, bits(stored: stored, rows: range.count), range.count)
        case .linear(let n, _):
            var used = [Bool](repeating: false, count: n)
            for o in range { for i in 0..<n where values[o * n + i] != 0 { used[i] = true } }
            let fanIn = used.reduce(0) { $0 + ($1 ? 1 : 0) }
            let stored = sparse ? inDegreePrefix[range.upperBound] - inDegreePrefix[range.lowerBound] : range.count * n
            return (stored, bits(stored: stored, rows: fanIn), fanIn)
        case .conv(let c):
            let positions = c.outputShape[1] * c.outputShape[2]
            let channels = (range.lowerBound / positions)...((range.upperBound - 1) / positions)
            let cin = c.inChannels
            let kk = c.geometry.kernelH * c.geometry.kernelW
            var activeInputs = 0
            for ci in 0..<cin where channels.contains(where: { channelPairNonZero[$0 * cin + ci] }) { activeInputs += 1 }
            if numerics.weightSharing {
                let stored = sparse ? channels.reduce(0) { $0 + kernelNonZeroPerOutChannel[$1] } : channels.count * cin * kk
                return (stored, bits(stored: stored, rows: activeInputs), activeInputs)
            }
            let fanIn = activeInputs * receptiveField(of: range, c)
            let stored =
                sparse
                ? inDegreePrefix[range.upperBound] - inDegreePrefix[range.lowerBound]
                : structuralPrefix[range.upperBound] - structuralPrefix[range.lowerBound]
            return (stored, bits(stored: stored, rows: fanIn), fanIn)
        }
    }

    /// Input pixels of one channel that the output positions of `range` read (any kernel offset).
    private func receptiveField(of range: Range<Int>, _ c: ConvLayer) -> Int {
        let g = c.geometry
        let h = c.inputShape[1]
        let w = c.inputShape[2]
        let ho = c.outputShape[1]
        let wo = c.outputShape[2]
        let positions = ho * wo
        var outputs = [Bool](repeating: false, count: positions)
        if range.count >= positions {
            outputs = [Bool](repeating: true, count: positions)
        } else {
            for u in range { outputs[u % positions] = true }
        }
        var inputs = [Bool](repeating: false, count: h * w)
        for p in 0..<positions where outputs[p] {
            let oy = p / wo
            let ox = p % wo
            for ky in 0..<g.kernelH {
                let iy = oy * g.strideH - g.padH + ky
                guard iy >= 0 && iy < h else { continue }
                for kx in 0..<g.kernelW {
                    let ix = ox * g.strideW - g.padW + kx
                    if ix >= 0 && ix < w { inputs[iy * w + ix] = true }
                }
            }
        }
        return inputs.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// For each input unit, the number of distinct chunks (cores) of the post population that
    /// it reaches, given the chunks' start offsets (ascending, first 0).
    /// Conv is counted per input channel: a channel reaches every chunk holding an output
    /// channel with a non-zero kernel entry for it.
    func destinationCounts(chunkStarts: [Int]) -> [Int] {
        func chunk(of unit: Int) -> Int {
            var lo = 0
            var hi = chunkStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if chunkStarts[mid] <= unit { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        switch shape {
        case .identity(let n):
            return (0..<n).map { values[$0] != 0 ? 1 : 0 }
        case .linear(let n, let m):
            var counts = [Int](repeating: 0, count: n)
            for i in 0..<n {
                var last = -1
                for o in 0..<m where values[o * n + i] != 0 {
                    let k = chunk(of: o)
                    if k != last {
                        counts[i] += 1
                        last = k
                    }
                }
            }
            return counts
        case .conv(let c):
            let positions = c.outputShape[1] * c.outputShape[2]
            let cin = c.inChannels
            let plane = c.inputShape[1] * c.inputShape[2]
            var counts = [Int](repeating: 0, count: inputUnits)
            for ci in 0..<cin {
                var reached = Set<Int>()
                for co in 0..<c.outChannels where channelPairNonZero[co * cin + ci] {
                    for k in chunk(of: co * positions)...chunk(of: (co + 1) * positions - 1) { reached.insert(k) }
                }
                for p in 0..<plane { counts[ci * plane + p] = reached.count }
            }
            return counts
        }
    }
}
