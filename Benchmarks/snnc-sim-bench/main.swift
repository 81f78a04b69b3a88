import SNNIR
import SNNSimulator
import SNNSimulatorFixtures

for (name, graph) in [("vgg", SyntheticPresets.smallVGG(options: SyntheticOptions(density: 0.3, seed: 1))),
                      ("vgg5", SyntheticPresets.smallVGG(options: SyntheticOptions(density: 0.05, seed: 1))),
                      ("res", SyntheticPresets.smallResNet(options: SyntheticOptions(density: 1, seed: 2))),
                      ("res5", SyntheticPresets.smallResNet(options: SyntheticOptions(density: 0.05, seed: 2))),
                      ("vgg16/16", SyntheticPresets.vgg16(width: 0.0625, input: [1, 32, 32], options: SyntheticOptions(density: 0.1, seed: 5)))] {
    let sim = try EventSimulator(graph)
    let r = try sim.run(quantizedImages: SyntheticImages.make(count: 4, shape: graph.layers[0].shape, seed: 3))
    print(name)
    for (l, layer) in r.spikes.layers.enumerated() {
        let units = graph.layer(named: layer)!.unitCount
        print("  \(layer) \(units) rate/step:", r.spikes.counts[l].map { String(format: "%.3f", Double($0) / Double(units * 4)) })
    }
    print("  preds", r.predictions, "synops", r.work.synapticEvents.total)
}
