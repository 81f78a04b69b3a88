import Foundation
import SNNTensor
import Testing

@testable import SNNTickets

/// `--scope chip`'s allocation: which layers bind, how a round splits global's count among
/// them, the cap, the fallback to global ranking and the count.
@Suite("Chip-scope allocation")
struct ChipAllocationTests {
    /// Four layers: a (8), b (16), c (32), d (64) weights.
    let layout = PrunableLayout(
        names: ["a.weight", "b.weight", "c.weight", "d.weight"], shapes: [[8], [16], [32], [64]])

    /// Distinct magnitudes, layer by layer larger: a global round takes a first, then b, …
    /// (d's weights are the largest, as a first conv's or a small layer's often are).
    var scores: [Float] { (0..<layout.total).map { Float($0 + 1) / 1000 } }

    func fit(_ targets: [TargetFit]) -> LevelFit { LevelFit(targets: targets) }

    func target(_ name: String, fits: Bool, layers: [LayerCores]?, violations: [FitViolation] = []) -> TargetFit {
        let broken =
            fits ? [] : violations.isEmpty ? [FitViolation(constraint: "[cores] cores = 4", message: "x", prunable: true)] : violations
        return TargetFit(
            target: name, cores: nil, coresAvailable: 4, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil, latencySeconds: nil,
            activity: nil, violations: broken, layers: layers)
    }

    /// Files written before `layers` read (nil); a population at its neuron floor is one short
    /// JSON object.
    @Test func fitJSONStaysCompactAndOlderFitsRead() throws {
        let old = #"{"target":"edge","coresAvailable":64,"violations":[],"fits":true}"#
        #expect(try JSONDecoder().decode(TargetFit.self, from: Data(old.utf8)).layers == nil)
        let floor = String(decoding: try JSONEncoder().encode(LayerCores(population: "lif2", cores: 8, neuronCores: 8)), as: UTF8.self)
        #expect(!floor.contains("limits") && !floor.contains("weights"), "\(floor)")
    }

    @Test func bindingLayersAreTheWeightBoundPopulationsOfUnfitTargetsWithTheirExcessCores() {
        let layers = [
            LayerCores(population: "lif1", cores: 6, neuronCores: 2, limits: ["fan-out"], weights: ["b"]),
            LayerCores(population: "lif2", cores: 3, neuronCores: 1, limits: ["synapse memory"], weights: ["b", "d"]),
            LayerCores(population: "lif3", cores: 2, neuronCores: 2),
            LayerCores(population: "out", cores: 5, neuronCores: 1, limits: ["synapse memory"], weights: ["nowhere"]),
        ]
        let other = [LayerCores(population: "lif4", cores: 9, neuronCores: 1, limits: ["synapse memory"], weights: ["a"])]
        let unfit = fit([target("small", fits: false, layers: layers), target("big", fits: true, layers: other)])
        #expect(ChipAllocation.bindingLayers(unfit, layout: layout) == [1: 4 + 2, 3: 2])
        // Two unfit targets add up; a prunable violation naming a weight layer binds it too.
        let violation = FitViolation(constraint: "[cores] max_fan_in_per_neuron = 9", layer: "c", message: "x", prunable: true)
        let unprunable = FitViolation(constraint: "[cores] cores = 4", layer: "a", message: "x", prunable: false)
        let both = fit([
            target("small", fits: false, layers: layers),
            target("big", fits: false, layers: other, violations: [violation, unprunable]),
        ])
        #expect(ChipAllocation.bindingLayers(both, layout: layout) == [0: 8, 1: 6, 2: 1, 3: 2])
        // No fit, a fit of every target, or no weight-bound population: no binding layer.
        #expect(ChipAllocation.bindingLayers(nil, layout: layout).isEmpty)
        #expect(ChipAllocation.bindingLayers(fit([target("small", fits: true, layers: layers)]), layout: layout).isEmpty)
        #expect(ChipAllocation.bindingLayers(fit([target("small", fits: false, layers: [layers[2]])]), layout: layout).isEmpty)
        #expect(ChipAllocation.bindingLayers(fit([target("small", fits: false, layers: nil)]), layout: layout).isEmpty)
    }

