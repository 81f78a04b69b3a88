import SNNIR

extension DenseReference {
    /// One inference: encoders once (or at every step when `stepInputs` has one input per step),
    /// then every other layer in order at every step.
    func execute(_ stepInputs: [[Int32]], trace: Bool) -> Inference {
        let layers = graph.layers
        let recorded = layers.indices.filter { i in
            switch steps[i] {
            case .lif, .pool: true
            default: false
            }
        }
        var spikes = StepCounts(layers: recorded.map { layers[$0].name }, steps: graph.timeSteps)
        let groups = layers.indices.filter { if case .lif = steps[$0] { true } else { false } }
        var changes = StepCounts(layers: groups.map { layers[$0].name }, steps: graph.timeSteps)
        var traces = recorded.map { _ in [EventList]() }
        var values = layers.map { [Int64](repeating: 0, count: $0.unitCount) }
        var membranes = layers.map { layer -> [Int64] in
            if case .lif = layer.op { [Int64](repeating: 0, count: layer.unitCount) } else { [] }
        }
        // Current-based groups: the synaptic currents, and the spike counts held back one step.
        var synaptic = membranes
        var held = membranes
        let readout = layers.count - 1
        var logits = [Int64](repeating: 0, count: layers[readout].unitCount)
        var logitsPerStep: [[Int64]] = []

        for t in 0..<graph.timeSteps {
            if t == 0 || stepInputs.count > 1 {
                values[0] = stepInputs[stepInputs.count > 1 ? t : 0].map(Int64.init)
                for i in layers.indices {
                    if case .conv(_, _, _, _, _, true) = steps[i] { values[i] = compute(i, values: values) }
                }
            }
            for i in layers.indices.dropFirst() {
                switch steps[i] {
                case .conv(_, _, _, _, _, true):
                    continue
                case .lif(let q):
                    let input = values[inputs[i][0]]
                    let row = groups.firstIndex(of: i) ?? 0
                    if let current = q.current {
                        for n in input.indices {
                            let next = current.step(current: synaptic[i][n], membrane: membranes[i][n], input: input[n], neurons: q)
                            if next.membrane != membranes[i][n] { changes.counts[row][t] += 1 }
                            synaptic[i][n] = next.current
                            membranes[i][n] = next.membrane
                            if current.delay > 0 {
                                values[i][n] = held[i][n]
                                held[i][n] = Int64(next.spikes)
                            } else {
                                values[i][n] = Int64(next.spikes)
                            }
                        }
                        continue
                    }
                    for n in input.indices {
                        let h = Self.saturate(q.decay.apply(membranes[i][n]), plus: input[n], bits: q.stateBits)
                        let spike = q.fires(h)
                        let next = spike ? q.reset.after(h) : h
                        if next != membranes[i][n] { changes.counts[row][t] += 1 }
                        membranes[i][n] = next
                        values[i][n] = spike ? 1 : 0
                    }
                default:
                    values[i] = compute(i, values: values)
                }
            }
            for n in logits.indices { logits[n] &+= values[readout][n] }
            logitsPerStep.append(values[readout])
            for (r, i) in recorded.enumerated() {
                let list = Self.events(values[i], binary: binary[i])
                spikes.counts[r][t] = list.count
                if trace { traces[r].append(list) }
            }
        }
        let spikeTrace =
            trace
            ? SpikeTrace(
                layers: recorded.enumerated().map { r, i in
                    LayerTrace(name: layers[i].name, shape: layers[i].shape, steps: traces[r])
                }) : nil
        return Inference(
            logits: logits, logitsPerStep: logitsPerStep, spikes: spikes, membraneChanges: changes, trace: spikeTrace)
    }

    /// The output of stateless layer `i` from the current values of its inputs.
    private func compute(_ i: Int, values: [[Int64]]) -> [Int64] {
        var out = [Int64](repeating: 0, count: graph.layers[i].unitCount)
        let input = inputs[i].first.map { values[$0] } ?? []
        switch steps[i] {
        case .input, .lif:
            break
        case .conv(let weights, let bias, let outChannels, let geometry, let inputShape, _):
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { y in
                        guard let x = x.baseAddress, let w = w.baseAddress, let y = y.baseAddress else { return }
                        DenseKernels.conv(
                            input: x, inputShape: inputShape, weights: w, bias: bias,
                            outChannels: outChannels, geometry: geometry, output: y)
                    }
                }
            }
        case .linear(let weights, let bias, let inFeatures, let outFeatures):
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { y in
                        guard let x = x.baseAddress, let w = w.baseAddress, let y = y.baseAddress else { return }
                        DenseKernels.linear(
                            input: x, inFeatures: inFeatures, weights: w, bias: bias,
                            outFeatures: outFeatures, output: y)
                    }
                }
            }
        case .identity(let gain, let bias):
            for n in out.indices { out[n] = gain[n] &* input[n] &+ (bias?[n] ?? 0) }
        case .add:
            for j in inputs[i] {
                for n in out.indices { out[n] &+= values[j][n] }
            }
        case .pool(let kind, let geometry, let inputShape):
            input.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    guard let x = x.baseAddress, let y = y.baseAddress else { return }
                    DenseKernels.pool(input: x, inputShape: inputShape, kind: kind, geometry: geometry, output: y)
                }
            }
        case .flatten:
            out = input
        }
        return out
    }

    /// `saturate(decayed + input)` to `bits` signed bits, without overflowing `Int64`.
    static func saturate(_ decayed: Int64, plus input: Int64, bits: Int) -> Int64 {
        let (sum, overflow) = decayed.addingReportingOverflow(input)
        if overflow { return input > 0 ? .max : .min }
        return bits >= 64 ? sum : IntegerArithmetic.saturate(sum, bits: bits)
    }

    /// The non-zero entries of a layer's output, in C-order.
    static func events(_ values: [Int64], binary: Bool) -> EventList {
        var indices: [Int32] = []
        var payloads: [Int32] = []
        for (n, v) in values.enumerated() where v != 0 {
            indices.append(Int32(n))
            payloads.append(Int32(truncatingIfNeeded: v))
        }
        return EventList(indices: indices, payloads: binary ? nil : payloads)
    }
}
