/// Comparing the event simulator with the dense reference.
public enum Verification {
    /// The first disagreement between two traced inferences of the same image: steps in order,
    /// within a step the recorded layers in layer order, then the readout's output of the step;
    /// within a layer the lowest unit index. Nil when the spike trains and logits are identical.
    /// - Parameters:
    ///   - simulated: the event simulator's inference, run with `trace: true`.
    ///   - reference: the dense reference's inference, run with `trace: true`.
    ///   - readout: the readout layer's name, for the report.
    ///   - image: the image's index in its batch, for the report.
    /// - Precondition: both inferences carry traces of the same layers.
    public static func firstMismatch(
        _ simulated: Inference, _ reference: Inference, readout: String,
        image: Int = 0
    ) -> Mismatch? {
        guard let a = simulated.trace, let b = reference.trace else {
            preconditionFailure("Verification.firstMismatch needs inferences run with trace: true")
        }
        precondition(a.layers.map(\.name) == b.layers.map(\.name), "traces of different layers")
        let steps = max(simulated.logitsPerStep.count, reference.logitsPerStep.count)
        for t in 0..<steps {
            for (la, lb) in zip(a.layers, b.layers) {
                guard t < la.steps.count, t < lb.steps.count else { continue }
                if let (unit, x, y) = firstDifference(la.steps[t], lb.steps[t]) {
                    return Mismatch(
                        image: image, layer: la.name, step: t, neuron: unit,
                        coordinates: coordinates(of: unit, shape: la.shape), simulator: x, reference: y)
                }
            }
            let x = t < simulated.logitsPerStep.count ? simulated.logitsPerStep[t] : []
            let y = t < reference.logitsPerStep.count ? reference.logitsPerStep[t] : []
            for k in 0..<max(x.count, y.count) where (k < x.count ? x[k] : 0) != (k < y.count ? y[k] : 0) || x.count != y.count {
                return Mismatch(
                    image: image, layer: readout, step: t, neuron: k, coordinates: [k],
                    simulator: k < x.count ? x[k] : 0, reference: k < y.count ? y[k] : 0)
            }
        }
        return nil
    }

    /// The lowest unit whose payload differs between two ascending event lists.
    static func firstDifference(_ a: EventList, _ b: EventList) -> (unit: Int, a: Int64, b: Int64)? {
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            let ua = i < a.count ? a.indices[i] : .max
            let ub = j < b.count ? b.indices[j] : .max
            if ua < ub { return (Int(ua), Int64(a.payload(i)), 0) }
            if ub < ua { return (Int(ub), 0, Int64(b.payload(j))) }
            if a.payload(i) != b.payload(j) { return (Int(ua), Int64(a.payload(i)), Int64(b.payload(j))) }
            i += 1
            j += 1
        }
        return nil
    }

    /// `[c, y, x]` of C-order index `unit` in `shape`, or `[unit]` for other ranks.
    static func coordinates(of unit: Int, shape: [Int]) -> [Int] {
        guard shape.count == 3 else { return [unit] }
        let plane = shape[1] * shape[2]
        return [unit / plane, (unit % plane) / shape[2], unit % shape[2]]
    }
}

extension EventSimulator {
    /// Runs one quantised image on both simulators and compares them.
    /// - Returns: the event simulator's inference (with its trace) and the first mismatch, if any.
    /// - Throws: `SimulatorError.imageSize` when the image does not fit.
    public func check(
        quantizedImage image: [Int32], against reference: DenseReference,
        image index: Int = 0
    ) throws -> (inference: Inference, mismatch: Mismatch?) {
        let simulated = try run(quantizedImage: image, trace: true)
        let expected = try reference.run(quantizedImage: image, trace: true)
        let readout = plan.populations[plan.readout].name
        return (simulated, Verification.firstMismatch(simulated, expected, readout: readout, image: index))
    }

    /// Runs inputs that change from step to step on both simulators and compares them.
    /// - Throws: `SimulatorError.imageSize` when the steps do not fit.
    public func check(
        quantizedSteps steps: [[Int32]], against reference: DenseReference, image index: Int = 0
    ) throws -> (inference: Inference, mismatch: Mismatch?) {
        let simulated = try run(quantizedSteps: steps, trace: true)
        let expected = try reference.run(quantizedSteps: steps, trace: true)
        let readout = plan.populations[plan.readout].name
        return (simulated, Verification.firstMismatch(simulated, expected, readout: readout, image: index))
    }
}
