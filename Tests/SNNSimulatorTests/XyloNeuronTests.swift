import Foundation
import SNNIR
import SNNSimulatorFixtures
import Testing

@testable import SNNSimulator

/// Xylo Audio 2's neuron against rockpool's bit-exact XyloSim: the six one-neuron cases of
/// `experiments/xylo-rockpool/xylosim-0.1.3-neuron.json` (input channel → hidden neuron → output
/// neuron), replayed step by step through SNNIR's `QuantizedCurrent` (the dense reference's rule)
/// and the event simulator's `CurrentRule`, which must give XyloSim's i_syn, v_mem and spike
/// counts at every step, and end to end through `EventSimulator` (against `DenseReference`),
/// which must send XyloSim's spike counts.
@Suite("Xylo's neuron against XyloSim")
struct XyloNeuronTests {
    struct Case: Decodable {
        var w_in: Int64
        var w_out: Int64
        var dash_syn: Int
        var dash_mem: Int
        var threshold: Int32
        var spikes: [Int64]
        var shift_in: Int?
    }

    struct Trace: Decodable, Equatable {
        var i_syn: [Int64]
        var v_mem: [Int64]
        var spikes: [Int]
        var i_syn_out: [Int64]
        var v_mem_out: [Int64]
        var spikes_out: [Int]
    }

    struct Recorded: Decodable {
        var name: String
        var `case`: Case
        var trace: Trace
    }

    struct File: Decodable { var cases: [Recorded] }

