/// `--scope chip`: an IMP round that prunes where the chip is bound.
///
/// Global magnitude pruning takes the lowest |w| of the whole model, whichever layer sets the
/// cores a target lacks. A chip-scope round removes the same number of weights as a global
/// round (`⌊rate · kept⌋`), placed by the previous level's fit (`TargetFit.layers`, the
/// compiler's cores per population):
///
/// 1. **Binding layers.** For every target the previous level does not fit, each population
///    that needs more cores than its neurons alone names the weight layers behind the excess
///    (`LayerCores.weights`: its feeders when synapse memory or fan-in cut it, the layers reading
///    its spikes when fan-out did); a layer's *excess* is the sum of those populations' extra
///    cores (`cores − neuronCores`) over the targets. A layer a prunable violation names
///    directly (a neuron's fan-in, a layer that fits no core) binds with an excess of at least 1.
///    None when the level fits every target or has no fit.
/// 2. **Quotas.** Binding layer l gets `⌊count · excess_l / Σ excess⌋` of the count, at most
///    `cap` (half) of its kept weights, and loses that many of its lowest |w| (ties to the
///    earlier position). Shares follow the cores each layer's weights cost, not |w| across
///    layers: magnitudes differ in scale between layers, so a joint ranking would leave a
///    binding layer with large weights (VGG16's conv2, which sets lif1's fan-out) untouched.
/// 3. **The rest globally.** Whatever the count still needs is taken by the lowest |w| over
///    every remaining kept weight, no layer losing more than `cap` of its kept weights in the
///    round; only if the caps cannot supply the count (a rate above the cap) does a last pass
///    take the rest, keeping one weight per layer.
///
/// No layer is ever emptied (the cap is at most `kept − 1`), so the failure of global rounds
/// that empty a small-magnitude layer (`every kept weight is zero`) cannot happen; with no
/// binding layer the round is global ranking under the cap, which is a global round unless
/// that would take more than half of some layer. The choice depends only on the stored fit and
/// the carry's weights, so a resumed search makes it again with the same bits.
public enum ChipAllocation {
    /// Largest fraction of a layer's kept weights one round removes.
    public static let cap = 0.5

    /// What one chip-scope round removed.
    public struct Round: Equatable, Sendable {
        /// The new mask.
        public var mask: WeightMask
        /// Removed weights per layer (layout order).
        public var removed: [Int]
        /// The binding layers (layout indices, ascending).
        public var binding: [Int]
        /// Removed from the binding layers.
        public var fromBinding: Int { binding.reduce(0) { $0 + removed[$1] } }
        /// Removed in all.
        public var total: Int { removed.reduce(0, +) }
    }

    /// `prunes 1024 weights, 900 in the layers binding a target: conv2 300, conv9 600` (layer
    /// names without `.weight`), or `prunes 1024 weights by global rank (no layer binds)`.
    public static func summary(_ round: Round, layout: PrunableLayout) -> String {
        guard !round.binding.isEmpty else { return "prunes \(round.total) weights by global rank (no layer binds)" }
        let layers = round.binding.map { "\(layout.names[$0].replacingOccurrences(of: ".weight", with: "")) \(round.removed[$0])" }
        return "prunes \(round.total) weights, \(round.fromBinding) in the layers binding a target: " + layers.joined(separator: ", ")
    }

    /// The binding layers of `fit` (indices in `layout`) with their excess cores: empty when
    /// there is no fit, it fits every target, or no target names such a layer.
    public static func bindingLayers(_ fit: LevelFit?, layout: PrunableLayout) -> [Int: Int] {
        guard let fit, !fit.fits else { return [:] }
        let index = Dictionary(layout.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var excess: [Int: Int] = [:]
        for target in fit.targets where !target.fits {
            for layer in target.layers ?? [] where layer.isWeightBound {
                for name in layer.weights ?? [] {
                    if let l = index[name + ".weight"] { excess[l, default: 0] += layer.cores - layer.neuronCores }
                }
            }
            for violation in target.violations where violation.prunable {
                if let name = violation.layer, let l = index[name + ".weight"] { excess[l] = max(excess[l] ?? 0, 1) }
            }
        }
        return excess
    }

    /// One chip-scope round: removes `⌊rate · kept⌋` of the weights `current` keeps, the binding
    /// layers' quotas first, then by global rank (see the type's documentation).
    /// - Parameters:
    ///   - scores: |w| of every prunable weight, in layout order.
    ///   - binding: the binding layers (layout indices) and their excess cores.
    /// - Precondition: one finite, non-negative score per prunable weight.
    public static func round(_ scores: [Float], current: WeightMask, rate: Double, binding: [Int: Int], cap: Double = cap) -> Round {
        let layout = current.layout
        precondition(scores.count == layout.total, "one score per prunable weight")
        let kept = (0..<layout.layerCount).map { current.keptCount(layer: $0) }
        let capped = kept.map { max(0, min(Pruning.floorCount(Double($0) * cap), $0 - 1)) }
        let count = Pruning.pruneCount(alive: current.keptCount, rate: rate)
        var mask = current
        var removed = [Int](repeating: 0, count: layout.layerCount)
        let layers = binding.keys.filter { $0 >= 0 && $0 < layout.layerCount }.sorted()
        let weight = layers.reduce(0) { $0 + max(binding[$1] ?? 0, 0) }
        for l in layers where weight > 0 {
            let quota = min(Pruning.floorCount(Double(count) * Double(max(binding[l] ?? 0, 0)) / Double(weight)), capped[l])
            let alive = layout.range(of: l).filter { current.bits[$0] != 0 }
            for i in Pruning.lowest(scores, among: alive, count: quota, ties: .exact) { mask.bits[i] = 0 }
            removed[l] = quota
        }
        var taken = removed.reduce(0, +)
        let layerOf = layerIndex(layout)
        for limit in [capped, kept.map { $0 - 1 }] where taken < count {
            let alive = (0..<layout.total).filter { mask.bits[$0] != 0 }
            for i in Pruning.ranked(scores, among: alive) where taken < count {
                let l = layerOf[i]
                guard removed[l] < limit[l] else { continue }
                mask.bits[i] = 0
                removed[l] += 1
                taken += 1
            }
        }
        return Round(mask: mask, removed: removed, binding: layers)
    }

    /// The layer of every flat position.
    static func layerIndex(_ layout: PrunableLayout) -> [Int] {
        var layers = [Int](repeating: 0, count: layout.total)
        for l in 0..<layout.layerCount { for i in layout.range(of: l) { layers[i] = l } }
        return layers
    }
}
