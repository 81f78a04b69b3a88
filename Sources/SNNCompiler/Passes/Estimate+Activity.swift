import Foundation
import SNNIR

/// Checks that a calibration fits the graph: one count per step for every layer it names, a
/// count for every LIF group, and per-unit counts only for layers of that many units.
/// - Throws: `CompileError.unsupportedGraph` naming the first layer that does not fit (by name).
func checkCalibration(_ calibration: Calibration, for g: Graph) throws(CompileError) {
    let T = g.timeSteps
    // Sorted, so that the same bad calibration always names the same layer.
    for (name, counts) in calibration.events.sorted(by: { $0.key < $1.key }) where counts.count != T {
        throw CompileError(
            .unsupportedGraph, layer: name,
            reason: "the calibration has \(counts.count) steps for this layer, the graph runs \(T)")
    }
    for lif in g.neuronGroups where calibration.events[lif.name] == nil {
        throw CompileError(.unsupportedGraph, layer: lif.name, reason: "the calibration has no spike counts for this LIF group")
    }
    for (name, counts) in calibration.unitEvents.sorted(by: { $0.key < $1.key }) {
        guard let layer = g.layer(named: name) else {
            throw CompileError(
                .unsupportedGraph, layer: name,
                reason: "the calibration has unit counts for a layer the graph does not have")
        }
        guard counts.count == layer.unitCount else {
            throw CompileError(
                .unsupportedGraph, layer: name,
                reason: "the calibration has \(counts.count) unit counts for a layer of \(layer.unitCount) units")
        }
    }
}

/// Non-zero outputs per step of each layer, computed in order: measured where the calibration
/// has them, else every input unit, `assumedRate` of every LIF group, what a flatten reads, and
/// `1 − (1 − r)^k` of a pool's units for input rate r; empty for the other layers.
func outputEvents(of g: Graph, calibration: Calibration?, assumedRate: Double) -> [String: [Double]] {
    let T = g.timeSteps
    var events: [String: [Double]] = [:]
    for layer in g.layers {
        if let measured = calibration?.events[layer.name] {
            events[layer.name] = measured
            continue
        }
        let input = layer.inputs.first.flatMap { events[$0] } ?? []
        switch layer.op {
        case .input:
            events[layer.name] = Array(repeating: Double(layer.unitCount), count: T)
        case .lif:
            events[layer.name] = Array(repeating: assumedRate * Double(layer.unitCount), count: T)
        case .flatten:
            events[layer.name] = input
        case .pool(let pool):
            let inputUnits = Double(g.layer(named: layer.inputs[0])?.unitCount ?? 1)
            let k = Double(pool.geometry.kernelH * pool.geometry.kernelW)
            events[layer.name] = input.map { e in
                let r = min(1, max(0, e / inputUnits))
                return (1 - Foundation.pow(1 - r, k)) * Double(layer.unitCount)
            }
        default:
            events[layer.name] = []
        }
    }
    return events
}

/// The calibration's per-unit event counts of the layer whose events `layer` reads (through
/// flatten layers, which keep C-order), if it has them.
func unitEvents(feeding layer: Layer, in graph: Graph, _ calibration: Calibration) -> [Double]? {
    var name = layer.inputs.first
    while let current = name {
        if let counts = calibration.unitEvents[current] { return counts }
        guard let source = graph.layer(named: current), case .flatten = source.op else { return nil }
        name = source.inputs.first
    }
    return nil
}
