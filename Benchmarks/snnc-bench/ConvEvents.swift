// `snnc-bench conv-events`: forward + backward time of every convolution shape of the anchor
// models (the layers that read spikes), oneDNN's dense kernels against the event kernels at
// several input densities, to find where the event kernels break even (EventConvPolicy). One
// JSON object per (model, layer shape, density) on stdout.
import Foundation
import SNNTensor
import SNNTrain

func benchmarkConvEvents(arguments: [String]) throws {
    var runs = 3
    var models = ["vgg16-paper-w8", "vgg16", "small"]
    var densities = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5]
    var rest = arguments.makeIterator()
    while let a = rest.next() {
        switch a {
        case "--runs": runs = rest.next().flatMap(Int.init) ?? runs
        case "--models": models = (rest.next() ?? "").split(separator: ",").map(String.init)
        case "--densities": densities = (rest.next() ?? "").split(separator: ",").compactMap { Double($0) }
        default: throw BenchError("conv-events: unknown argument '\(a)' (--runs N, --models a,b, --densities 0.1,0.2)")
        }
    }
    var rng = SeededRNG(seed: 1)
    for model in models {
        let (spec, batch, _) = anchorSpec(model, timeSteps: 5)
        let graph = try LayerGraph(spec)
        var seen = Set<String>()
        // The layers after the first: their input is spikes (or pooled spikes), T·B images.
        for node in graph.nodes where node.inputs.first.map({ graph.nodes[$0].op != .input && graph.nodes[$0].op != .repeatTime }) ?? false
        {
            guard case .conv(let cin, let cout, let window, _) = node.op else { continue }
            let inputShape = graph.nodes[node.inputs[0]].shape
            let images = batch * spec.timeSteps
            let key = "\(cin)x\(cout)x\(inputShape[1])x\(inputShape[2])"
            guard seen.insert(key).inserted else { continue }
            var w = Tensor.zeros([cout, cin, window.kernelH, window.kernelW])
            for i in w.scalars.indices { w.scalars[i] = rng.nextFloat(in: -0.1, 0.1) }
            for density in densities {
                var x = Tensor.zeros([images, cin, inputShape[1], inputShape[2]])
                for i in x.scalars.indices { x.scalars[i] = rng.nextUnitFloat() < Float(density) ? 1 : 0 }
                var dense = ConvWorkspace()
                dense.events = .off
                var events = ConvWorkspace()
                events.events = EventConvPolicy(maxDensity: 1)
                var dy = Tensor.zeros(conv2dOutputShape(inputShape: x.shape, outChannels: cout, window: window))
                for i in dy.scalars.indices { dy.scalars[i] = rng.nextFloat(in: -1, 1) }
                func step(_ ws: inout ConvWorkspace) -> (Double, Double) {
                    var dw = Tensor.zeros(w.shape)
                    var db: Tensor? = nil
                    let forward = timed(warmup: 0, iters: 1) {
                        _ = conv2dForward(input: x, weight: w, bias: nil, window: window, workspace: &ws)
                    }[0]
                    let backward = timed(warmup: 0, iters: 1) {
                        _ = conv2dBackward(dOutput: dy, input: x, weight: w, window: window, dWeight: &dw, dBias: &db, workspace: &ws)
                    }[0]
                    return (forward, backward)
                }
                _ = step(&dense)
                _ = step(&events)
                var d: [(Double, Double)] = []
                var e: [(Double, Double)] = []
                for _ in 0..<runs {
                    d.append(step(&dense))
                    e.append(step(&events))
                }
                let result: [String: Any] = [
                    "model": model, "layer": node.name, "cin": cin, "cout": cout, "height": inputShape[1],
                    "width": inputShape[2], "images": images, "density": density, "runs": runs,
                    "dense_forward_s": median(d.map(\.0)), "event_forward_s": median(e.map(\.0)),
                    "dense_backward_s": median(d.map(\.1)), "event_backward_s": median(e.map(\.1)),
                    "speedup": (median(d.map(\.0)) + median(d.map(\.1))) / (median(e.map(\.0)) + median(e.map(\.1))),
                ]
                let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