    @Test func theBindingLayersGetTheirQuotasOfGlobalsCountLowestMagnitudeFirst() {
        let current = WeightMask.dense(layout)
        // 120 kept at 25%: 30 weights. d binds with 3 excess cores, b with 1: quotas 22 and 7
        // (⌊30·3/4⌋, ⌊30·1/4⌋; b's cap is 8), and the one left goes by global rank (a's first weight).
        let round = ChipAllocation.round(scores, current: current, rate: 0.25, binding: [3: 3, 1: 1])
        #expect(round.total == Pruning.pruneCount(alive: 120, rate: 0.25))
        #expect(round.removed == [1, 7, 0, 22])
        #expect(round.binding == [1, 3] && round.fromBinding == 29)
        // Within a layer, the lowest |w| go: d's first 22 and b's first 7 positions.
        let pruned = Set((0..<layout.total).filter { round.mask.bits[$0] == 0 })
        #expect(pruned == Set([0] + Array(8..<15) + Array(56..<78)))
        // A global round would have taken a (8), b (16) and 6 of c, none of d.
        let global = Pruning.lowest(scores, among: Array(0..<layout.total), count: 30, ties: .exact)
        #expect(Set(global) == Set(0..<30))
        #expect(ChipAllocation.summary(round, layout: layout) == "prunes 30 weights, 29 in the layers binding a target: b 7, d 22")
    }

    @Test func noLayerLosesMoreThanHalfOfItsKeptWeightsAndTheCountIsGlobals() {
        // 120 kept at 40%: 48 weights; b alone binds and would get all 48, but its cap is 8.
        let round = ChipAllocation.round(scores, current: WeightMask.dense(layout), rate: 0.4, binding: [1: 5])
        #expect(round.total == 48 && round.removed[1] == 8)
        // The rest by global rank under the same cap: a 4 (half of 8), then c 16, then d 20.
        #expect(round.removed == [4, 8, 16, 20])
        for l in 0..<layout.layerCount { #expect(round.removed[l] <= WeightMask.dense(layout).keptCount(layer: l) / 2) }
        // A rate above the cap still prunes global's count, and no layer is emptied.
        let steep = ChipAllocation.round(scores, current: WeightMask.dense(layout), rate: 0.9, binding: [1: 5])
        #expect(steep.total == Pruning.pruneCount(alive: 120, rate: 0.9))
        for l in 0..<layout.layerCount { #expect(steep.mask.keptCount(layer: l) >= 1) }
    }

    @Test func withoutBindingLayersTheRoundIsGlobalUnlessThatEmptiesHalfALayer() {
        // Random magnitudes, a mask already pruned: no binding layer and no layer losing half
        // gives exactly global's mask.
        var rng = SeededRNG(seed: 3)
        let random = (0..<layout.total).map { _ in Float(rng.nextInt(below: 1000)) / 1000 }
        var current = WeightMask.dense(layout)
        for i in stride(from: 0, to: layout.total, by: 5) { current.bits[i] = 0 }
        let round = ChipAllocation.round(random, current: current, rate: 0.25, binding: [:])
        let alive = (0..<layout.total).filter { current.bits[$0] != 0 }
        var global = current
        for i in Pruning.lowest(random, among: alive, count: Pruning.pruneCount(alive: alive.count, rate: 0.25), ties: .exact) {
            global.bits[i] = 0
        }
        #expect(round.mask == global && round.binding.isEmpty)
        #expect(ChipAllocation.summary(round, layout: layout) == "prunes \(round.total) weights by global rank (no layer binds)")
        // Ordered magnitudes: global would empty a (8) and b (16) at 30%; the cap keeps half of each.
        let ordered = ChipAllocation.round(scores, current: WeightMask.dense(layout), rate: 0.3, binding: [:])
        #expect(ordered.total == 36 && ordered.removed == [4, 8, 16, 8])
    }
}
