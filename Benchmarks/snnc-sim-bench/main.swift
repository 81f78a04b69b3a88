// snnc-sim-bench: throughput of the event-driven simulator against the dense integer reference.
//
//   swift run -c release snnc-sim-bench [--runs N] [--images N] [--only small|full] [--profile [--threads N]]
//
// For each network (VGG16 at width 0.125 with ~90% random sparsity, VGG16 at full width with
// ~95%; 32×32×1 input, T = 5, random weights, quantised random images): checks the event
// simulator against the dense reference on one image, then reports the median of N runs of
// - synaptic events per second on one thread,
// - the dense reference's time on the same images (and the speed-up),
// - images per second on 1 and 2 threads, their runs alternating (and the scaling).
// `--profile` runs only the event simulator, on one thread or `--threads N` (for perf).
import Foundation
import SNNIR
import SNNSimulator
import SNNSimulatorFixtures

struct Settings {
    var runs = 3
    /// Images per run: enough that starting a second worker thread is a small part of a run.
    var images = 128
    var only: String?
    var profile = false
    var profileThreads = 1

    init(_ arguments: [String]) {
        var k = 0
        while k < arguments.count {
            let value = k + 1 < arguments.count ? arguments[k + 1] : ""
            switch arguments[k] {
            case "--runs":
                runs = max(1, Int(value) ?? runs)
                k += 1
            case "--images":
                images = max(1, Int(value) ?? images)
                k += 1
            case "--only":
                only = value
                k += 1
            case "--profile": profile = true
            case "--threads":
                profileThreads = max(1, Int(value) ?? 1)
                k += 1
            default:
                print("unknown argument \(arguments[k])")
                exit(64)
            }
            k += 1
        }
    }
}

/// Wall-clock and process CPU seconds of one run. On a shared machine a one-thread run's CPU
/// time leaves out the time other jobs held the core; wall-clock includes it.
struct Time {
    var wall: Double
    var cpu: Double

    static func of(_ body: () throws -> Void) rethrows -> Time {
        func cpuNow() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let wall0 = DispatchTime.now().uptimeNanoseconds
        let cpu0 = cpuNow()
        try body()
        return Time(wall: Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e9, cpu: cpuNow() - cpu0)
    }
}

/// Medians of several runs.
struct Runs {
    var times: [Time]
    var wall: Double { median(times.map(\.wall)) }
    var cpu: Double { median(times.map(\.cpu)) }
    var fastestCPU: Double { times.map(\.cpu).min() ?? 0 }
    var listing: String { times.map { String(format: "%.3f/%.3f", $0.wall, $0.cpu) }.joined(separator: " ") }

    init(_ count: Int, _ body: () throws -> Void) rethrows {
        times = try (0..<count).map { _ in try Time.of(body) }
    }

    init(times: [Time]) { self.times = times }

    /// `count` runs of `a` and of `b`, alternating (a, b, a, b, …), so that both see the same
    /// moments of a noisy machine.
    static func alternating(_ count: Int, _ a: () throws -> Void, _ b: () throws -> Void) rethrows -> (Runs, Runs) {
        var ta: [Time] = []
        var tb: [Time] = []
        for _ in 0..<count {
            ta.append(try Time.of(a))
            tb.append(try Time.of(b))
        }
        return (Runs(times: ta), Runs(times: tb))
    }

