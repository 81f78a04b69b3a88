// `snnc-bench conv-layers`: forward + backward time of every convolution shape of the
// ticket-search model (VGG16 width 1/8, T·B = 640 images per stateless layer), dense kernels
// (im2col + GEMM) against the sparse kernels at several kept fractions, to find where the
// sparse kernels break even. One JSON object per (layer, density) on stdout.
import Foundation
import SNNTensor
import SNNTrain

func benchmarkConvLayers(arguments: [String]) throws {
    var runs = 3
    var batch = 128
    let timeSteps = 5
    var densities = [0.9, 0.7, 0.5, 0.3, 0.1]
    var rest = arguments.makeIterator()
    while let a = rest.next() {
        switch a {
        case "--runs": runs = rest.next().flatMap(Int.init) ?? runs
        case "--batch": batch = rest.next().flatMap(Int.init) ?? batch
        case "--densities": densities = (rest.next() ?? "").split(separator: ",").compactMap { Double($0) }
        default: throw BenchError("conv-layers: unknown argument '\(a)' (--runs N, --batch B, --densities 0.5,0.3)")
        }
    }
    let spec = ModelSpec(
        architecture: .vgg16, width: 0.125, inputChannels: 1, inputHeight: 32, inputWidth: 32,
        classes: 10, timeSteps: timeSteps)
    let graph = try LayerGraph(spec)
    var seen = Set<String>()
    var rng = SeededRNG(seed: 1)
    for node in graph.nodes {
        guard case .conv(let cin, let cout, let window, _) = node.op, SparseConvPattern.supports(window) else { continue }
        let inputShape = graph.nodes[node.inputs[0]].shape
        // The first conv runs once per image under direct coding, the others once per step.
        let images = node.inputs[0] == 0 ? batch : batch * timeSteps
        let key = "\(cin)x\(cout)x\(inputShape[1])x\(inputShape[2])x\(images)"
        guard seen.insert(key).inserted else { continue }
        var x = Tensor.zeros([images, cin, inputShape[1], inputShape[2]])
        // Spike-like input: 0/1 with ~15% ones (the first layer reads real pixels).
        for i in x.scalars.indices { x.scalars[i] = node.inputs[0] == 0 ? rng.nextUnitFloat() : (rng.nextUnitFloat() < 0.15 ? 1 : 0) }
        var w = Tensor.zeros([cout, cin, window.kernelH, window.kernelW])
        for i in w.scalars.indices { w.scalars[i] = rng.nextFloat(in: -0.1, 0.1) }
        var ws = ConvWorkspace()
        ws.events = .off  // oneDNN's dense kernels: the baseline the sparse kernels are weighed against
        let y = conv2dForward(input: x, weight: w, bias: nil, window: window, workspace: &ws)
        var dy = Tensor.zeros(y.shape)
        for i in dy.scalars.indices { dy.scalars[i] = rng.nextFloat(in: -1, 1) }
        let needsInputGradient = node.inputs[0] != 0
        func step(_ pattern: SparseConvPattern?) {
            var dw = Tensor.zeros(w.shape)
            var db: Tensor? = nil
            if let pattern {
                _ = sparseConv2dForward(input: x, weight: w, bias: nil, window: window, pattern: pattern, workspace: &ws)
                _ = sparseConv2dBackward(
                    dOutput: dy, input: x, weight: w, window: window, pattern: pattern, dWeight: &dw,
                    dBias: &db, computeInputGradient: needsInputGradient, workspace: &ws)
            } else {
                _ = conv2dForward(input: x, weight: w, bias: nil, window: window, workspace: &ws)
                _ = conv2dBackward(
                    dOutput: dy, input: x, weight: w, window: window, dWeight: &dw, dBias: &db,
                    computeInputGradient: needsInputGradient, workspace: &ws)
            }
        }
        for density in densities {
            var mask = Tensor.zeros(w.shape)
            for i in mask.scalars.indices { mask.scalars[i] = rng.nextUnitFloat() < Float(density) ? 1 : 0 }
            let pattern = SparseConvPattern(mask: mask)
            // Alternate dense and sparse runs; medians of `runs` each.
            var dense: [Double] = []
            var sparse: [Double] = []
            step(nil)
            step(pattern)
            for _ in 0..<runs {
                dense.append(timed(warmup: 0, iters: 1) { step(nil) }[0])
                sparse.append(timed(warmup: 0, iters: 1) { step(pattern) }[0])
            }
            let result: [String: Any] = [
                "layer": node.name, "cin": cin, "cout": cout, "height": inputShape[1], "width": inputShape[2],
                "images": images, "density": pattern.density, "dense_s": median(dense), "sparse_s": median(sparse),
                "speedup": median(dense) / median(sparse), "runs": runs,
            ]
            let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
