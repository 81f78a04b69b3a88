import SNNIR

/// Network shapes used by the tests and the benchmark.
public enum SyntheticPresets {
    /// VGG16 (config D) with BN folded: 13 convs 3×3 (padding 1) each followed by a LIF group,
    /// max-pools 2×2 on spikes after stages 1–5, flatten, linear readout. `width` scales the
    /// channels (0.125 gives 8…64).
    public static func vgg16(width: Double, input: [Int], options: SyntheticOptions) -> Graph {
        let stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
        var net = SyntheticNetwork(input: input, options: options)
        var x = "input"
        for stage in stages {
            for channels in stage {
                x = net.lif(net.conv(x, outChannels: max(1, Int((Double(channels) * width).rounded()))))
            }
            if net.builder.shape(of: x)[1] >= 2 { x = net.pool(x, kind: .max) }
        }
        _ = net.linear(net.flatten(x), outFeatures: options.classes, name: "readout")
        return net.builder.graph(name: "vgg16-w\(width)")
    }

    /// A small VGG-style network with every window kind: encoder, convs with padding and
    /// stride 2, a max-pool, an overlapping padded max-pool (3×3, stride 2, padding 1), a
    /// sum-pool, flatten, a hidden linear layer with LIF, and the readout.
    public static func smallVGG(input: [Int] = [2, 12, 12], options: SyntheticOptions) -> Graph {
        var net = SyntheticNetwork(input: input, options: options)
        var x = net.lif(net.conv("input", outChannels: 6))
        x = net.lif(net.conv(x, outChannels: 8))
        x = net.pool(x, kind: .max)  // 6×6
        x = net.lif(net.conv(x, outChannels: 10, stride: 2))  // 3×3
        x = net.lif(net.conv(x, outChannels: 12, kernel: 3, stride: 1, pad: 1))
        x = net.pool(x, kind: .max, kernel: 3, stride: 2, pad: 1)  // 2×2
        x = net.pool(x, kind: .sum, kernel: 2)  // 1×1
        x = net.lif(net.linear(net.flatten(x), outFeatures: 16))
        _ = net.linear(x, outFeatures: options.classes, name: "readout")
        return net.builder.graph(name: "small-vgg")
    }

    /// A small ResNet-style network: encoder, a basic block with an identity shortcut, a
    /// downsampling block (stride-2 conv, 1×1 stride-2 conv shortcut), global average pooling
    /// (folded, as the compiler leaves it: a sum pool),
    /// a hidden linear layer with LIF, and the readout.
    public static func smallResNet(input: [Int] = [2, 10, 10], options: SyntheticOptions) -> Graph {
        var net = SyntheticNetwork(input: input, options: options)
        let stem = net.lif(net.conv("input", outChannels: 8))
        var x = net.lif(net.conv(stem, outChannels: 8))
        let block1 = net.lif(net.add([net.conv(x, outChannels: 8), net.identity(stem)]))
        x = net.lif(net.conv(block1, outChannels: 12, stride: 2))  // 5×5
        let shortcut = net.conv(block1, outChannels: 12, kernel: 1, stride: 2, pad: 0)
        let block2 = net.lif(net.add([net.conv(x, outChannels: 12), shortcut]))
        x = net.pool(block2, kind: .sum, kernel: 5)  // 1×1: a folded average pool
        x = net.lif(net.linear(net.flatten(x), outFeatures: 16))
        _ = net.linear(x, outFeatures: options.classes, name: "readout")
        return net.builder.graph(name: "small-resnet")
    }
}