    static func cases() throws -> [Recorded] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let data = try Data(contentsOf: url.appendingPathComponent("experiments/xylo-rockpool/xylosim-0.1.3-neuron.json"))
        return try JSONDecoder().decode(File.self, from: data).cases
    }

    /// Xylo's neuron: 16-bit state, `>=`, subtractive reset, decrement-shift decays.
    static func neurons(_ c: Case, maxSpikes: Int, inputShift: Int) -> QuantizedNeurons {
        QuantizedNeurons(
            stateScale: 1, stateBits: 16, threshold: c.threshold, compare: .greaterOrEqual, reset: .subtract(c.threshold),
            decay: .decrementShift(c.dash_mem), decayError: 0,
            current: QuantizedCurrent(decay: .decrementShift(c.dash_syn), inputShift: inputShift, maxSpikes: maxSpikes, delay: 1))
    }

    /// Runs a case with `step(neurons, i, v, x)`: input events (cut to 15) into the hidden neuron,
    /// the hidden neuron's spikes of the previous step into the output neuron.
    static func replay(
        _ c: Case, step: (QuantizedNeurons, Int64, Int64, Int64) throws -> (Int64, Int64, Int)
    ) rethrows -> Trace {
        let hidden = neurons(c, maxSpikes: 31, inputShift: c.shift_in ?? 0)
        let output = neurons(c, maxSpikes: 1, inputShift: 0)
        var trace = Trace(i_syn: [], v_mem: [], spikes: [], i_syn_out: [], v_mem_out: [], spikes_out: [])
        var (i, v, iOut, vOut, previous) = (Int64(0), Int64(0), Int64(0), Int64(0), 0)
        for n in c.spikes {
            let fired: Int
            let sent: Int
            (i, v, fired) = try step(hidden, i, v, min(n, 15) * c.w_in)
            (iOut, vOut, sent) = try step(output, iOut, vOut, Int64(previous) * c.w_out)
            previous = fired
            trace.i_syn.append(i)
            trace.v_mem.append(v)
            trace.spikes.append(fired)
            trace.i_syn_out.append(iOut)
            trace.v_mem_out.append(vOut)
            trace.spikes_out.append(sent)
        }
        return trace
    }

    @Test func everyCaseIsRecorded() throws {
        let names = try Self.cases().map(\.name)
        #expect(names == ["decay-positive", "decay-negative", "dash-zero", "subtractive-reset", "saturation", "spike-limits"])
    }

    @Test(arguments: 0..<6)
    func irRuleReplaysXyloSim(index: Int) throws {
        let recorded = try Self.cases()[index]
        let trace = Self.replay(recorded.case) { n, i, v, x in
            guard let next = n.current?.step(current: i, membrane: v, input: x, neurons: n) else { return (0, 0, -1) }
            return (next.current, next.membrane, next.spikes)
        }
        #expect(trace == recorded.trace, "\(recorded.name)")
    }

    @Test(arguments: 0..<6)
    func eventRuleReplaysXyloSim(index: Int) throws {
        let recorded = try Self.cases()[index]
        let trace = try Self.replay(recorded.case) { n, i, v, x in
            let rule = try #require(try NeuronRule(n, layer: "hidden").current)
            let next = rule.step(current: i, membrane: v, input: x)
            return (next.current, next.membrane, next.spikes)
        }
        #expect(trace == recorded.trace, "\(recorded.name)")
    }

    /// Every case end to end, its input events per step fed with `run(quantizedSteps:)`:
    /// input → encoder (w_in) → hidden (shift_in) → fc (w_out) → output (one spike per step) →
    /// readout. With the one-step delay, a group's events at step t are XyloSim's spike counts of
    /// step t − 1; the event simulator and the dense reference agree spike for spike.
    @Test(arguments: 0..<6)
    func eventSimulatorRunsEveryCase(index: Int) throws {
        let recorded = try Self.cases()[index]
        let c = recorded.case
        var b = NetworkBuilder(input: [1, 1, 1], timeSteps: c.spikes.count)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [Int32(c.w_in)], name: "enc")
        let hidden = b.lif(enc, neurons: Self.neurons(c, maxSpikes: 31, inputShift: c.shift_in ?? 0), name: "hidden")
        let fc = b.linear(hidden, outFeatures: 1, weights: [Int32(c.w_out)], name: "fc")
        let output = b.lif(fc, neurons: Self.neurons(c, maxSpikes: 1, inputShift: 0), name: "output")
        b.linear(output, outFeatures: 1, weights: [1], name: "readout")
        let graph = b.graph(name: "xylo-\(recorded.name)")
        let simulator = try EventSimulator(graph)
        let reference = try DenseReference(graph)
        // Xylo cuts the input to 15 events per channel and step (the input quantisation's event limit).
        let steps = c.spikes.map { [Int32(min($0, 15))] }
        let (inference, mismatch) = try simulator.check(quantizedSteps: steps, against: reference, image: 0)
        #expect(mismatch == nil)
        let layers = try #require(inference.trace?.layers)
        func counts(_ name: String) throws -> [Int] {
            let layer = try #require(layers.first { $0.name == name })
            return layer.steps.map { Int($0.payloads?.first ?? ($0.indices.isEmpty ? 0 : 1)) }
        }
        let delayed = { (s: [Int]) in [0] + s.dropLast() }
        #expect(try counts("hidden") == delayed(recorded.trace.spikes), "\(recorded.name)")
        #expect(try counts("output") == delayed(recorded.trace.spikes_out), "\(recorded.name)")
    }

    @Test func inputsAreCutTo15Events() {
        let q = InputQuantization(scale: 1.0 / 15, bits: 6, eventLimit: 15)
        #expect([Float(-0.5), 0, 0.5, 1, 20.0 / 15].map(q.quantize) == [0, 0, 8, 15, 15])
    }

    /// A random current-based MLP with mixed-sign weights: the event simulator and the dense
    /// reference agree spike for spike, spike counts and delays included.
    @Test func eventSimulatorAgreesWithTheDenseReference() throws {
        var rng = SplitMix64(seed: 7)
        let c = Case(w_in: 0, w_out: 0, dash_syn: 2, dash_mem: 3, threshold: 300, spikes: [], shift_in: 1)
        var b = NetworkBuilder(input: [16, 1, 1], timeSteps: 8)
        let enc = b.conv("input", outChannels: 32, kernel: 1, weights: (0..<512).map { _ in rng.weight() }, name: "enc")
        let h1 = b.lif(enc, neurons: Self.neurons(c, maxSpikes: 31, inputShift: 1), name: "h1")
        let fc = b.linear(h1, outFeatures: 24, weights: (0..<768).map { _ in rng.weight() }, name: "fc")
        let h2 = b.lif(fc, neurons: Self.neurons(c, maxSpikes: 31, inputShift: 2), name: "h2")
        b.linear(h2, outFeatures: 8, weights: (0..<192).map { _ in rng.weight() }, name: "readout")
        let graph = b.graph(name: "xylo-mlp")
        let simulator = try EventSimulator(graph)
        let reference = try DenseReference(graph)
        var counts = 0
        for k in 0..<4 {
            let image = (0..<16).map { Int32(($0 * 7 + k * 5) % 16) }
            let (inference, mismatch) = try simulator.check(quantizedImage: image, against: reference, image: k)
            #expect(mismatch == nil, "\(String(describing: mismatch))")
            counts += inference.spikes.total
        }
        #expect(counts > 0)
    }
}

extension XyloNeuronTests {
    /// Pooling spike counts has no agreed meaning (a max pool passes spikes, not counts): refused.
    @Test func poolingSpikeCountsIsRefused() {
        let c = Case(w_in: 0, w_out: 0, dash_syn: 1, dash_mem: 1, threshold: 10, spikes: [], shift_in: 0)
        var b = NetworkBuilder(input: [1, 2, 2], timeSteps: 2)
        let enc = b.conv("input", outChannels: 1, kernel: 1, weights: [5], name: "enc")
        let hidden = b.lif(enc, neurons: Self.neurons(c, maxSpikes: 31, inputShift: 0), name: "hidden")
        let pool = b.pool(hidden, kind: .max, kernel: 2)
        let flat = b.flatten(pool)
        b.linear(flat, outFeatures: 1, weights: [1], name: "readout")
        let graph = b.graph(name: "pooled-counts")
        #expect(throws: SimulatorError.self) { _ = try EventSimulator(graph) }
        #expect(throws: SimulatorError.self) { _ = try DenseReference(graph) }
    }
}

extension SplitMix64 {
    /// A weight in −127…127 (the Xylo test's int8 weights).
    fileprivate mutating func weight() -> Int32 { Int32(next() % 255) - 127 }
}
