import Foundation
import SNNIR
import SNNTensor

@testable import SNNTrain

/// Small trained-looking models: random weights, random batch-norm statistics, optional masks.
enum Models {
    static func state(
        _ architecture: Architecture, width: Double, size: Int, channels: Int = 1,
        seed: UInt64 = 7, prune: Double = 0
    ) throws -> TrainingState {
        let spec = ModelSpec(
            architecture: architecture, width: width, inputChannels: channels, inputHeight: size,
            inputWidth: size, classes: 10, timeSteps: 4)
        let config = TrainingConfig(epochs: 1, seed: seed, data: DataConfig(dataset: "fmnist", directory: "/nonexistent"))
        var state = try TrainingState(spec: spec, config: config)
        var rng = SeededRNG(seed: seed &+ 1)
        for i in state.parameters.buffers.indices {
            let name = state.parameters.buffers[i].name
            for j in state.parameters.buffers[i].value.scalars.indices {
                state.parameters.buffers[i].value.scalars[j] =
                    name.hasSuffix("running_var")
                    ? rng.nextFloat(in: 0.3, 1.5) : rng.nextFloat(in: -0.2, 0.2)
            }
        }
        for i in state.parameters.parameters.indices {
            let p = state.parameters.parameters[i]
            switch p.role {
            case .scale:
                for j in p.value.scalars.indices { state.parameters.parameters[i].value.scalars[j] = rng.nextFloat(in: 0.8, 1.6) }
            case .shift:
                for j in p.value.scalars.indices { state.parameters.parameters[i].value.scalars[j] = rng.nextFloat(in: 0, 0.4) }
            case .weight:
                // Larger weights than the default init, so that spikes happen in a few steps.
                for j in p.value.scalars.indices { state.parameters.parameters[i].value.scalars[j] *= 3 }
                if prune > 0 {
                    let mask = Tensor(
                        shape: p.value.shape, scalars: p.value.scalars.map { _ in rng.nextUnitFloat() < Float(prune) ? 0 : 1 })
                    state.parameters.parameters[i].mask = mask
                }
            case .bias:
                break
            }
        }
        state.parameters.applyMasks()
        return state
    }

    /// A seeded batch of normalised-looking images `[B, C, H, W]`.
    static func images(_ state: TrainingState, count: Int, seed: UInt64 = 3) -> Tensor {
        var rng = SeededRNG(seed: seed)
        let shape = [count, state.spec.inputChannels, state.spec.inputHeight, state.spec.inputWidth]
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextFloat(in: -0.8, 2.5) })
    }

    /// The trainer's evaluation logits summed over time, one row per image.
    static func trainerLogits(_ state: TrainingState, _ images: Tensor) throws -> [[Float]] {
        try trainerPass(state, images).logits
    }

    /// The trainer's evaluation logits (summed over time) and the total number of spikes.
    static func trainerPass(_ state: TrainingState, _ images: Tensor) throws -> (logits: [[Float]], spikes: Double) {
        var parameters = state.parameters
        var network = Network(graph: try LayerGraph(state.spec), parameters: parameters)
        let pass = network.forward(images, parameters: &parameters, training: false)
        let b = images.shape[0]
        let k = state.spec.classes
        var out = [[Float]](repeating: [Float](repeating: 0, count: k), count: b)
        for t in 0..<state.spec.timeSteps {
            for i in 0..<b { for c in 0..<k { out[i][c] += pass.logits.scalars[(t * b + i) * k + c] } }
        }
        return (out, pass.spikeCounts.reduce(0) { $0 + $1.spikes })
    }

    /// Image `i` of a batch as a flat array.
    static func image(_ images: Tensor, _ i: Int) -> [Float] {
        let n = images.count / images.shape[0]
        return Array(images.scalars[(i * n)..<((i + 1) * n)])
    }
}
