/// Multiply–accumulates (MACs) of one image through a network, split by how often they run.
///
/// Only convolutions and linear layers are counted: a convolution producing `Cout × Ho × Wo`
/// outputs from a `Cin × kh × kw` window costs `Cout·Cin·kh·kw·Ho·Wo` MACs, a linear layer
/// `in·out`. BatchNorm, LIF, pooling, the residual adds and the loss are left out (a few per
/// cent of the arithmetic of the paper's models). Counts are *dense*: every weight is
/// multiplied whether or not a mask pruned it, which is what a GPU (and snnc's GEMM kernels)
/// execute — the paper's unit of search cost. snnc's sparse kernels (`Network`) skip pruned
/// weights, so wall time falls faster than this count at high sparsity.
///
/// Backward: every layer computes its weight gradient (as many MACs as its forward) and, unless
/// it reads the image itself, its input gradient (as many again), matching `Network.backward`.
public struct MACCount: Codable, Equatable, Sendable {
    /// Forward MACs of the layers that run at every time step, for one step.
    public var forwardPerStep: Int
    /// Forward MACs of the layers that run once per image (the first conv under direct coding).
    public var forwardOnce: Int
    /// Backward MACs of the per-step layers, for one step.
    public var backwardPerStep: Int
    /// Backward MACs of the once-per-image layers.
    public var backwardOnce: Int

    public init(forwardPerStep: Int, forwardOnce: Int, backwardPerStep: Int, backwardOnce: Int) {
        self.forwardPerStep = forwardPerStep
        self.forwardOnce = forwardOnce
        self.backwardPerStep = backwardPerStep
        self.backwardOnce = backwardOnce
    }

    /// Forward MACs of one image over `timeSteps` steps.
    public func forward(timeSteps: Int) -> Int { forwardPerStep * timeSteps + forwardOnce }

    /// Backward MACs of one image over `timeSteps` steps.
    public func backward(timeSteps: Int) -> Int { backwardPerStep * timeSteps + backwardOnce }
}

extension LayerGraph {
    /// The MACs of one image through this graph (see `MACCount`).
    public var macs: MACCount {
        var count = MACCount(forwardPerStep: 0, forwardOnce: 0, backwardPerStep: 0, backwardOnce: 0)
        for node in nodes {
            let forward: Int
            switch node.op {
            case .conv(let inChannels, let outChannels, let window, _):
                forward = outChannels * inChannels * window.kernelH * window.kernelW * node.shape[1] * node.shape[2]
            case .linear(let inFeatures, let outFeatures, _):
                forward = inFeatures * outFeatures
            default:
                continue
            }
            let readsImage = node.inputs.first == 0
            let backward = forward + (readsImage ? 0 : forward)
            if node.perStep {
                count.forwardPerStep += forward
                count.backwardPerStep += backward
            } else {
                count.forwardOnce += forward
                count.backwardOnce += backward
            }
        }
        return count
    }
}
