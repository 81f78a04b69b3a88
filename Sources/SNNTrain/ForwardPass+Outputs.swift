import SNNTensor

extension ForwardPass {
    /// The output of node `index` of the graph the pass ran (`LayerGraph.nodes[index]`):
    /// `[T·B, …]` time-major for nodes that run at every step, `[B, …]` for nodes that run once
    /// per batch. For a LIF node it is the spike train, 0 or 1 per (step, image, neuron).
    ///
    /// Nil when the index is out of range, the pass released the output
    /// (`forward(…, keepIntermediates: false)`), or the node is a batch norm a training pass
    /// handed to its LIF reader (`Network.fusesBatchNormIntoLIF`: it never wrote its output).
    public func output(ofNode index: Int) -> Tensor? {
        guard values.indices.contains(index), values[index].shape != [0] else { return nil }
        return values[index]
    }
}
