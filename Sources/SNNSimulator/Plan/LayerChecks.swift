import SNNIR

/// Shape and array-size checks of single layers, each failing with a message naming the layer.
enum LayerChecks {
    static func geometry(_ g: ConvGeometry, layer: String) throws {
        guard g.kernelH >= 1, g.kernelW >= 1, g.strideH >= 1, g.strideW >= 1, g.padH >= 0, g.padW >= 0 else {
            throw SimulatorError.shapeMismatch(
                layer: layer,
                detail: "invalid window \(g.kernelH)×\(g.kernelW), stride \(g.strideH)×\(g.strideW), padding \(g.padH)×\(g.padW)")
        }
    }

    static func conv(_ conv: ConvLayer, layer: Layer, inputShape: [Int], requireFanout: Bool) throws {
        try geometry(conv.geometry, layer: layer.name)
        guard conv.inputShape.count == 3, conv.inputShape == inputShape else {
            throw SimulatorError.shapeMismatch(
                layer: layer.name, detail: "declared input shape \(conv.inputShape) but its input has \(inputShape)")
        }
        let out = conv.outputShape
        guard conv.outChannels >= 1, out[1] >= 1, out[2] >= 1, layer.shape == out else {
            throw SimulatorError.shapeMismatch(layer: layer.name, detail: "output shape \(layer.shape) but the convolution gives \(out)")
        }
        let g = conv.geometry
        try synapses(
            conv.weights, layer: layer.name, weightCount: conv.outChannels * conv.inChannels * g.kernelH * g.kernelW,
            biasCount: conv.outChannels, rows: conv.inChannels, columns: conv.kernelColumns,
            requireFanout: requireFanout)
    }

    static func linear(_ linear: LinearLayer, layer: Layer, inputShape: [Int], requireFanout: Bool) throws {
        let inputUnits = inputShape.reduce(1, *)
        guard linear.inFeatures == inputUnits, Grid(shape: inputShape) != nil else {
            throw SimulatorError.shapeMismatch(
                layer: layer.name, detail: "\(linear.inFeatures) input features but its input has shape \(inputShape)")
        }
        guard linear.outFeatures >= 1, layer.shape == [linear.outFeatures] else {
            throw SimulatorError.shapeMismatch(
                layer: layer.name, detail: "output shape \(layer.shape) but \(linear.outFeatures) output features")
        }
        try synapses(
            linear.weights, layer: layer.name, weightCount: linear.outFeatures * linear.inFeatures,
            biasCount: linear.outFeatures, rows: linear.inFeatures, columns: linear.outFeatures,
            requireFanout: requireFanout)
    }

    static func identity(_ identity: IdentityLayer, layer: Layer, inputShape: [Int], requireFanout: Bool) throws {
        guard layer.shape == inputShape, identity.units == layer.unitCount, Grid(shape: inputShape) != nil else {
            throw SimulatorError.shapeMismatch(
                layer: layer.name, detail: "identity of \(identity.units) units, shape \(layer.shape), input shape \(inputShape)")
        }
        try synapses(
            identity.weights, layer: layer.name, weightCount: identity.units, biasCount: identity.units,
            rows: identity.units, columns: identity.units, requireFanout: requireFanout)
        if let fanout = identity.weights.fanout {
            for r in 0..<fanout.rows {
                for k in fanout.entries(ofRow: r) where Int(fanout.columnIndices[k]) != r {
                    throw SimulatorError.invalidFanout(
                        layer: layer.name, detail: "row \(r) has column \(fanout.columnIndices[k]); an identity table is diagonal")
                }
            }
        }
    }

    static func pool(_ pool: PoolLayer, layer: Layer, inputShape: [Int]) throws {
        guard pool.kind != .average else {
            throw SimulatorError.unsupported(
                layer: layer.name,
                reason: "an average pool must be folded into its readers first (the compiler's foldAveragePooling makes it a sum pool)")
        }
        try geometry(pool.geometry, layer: layer.name)
        guard inputShape.count == 3 else {
            throw SimulatorError.shapeMismatch(layer: layer.name, detail: "pools need a [C, H, W] input, found \(inputShape)")
        }
        let out = [inputShape[0], pool.geometry.outputHeight(inputShape[1]), pool.geometry.outputWidth(inputShape[2])]
        guard out[1] >= 1, out[2] >= 1, layer.shape == out else {
            throw SimulatorError.shapeMismatch(
                layer: layer.name, detail: "output shape \(layer.shape) but pooling \(inputShape) gives \(out)")
        }
    }

    /// The integer weights, bias and (when required) the CSR table of a synaptic layer.
    static func synapses(
        _ w: SynapticWeights, layer: String, weightCount: Int, biasCount: Int,
        rows: Int, columns: Int, requireFanout: Bool
    ) throws {
        guard let q = w.quantized else { throw SimulatorError.notQuantized(layer: layer) }
        guard q.values.count == weightCount else {
            throw SimulatorError.shapeMismatch(layer: layer, detail: "\(q.values.count) integer weights, expected \(weightCount)")
        }
        if let bias = q.bias, bias.count != biasCount {
            throw SimulatorError.shapeMismatch(layer: layer, detail: "\(bias.count) integer bias values, expected \(biasCount)")
        }
        guard let fanout = w.fanout else {
            if requireFanout { throw SimulatorError.notLowered(layer: layer) }
            return
        }
        guard fanout.rows == rows, fanout.columns == columns else {
            throw SimulatorError.invalidFanout(
                layer: layer, detail: "table is \(fanout.rows)×\(fanout.columns), expected \(rows)×\(columns)")
        }
    }
}
