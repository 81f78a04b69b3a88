import SNNTrain
import Testing

@testable import SNNTickets
@testable import snnc

/// The epoch and per-level fit lines `snnc prune` prints.
@Suite("snnc prune: epoch and fit lines")
struct PruneProgressTests {
    static let shortOfCores = FitViolation(
        constraint: "[cores] cores = 64", layer: "lif1", message: "the network needs 72 cores", prunable: true)

    @Test func aFittingLevelShowsItsEstimates() {
        let fit = TargetFit(
            target: "edge", cores: 61, coresAvailable: 64, memoryBytes: 394_700, synapticOps: 2.2e6, energyPicojoules: 6.9e7,
            latencySeconds: 0.016, activity: nil, violations: [])
        #expect(PruneProgress.fitLine(2, LevelFit(targets: [fit])) == "level 2: edge fits: 61/64 cores, 385 KiB, 69 µJ")
    }

    @Test func anEpochLineShowsTheSparsityOnlyWhenTheRunLearnsItsMask() {
        var status = SearchStatus(
            method: .gradR, run: "gradr.train1", level: 1, lastLevel: 1, epoch: 1, epochs: 2, batch: 2, batches: 2,
            timeSteps: 5, meanLoss: 2.3335, lastAccuracy: nil, remainingSeconds: nil)
        let record = EpochRecord(
            epoch: 1, learningRate: 0.15, trainLoss: 2.3335, trainAccuracy: 0.1055, testAccuracy: nil, seconds: 14,
            imagesPerSecond: 18)
        #expect(
            PruneProgress.epochLine(status, record)
                == "gradr level 1 gradr.train1 epoch 2/2  T=5  lr 0.1500  loss 2.3335  train 10.55%  14s")
        status.weightSparsity = 4.1666
        #expect(
            PruneProgress.epochLine(status, record)
                == "gradr level 1 gradr.train1 epoch 2/2  T=5  lr 0.1500  loss 2.3335  train 10.55%  sparsity 4.17%  14s")
    }

    @Test func aLevelShortOfCoresShowsTheCoresItsCutNeeds() {
        let layers = [
            LayerCores(population: "lif1", cores: 16, neuronCores: 8, limits: ["fan-out"], weights: ["conv2"]),
            LayerCores(population: "lif2", cores: 56, neuronCores: 8),
        ]
        let short = TargetFit(
            target: "edge", cores: nil, coresAvailable: 64, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
            latencySeconds: nil, activity: nil, violations: [Self.shortOfCores], layers: layers)
        #expect(
            PruneProgress.fitLine(1, LevelFit(targets: [short]))
                == "level 1: edge does not fit: needs 72/64 cores (layer 'lif1': the network needs 72 cores ([cores] cores = 64))")
        let unknown = TargetFit(
            target: "speck", cores: nil, coresAvailable: 9, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
            latencySeconds: nil, activity: nil, violations: [Self.shortOfCores])
        #expect(PruneProgress.fitLine(1, LevelFit(targets: [unknown])).hasPrefix("level 1: speck does not fit (layer 'lif1'"))
    }
}
