import SNNIR

/// A plain float interpreter of an (unquantised) IR graph, for checking that the folds keep the
/// function: runs one image through all steps and returns the logits summed over steps.
///
/// Semantics follow the IR docs: an unfolded LIF does `H = V + (X − V)/τ`, a folded one
/// `H = decay·V + X`; both fire on `H ≥ threshold` and reset to `reset`.
struct FloatEvaluator {
    let graph: Graph

    func logits(image: [Float]) -> [Float] {
        var state: [String: [Float]] = [:]
        var total = [Float](repeating: 0, count: graph.layers.last?.unitCount ?? 0)
        for _ in 0..<graph.timeSteps {
            var values: [String: [Float]] = [:]
            for layer in graph.layers {
                let x = layer.inputs.first.flatMap { values[$0] } ?? []
                let shapeIn = layer.inputs.first.flatMap { graph.layer(named: $0)?.shape } ?? []
                switch layer.op {
                case .input: values[layer.name] = image
                case .conv(let c): values[layer.name] = conv(x, c)
                case .linear(let l): values[layer.name] = linear(x, l)
                case .identity(let i): values[layer.name] = zip(x, i.weights.weight.values).map { $0 * $1 }
                case .batchNorm(let bn):
                    let per = x.count / bn.mean.count
                    values[layer.name] = x.indices.map { j in
                        let c = j / per
                        return bn.gamma[c] * (x[j] - bn.mean[c]) / (bn.variance[c] + bn.epsilon).squareRoot() + bn.beta[c]
                    }
                case .lif(let lif):
                    var v = state[layer.name] ?? [Float](repeating: 0, count: x.count)
                    var s = [Float](repeating: 0, count: x.count)
                    for j in x.indices {
                        let h: Float
                        if lif.inputGainFolded {
                            h = Float(lif.decay) * v[j] + x[j]
                        } else if let tau = lif.tau {
                            h = v[j] + (x[j] - v[j]) / tau
                        } else {
                            h = v[j] + x[j]
                        }
                        if h >= lif.threshold {
                            s[j] = 1
                            v[j] = lif.resetMode == .subtract ? h - lif.threshold : lif.reset
                        } else {
                            v[j] = h
                        }
                    }
                    state[layer.name] = v
                    values[layer.name] = s
                case .pool(let p): values[layer.name] = pool(x, shapeIn, layer.shape, p)
                case .flatten: values[layer.name] = x
                case .add: values[layer.name] = residualSum(x, layer, values)
                }
            }
            if let last = graph.layers.last, let out = values[last.name] {
                for j in total.indices { total[j] += out[j] }
            }
        }
        return total
    }

    private func conv(_ x: [Float], _ c: ConvLayer) -> [Float] {
        let (cin, h, w) = (c.inputShape[0], c.inputShape[1], c.inputShape[2])
        let out = c.outputShape
        let g = c.geometry
        let weight = c.weights.weight.values
        var y = [Float](repeating: 0, count: out.reduce(1, *))
        for co in 0..<out[0] {
            for oy in 0..<out[1] {
                for ox in 0..<out[2] {
                    var acc = c.weights.bias?[co] ?? 0
                    for ci in 0..<cin {
                        for ky in 0..<g.kernelH {
                            let iy = oy * g.strideH - g.padH + ky
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<g.kernelW {
                                let ix = ox * g.strideW - g.padW + kx
                                guard ix >= 0 && ix < w else { continue }
                                acc += weight[((co * cin + ci) * g.kernelH + ky) * g.kernelW + kx] * x[(ci * h + iy) * w + ix]
                            }
                        }
                    }
                    y[(co * out[1] + oy) * out[2] + ox] = acc
                }
            }
        }
        return y
    }

    private func linear(_ x: [Float], _ l: LinearLayer) -> [Float] {
        (0..<l.outFeatures).map { o in
            var acc = l.weights.bias?[o] ?? 0
            for i in 0..<l.inFeatures { acc += l.weights.weight.values[o * l.inFeatures + i] * x[i] }
            return acc
        }
    }

    private func pool(_ x: [Float], _ inShape: [Int], _ outShape: [Int], _ p: PoolLayer) -> [Float] {
        let (h, w) = (inShape[1], inShape[2])
        let g = p.geometry
        var y = [Float](repeating: 0, count: outShape.reduce(1, *))
        for c in 0..<outShape[0] {
            for oy in 0..<outShape[1] {
                for ox in 0..<outShape[2] {
                    var sum: Float = 0
                    var best = -Float.infinity
                    forEachWindowPosition(g, channel: c, oy: oy, ox: ox, height: h, width: w) { index in
                        let v = index.map { x[$0] } ?? 0
                        sum += v
                        best = max(best, v)
                    }
                    let j = (c * outShape[1] + oy) * outShape[2] + ox
                    switch p.kind {
                    case .max: y[j] = best
                    case .sum: y[j] = sum
                    case .average: y[j] = sum / Float(g.kernelH * g.kernelW)
                    }
                }
            }
        }
        return y
    }
}
