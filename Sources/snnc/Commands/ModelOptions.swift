import ArgumentParser
import SNNIR
import SNNTrain

/// Options that define a network, shared by `train` and `prune`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Architecture: vgg16, resnet19, small or mlp (one hidden layer, no batch norm or biases; Xylo). (default: vgg16)")
    var model: Architecture?
    @Option(help: "Channel width multiplier (0.125 = VGG16 with 8…64 channels). (default: 1)")
    var width: Double?
    @Option(help: "Time steps T. (default: 5)")
    var timeSteps: Int?
    @Option(help: "LIF membrane time constant tau. (default: 4/3)")
    var tau: Float?
    @Option(help: "Firing threshold. (default: 1)")
    var threshold: Float?
    @Option(
        help: """
            Spiking neuron: lif (leaky, H = V + (X − V)/tau), if (integrate-and-fire, H = V + X; Speck) or cuba-lif \
            (current-based LIF, Xylo's: I = (1 − 2^−s)(I + X), H = (1 − 2^−m)V + I, up to 31 spikes per step, \
            subtractive reset, one step of delay). (default: lif)
            """)
    var neuron: NeuronModel?
    @Option(help: "cuba-lif: synaptic time constant as a shift s, tau_syn = 2^s steps (Xylo's dash_syn, 0…15). (default: 2)")
    var tauSynShift: Int?
    @Option(help: "cuba-lif: membrane time constant as a shift m, tau = 2^m steps (Xylo's dash_mem, 0…15). (default: 3)")
    var tauMemShift: Int?
    @Option(help: "What a spike does to the membrane: zero (hard reset to 0) or subtract (V − threshold). (default: zero)")
    var reset: ResetMode?
    @Option(help: "Pooling between VGG stages: max or avg. (default: max; small: avg)")
    var pool: PoolKind?
    @Option(help: "Input coding: direct (conv1+BN1 once) or repeated (every layer per step). (default: direct)")
    var encoding: Encoding?
    @Option(help: "BatchNorm statistics in training: perStep or pooled over T·B. (default: perStep)")
    var bnStatistics: BatchNormStatistics?
    @Flag(help: "Train the ANN twin (ReLU, one pass) instead of the SNN.")
    var ann = false
    @Flag(
        help: """
            Compute with ternary weights: each output unit's weights become sign(w)·alpha above \
            delta = 0.7·mean|w|, else 0 (ternary weight networks; the rule the compiler applies for \
            TrueNorth), trained through with a straight-through gradient.
            """)
    var ternaryWeights = false

    var architecture: Architecture { model ?? .vgg16 }

    var isGiven: Bool {
        model != nil || width != nil || timeSteps != nil || tau != nil || threshold != nil || pool != nil
            || neuron != nil || reset != nil || encoding != nil || bnStatistics != nil || ann || tauSynShift != nil
            || tauMemShift != nil || ternaryWeights
    }

    func validate() throws {
        if model == .imported {
            throw ValidationError(
                "--model imported is made by 'snnc import model.nir -o model.h5'; fine-tune it with 'snnc train --resume'")
        }
        if let width, !(width > 0 && width <= 4) { throw ValidationError("--width must be in (0, 4]") }
        if let timeSteps, timeSteps < 1 { throw ValidationError("--time-steps must be at least 1") }
        if let tau, !(tau > 1) { throw ValidationError("--tau must be greater than 1 (V ← V + (X − V)/tau)") }
        if let threshold, !(threshold > 0) { throw ValidationError("--threshold must be positive") }
        if neuron == .if, tau != nil {
            throw ValidationError("--tau sets the LIF leak; integrate-and-fire neurons (--neuron if) have none")
        }
        if ann, neuron != nil || reset != nil { throw ValidationError("--neuron and --reset describe spiking neurons; --ann has ReLUs") }
        if ann, ternaryWeights {
            throw ValidationError("--ternary-weights is for the spiking model that deploys; --ann trains its ReLU twin")
        }
        if neuron == .cubaLIF {
            if tau != nil { throw ValidationError("cuba-lif neurons take --tau-mem-shift (tau = 2^shift steps), not --tau") }
            if reset == .zero { throw ValidationError("cuba-lif neurons reset by subtracting the threshold (--reset subtract)") }
            for (name, shift) in [("--tau-syn-shift", tauSynShift), ("--tau-mem-shift", tauMemShift)] {
                if let shift, !(0...15).contains(shift) { throw ValidationError("\(name) must be in 0…15 (Xylo's 4-bit dash)") }
            }
        } else if tauSynShift != nil || tauMemShift != nil {
            throw ValidationError("--tau-syn-shift and --tau-mem-shift are for --neuron cuba-lif")
        }
    }

    /// The model for inputs of the given shape and class count.
    func spec(inputChannels: Int, height: Int, width imageWidth: Int, classes: Int) throws -> ModelSpec {
        var spec = ModelSpec(
            architecture: architecture, width: width ?? 1, inputChannels: inputChannels,
            inputHeight: height, inputWidth: imageWidth, classes: classes,
            timeSteps: timeSteps ?? 5, tau: tau ?? 4.0 / 3.0, threshold: threshold ?? 1,
            pooling: pool, encoding: encoding ?? .direct,
            batchNormStatistics: bnStatistics ?? .perStep, spiking: !ann)
        // Only written when chosen, so files of LIF models with a hard reset keep their bytes.
        spec.neuronModel = neuron
        spec.resetMode = reset
        spec.ternaryWeights = ternaryWeights ? true : nil
        if neuron == .cubaLIF {
            spec.resetMode = .subtract
            spec.tau = Float(1 << (tauMemShift ?? 3))
            spec.tauSyn = Float(1 << (tauSynShift ?? 2))
        }
        do {
            _ = try LayerGraph(spec)
        } catch let error as ModelError {
            // Adds what to change on the command line.
            throw Diagnostic(message: error.description, hint: "pad the images (--pad) or pick another model")
        }
        return spec
    }
}

extension NeuronModel: ExpressibleByArgument {}
extension ResetMode: ExpressibleByArgument {}
