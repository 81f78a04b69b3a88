// Event-driven convolutions: when a convolution's input is mostly zeros (the spikes of the layer
// before), the forward pass and the weight gradient follow the non-zero inputs instead of
// running oneDNN's dense kernels over every pixel. The kernels are in C (DNNLShim/event_conv.c,
// vectorised per instruction set and picked at run time, the same bits on every CPU).
import DNNLShim

/// When the convolutions run the event-driven kernels: for an input with few enough non-zero
/// values for the layer's width. An event costs a fixed overhead plus one fused multiply-add per
/// output channel and kernel tap, so the kernels win on wide layers and lose on narrow ones,
/// where oneDNN's dense kernels are cheap (`snnc-bench conv-events`, BENCHMARKS.md "Event-driven
/// convolutions": 1.4-2.1x at 4% non-zero from 64 output channels up, slower below 64 at any
/// density).
public struct EventConvPolicy: Sendable, Equatable {
    /// The largest fraction of non-zero inputs at which the event kernels run, for layers with
    /// at least `minOutputChannels[i]` output channels (the last entry that applies counts).
    public var limits: [(minOutputChannels: Int, maxDensity: Double)]

    /// Event kernels up to `maxDensity` non-zero inputs on every layer.
    public init(maxDensity: Double) { limits = [(1, maxDensity)] }

    /// Event kernels up to `limits`' densities by output-channel count.
    public init(limits: [(minOutputChannels: Int, maxDensity: Double)]) { self.limits = limits }

    /// The dense kernels always.
    public static let off = EventConvPolicy(limits: [])
    /// The measured break-even (BENCHMARKS.md): none below 64 output channels, 5% from 64,
    /// 10% from 128, 15% from 256.
    public static let measured = EventConvPolicy(limits: [(64, 0.05), (128, 0.10), (256, 0.15)])

    /// The density limit for a layer with `outputChannels` filters (0: never).
    public func maxDensity(outputChannels: Int) -> Double {
        limits.last { outputChannels >= $0.minOutputChannels }?.maxDensity ?? 0
    }

    /// Whether a convolution of `input` into `outputChannels` channels runs the event kernels.
    func applies(to input: Tensor, outputChannels: Int) -> Bool {
        let limit = maxDensity(outputChannels: outputChannels)
        guard limit > 0, input.count > 0 else { return false }
        return Double(nonzeroCount(input)) <= limit * Double(input.count)
    }

    public static func == (a: EventConvPolicy, b: EventConvPolicy) -> Bool {
        a.limits.map(\.minOutputChannels) == b.limits.map(\.minOutputChannels)
            && a.limits.map(\.maxDensity) == b.limits.map(\.maxDensity)
    }
}

/// The name of the instruction set the event kernels use on this CPU.
public var eventConvInstructionSet: String { String(cString: snnc_event_conv_isa()) }

/// `conv2dForward` on the event kernels: each image's non-zero inputs add their value times the
/// weights they reach to the output (fused multiply-adds in a fixed order). Threads split the
/// images, so the bits do not depend on the thread count.
func eventConv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, shape: ConvCallShape, threads: Int) -> Tensor {
    let geometry = shape.geometry
    let (cout, taps) = (shape.outChannels, shape.window.kernelH * shape.window.kernelW)
    let pixels = Int(geometry.out_h * geometry.out_w)
    // The weights as [Cin][kH][kW][Cout]: every event reads one contiguous row per tap.
    let transposed = Tensor(shape: [weight.count]) { wt in
        weight.scalars.withUnsafeBufferPointer {
            snnc_transpose($0.baseAddress!, Int64(cout), Int64(shape.inChannels * taps), wt.baseAddress!)
        }
    }
    let parts = max(1, min(threads, shape.batch))
    let biasScalars = bias?.scalars ?? []
    return Tensor(shape: [shape.batch, cout, Int(geometry.out_h), Int(geometry.out_w)]) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            transposed.scalars.withUnsafeBufferPointer { wb in
                biasScalars.withUnsafeBufferPointer { bb in
                    let (x, wt, y) = (SharedPointer(xb.baseAddress!), SharedPointer(wb.baseAddress!), SharedPointer(out.baseAddress!))
                    let b = bias == nil ? nil : bb.baseAddress.map { SharedPointer($0) }
                    forEachPart(parts) { part in
                        var g = geometry
                        let images = slice(shape.batch, part: part, of: parts)
                        var scratch = [Float](repeating: 0, count: pixels * cout)
                        scratch.withUnsafeMutableBufferPointer {
                            snnc_event_conv_forward(
                                &g, x.base, wt.base, b?.base, y.base, Int64(images.lowerBound), Int64(images.upperBound),
                                $0.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}

/// The weight gradient `[Cout, Cin, kH, kW]` (assigned) of a convolution of `input` with output
/// gradient `dOutput`, on the event kernels: for each input channel, every non-zero input adds its
/// value times the output-gradient rows it reached. Threads split the input channels; each
/// channel sums over the images in order, so the bits do not depend on the thread count.
func eventConv2dWeightGradient(dOutput: Tensor, input: Tensor, shape: ConvCallShape, threads: Int) -> Tensor {
    let geometry = shape.geometry
    let (cout, cin, taps) = (shape.outChannels, shape.inChannels, shape.window.kernelH * shape.window.kernelW)
    let pixels = Int(geometry.out_h * geometry.out_w)
    // The output gradient per image as [Ho·Wo][Cout]: every event reads one contiguous row per tap.
    let dyt = Tensor(shape: [dOutput.count]) { t in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            let (src, dst) = (SharedPointer(dyb.baseAddress!), SharedPointer(t.baseAddress!))
            let parts = copyParts(threads: threads, units: shape.batch, elements: dOutput.count)
            forEachPart(parts) { part in
                for n in slice(shape.batch, part: part, of: parts) {
                    snnc_transpose(src.base + n * cout * pixels, Int64(cout), Int64(pixels), dst.base + n * cout * pixels)
                }
            }
        }
    }
    let gradient = Tensor(shape: [cin * taps * cout]) { dwt in
        input.scalars.withUnsafeBufferPointer { xb in
            dyt.scalars.withUnsafeBufferPointer { db in
                let (x, dy, dw) = (SharedPointer(xb.baseAddress!), SharedPointer(db.baseAddress!), SharedPointer(dwt.baseAddress!))
                let parts = max(1, min(threads, cin))
                forEachPart(parts) { part in
                    var g = geometry
                    let channels = slice(cin, part: part, of: parts)
                    snnc_event_conv_weight_gradient(
                        &g, x.base, dy.base, dw.base, Int64(channels.lowerBound), Int64(channels.upperBound))
                }
            }
        }
    }
    return Tensor(shape: [cout, cin, shape.window.kernelH, shape.window.kernelW]) { dw in
        gradient.scalars.withUnsafeBufferPointer {
            snnc_transpose($0.baseAddress!, Int64(cin * taps), Int64(cout), dw.baseAddress!)
        }
    }
}