    /// The median over run pairs of `self`'s wall time divided by `other`'s.
    func medianWallRatio(to other: Runs) -> Double {
        median(zip(times, other.times).map { $0.wall / max($1.wall, 1e-12) })
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func sparsity(_ graph: Graph) -> Double {
    var kept = 0
    var total = 0
    for layer in graph.synapticLayers {
        switch layer.op {
        case .conv(let c):
            kept += c.weights.fanout?.nonZeroCount ?? 0
            total += c.weights.weight.count
        case .linear(let l):
            kept += l.weights.fanout?.nonZeroCount ?? 0
            total += l.weights.weight.count
        default: break
        }
    }
    return 1 - Double(kept) / Double(max(total, 1))
}

func bench(name: String, graph: Graph, settings: Settings, denseImages: Int) throws {
    let images = SyntheticImages.make(count: settings.images, shape: graph.layers[0].shape, seed: 99)
    let simulator = try EventSimulator(graph)
    let reference = try DenseReference(graph)
    let (_, mismatch) = try simulator.check(quantizedImage: images[0], against: reference)
    if let mismatch {
        print("MISMATCH \(mismatch)")
        exit(1)
    }

    var result: BatchResult?
    if settings.profile {
        let one = try Runs(settings.runs) {
            result = try simulator.run(quantizedImages: images, options: BatchOptions(threads: settings.profileThreads))
        }
        print(
            "\(name): event simulator only, \(settings.profileThreads) thread(s), "
                + "\(String(format: "%.2f", one.cpu / Double(images.count) * 1e3)) ms/image CPU (median), "
                + "\(String(format: "%.2f", one.fastestCPU / Double(images.count) * 1e3)) (fastest)")
        return
    }
    // Event simulator on one and on two threads, alternating.
    let (one, two) = try Runs.alternating(
        settings.runs,
        {
            result = try simulator.run(quantizedImages: images, options: BatchOptions(threads: 1))
        },
        {
            _ = try simulator.run(quantizedImages: images, options: BatchOptions(threads: 2))
        })
    guard let result else { return }
    let events = Double(result.work.synapticEvents.total)
    // Dense reference on the first `denseImages` images.
    let dense = try Runs(settings.runs) { for image in images.prefix(denseImages) { _ = try reference.run(quantizedImage: image) } }

    let n = Double(images.count)
    let nd = Double(denseImages)
    let neurons = graph.neuronGroups.reduce(0) { $0 + $1.unitCount }
    let spikes = result.spikes.layers.indices.filter { result.spikes.layers[$0].hasPrefix("lif") }
        .reduce(0) { $0 + result.spikes.perLayer[$1] }
    func ms(_ x: Double) -> String { String(format: "%.2f", x * 1e3) }
    func fixed(_ digits: Int, _ x: Double) -> String { String(format: "%.\(digits)f", x) }
    let rate = fixed(3, Double(spikes) / Double(neurons * graph.timeSteps * images.count))
    let eventRates = "\(fixed(0, events / one.cpu / 1e6)) M events/s CPU, \(fixed(0, events / one.wall / 1e6)) wall"
    let speedUp = "\(fixed(1, (dense.cpu / nd) / (one.cpu / n)))× CPU, \(fixed(1, (dense.wall / nd) / (one.wall / n)))× wall"
    let scaling = "\(fixed(2, one.wall / two.wall))× wall (median of pairs \(fixed(2, one.medianWallRatio(to: two)))×)"
    print(
        """
        \(name): \(graph.synapticLayers.count) synaptic layers, \(neurons) neurons, weight sparsity \(fixed(1, sparsity(graph) * 100))%
          firing rate          \(rate) spikes per neuron per step
          synaptic events      \(Int(events / n)) per image
          event, 1 thread      \(ms(one.cpu / n)) ms/image CPU, \(ms(one.wall / n)) wall; \(eventRates)
          dense reference      \(ms(dense.cpu / nd)) ms/image CPU, \(ms(dense.wall / nd)) wall (\(denseImages) image(s))
          speed-up             \(speedUp)
          event, 2 threads     \(ms(two.wall / n)) ms/image wall (CPU \(ms(two.cpu / n))); scaling 1 → 2 threads \(scaling)
          runs (wall/cpu s)    1 thread: \(one.listing) | dense: \(dense.listing) | 2 threads: \(two.listing)
        """)
}

let settings = Settings(Array(CommandLine.arguments.dropFirst()))
print(
    "snnc-sim-bench: \(settings.runs) runs (median), \(settings.images) images per run, "
        + "\(ProcessInfo.processInfo.activeProcessorCount) CPUs"
)
if settings.only == nil || settings.only == "small" {
    let graph = SyntheticPresets.vgg16(width: 0.125, input: [1, 32, 32], options: SyntheticOptions(density: 0.1, seed: 1))
    try bench(name: "VGG16 width 0.125, ~90% sparse", graph: graph, settings: settings, denseImages: min(settings.images, 16))
}
if settings.only == nil || settings.only == "full" {
    let graph = SyntheticPresets.vgg16(width: 1, input: [1, 32, 32], options: SyntheticOptions(density: 0.05, seed: 1))
    try bench(name: "VGG16 width 1, ~95% sparse", graph: graph, settings: settings, denseImages: 1)
}
