import SNNIR

/// A dense integer interpreter of a quantised, lowered graph that follows docs/FORMAT.md
/// ("Integer execution") literally, reading the integer weights through the fan-out tables.
/// Returns the readout's integer sums over all steps.
struct IntegerEvaluator {
    let graph: Graph

    func logits(image: [Float]) -> [Int64] {
        guard let input = graph.inputQuantization else { return [] }
        let qx = image.map { Int64(input.quantize($0)) }
        var state: [String: [Int64]] = [:]
        var encoderCurrent: [String: [Int64]] = [:]
        var total = [Int64](repeating: 0, count: graph.layers.last?.unitCount ?? 0)
        for _ in 0..<graph.timeSteps {
            var values: [String: [Int64]] = [:]
            for layer in graph.layers {
                let x = layer.inputs.first.flatMap { values[$0] } ?? []
                switch layer.op {
                case .input:
                    values[layer.name] = qx
                case .conv(let c):
                    if c.encoder, let cached = encoderCurrent[layer.name] {
                        values[layer.name] = cached
                        continue
                    }
                    let y = convolve(x, c)
                    if c.encoder { encoderCurrent[layer.name] = y }
                    values[layer.name] = y
                case .linear(let l):
                    guard let table = l.weights.fanout, let q = l.weights.quantized else { continue }
                    var y = q.bias.map { $0.map(Int64.init) } ?? [Int64](repeating: 0, count: l.outFeatures)
                    for j in 0..<table.rows where x[j] != 0 {
                        for e in table.entries(ofRow: j) { y[Int(table.columnIndices[e])] += x[j] * Int64(table.values[e]) }
                    }
                    values[layer.name] = y
                case .identity(let i):
                    guard let table = i.weights.fanout else { continue }
                    var y = [Int64](repeating: 0, count: i.units)
                    for j in 0..<table.rows where x[j] != 0 {
                        for e in table.entries(ofRow: j) { y[Int(table.columnIndices[e])] += x[j] * Int64(table.values[e]) }
                    }
                    values[layer.name] = y
                case .add:
                    values[layer.name] = residualSum(x, layer, values)
                case .lif(let lif):
                    guard let n = lif.quantized else { continue }
                    var v = state[layer.name] ?? [Int64](repeating: 0, count: x.count)
                    var s = [Int64](repeating: 0, count: x.count)
                    for j in x.indices {
                        let h = IntegerArithmetic.saturate(n.decay.apply(v[j]) + x[j], bits: n.stateBits)
                        if n.fires(h) {
                            s[j] = 1
                            v[j] = n.reset.after(h)
                        } else {
                            v[j] = h
                        }
                    }
                    state[layer.name] = v
                    values[layer.name] = s
                case .pool(let p):
                    let inShape = graph.layer(named: layer.inputs[0])?.shape ?? []
                    values[layer.name] = pool(x, inShape, layer.shape, p)
                case .flatten:
                    values[layer.name] = x
                case .batchNorm:
                    continue
                }
            }
            if let last = graph.layers.last, let out = values[last.name] {
                for j in total.indices { total[j] += out[j] }
            }
        }
        return total
    }

    /// Conv through the kernel table: event (ci, y, x) reaches (co, oy, ox) with oy·s − p + ky = y.
    private func convolve(_ x: [Int64], _ c: ConvLayer) -> [Int64] {
        guard let table = c.weights.fanout, let q = c.weights.quantized else { return [] }
        let (h, w) = (c.inputShape[1], c.inputShape[2])
        let out = c.outputShape
        let g = c.geometry
        let kk = g.kernelH * g.kernelW
        var y = [Int64](repeating: 0, count: out.reduce(1, *))
        for co in 0..<out[0] {
            let b = Int64(q.bias?[co] ?? 0)
            for p in 0..<(out[1] * out[2]) { y[co * out[1] * out[2] + p] = b }
        }
        for ci in 0..<c.inChannels {
            for iy in 0..<h {
                for ix in 0..<w {
                    let payload = x[(ci * h + iy) * w + ix]
                    guard payload != 0 else { continue }
                    for e in table.entries(ofRow: ci) {
                        let column = Int(table.columnIndices[e])
                        let co = column / kk
                        let ky = (column % kk) / g.kernelW
                        let kx = column % g.kernelW
                        let ny = iy + g.padH - ky
                        let nx = ix + g.padW - kx
                        guard ny >= 0, nx >= 0, ny % g.strideH == 0, nx % g.strideW == 0 else { continue }
                        let oy = ny / g.strideH
                        let ox = nx / g.strideW
                        guard oy < out[1], ox < out[2] else { continue }
                        y[(co * out[1] + oy) * out[2] + ox] += payload * Int64(table.values[e])
                    }
                }
            }
        }
        return y
    }

    private func pool(_ x: [Int64], _ inShape: [Int], _ outShape: [Int], _ p: PoolLayer) -> [Int64] {
        let (h, w) = (inShape[1], inShape[2])
        let g = p.geometry
        var y = [Int64](repeating: 0, count: outShape.reduce(1, *))
        for c in 0..<outShape[0] {
            for oy in 0..<outShape[1] {
                for ox in 0..<outShape[2] {
                    var sum: Int64 = 0
                    forEachWindowPosition(g, channel: c, oy: oy, ox: ox, height: h, width: w) { index in
                        if let index { sum += x[index] }
                    }
                    y[(c * outShape[1] + oy) * outShape[2] + ox] = p.kind == .max ? (sum > 0 ? 1 : 0) : sum
                }
            }
        }
        return y
    }
}
