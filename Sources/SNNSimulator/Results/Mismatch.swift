/// The first place where the event simulator and the dense reference disagree.
public struct Mismatch: Sendable, Equatable, Error, CustomStringConvertible {
    /// Index of the image in its batch.
    public var image: Int
    /// The layer: a LIF group, a pool, or the readout.
    public var layer: String
    /// The time step.
    public var step: Int
    /// The unit: C-order index within the layer's shape (the class for the readout).
    public var neuron: Int
    /// The unit's coordinates: `[c, y, x]`, or `[f]` for a one-dimensional layer.
    public var coordinates: [Int]
    /// The event simulator's output (the payload, 0 for no event; the step's logit for the readout).
    public var simulator: Int64
    /// The dense reference's output.
    public var reference: Int64

    /// Creates a mismatch record.
    public init(image: Int, layer: String, step: Int, neuron: Int, coordinates: [Int], simulator: Int64, reference: Int64) {
        self.image = image
        self.layer = layer
        self.step = step
        self.neuron = neuron
        self.coordinates = coordinates
        self.simulator = simulator
        self.reference = reference
    }

    /// `image 3, layer 'lif2', step 1, neuron 517 [c 2, y 0, x 5]: event simulator 1, dense reference 0`.
    public var description: String {
        let names = coordinates.count == 3 ? ["c", "y", "x"] : ["unit"]
        let position = zip(names, coordinates).map { "\($0) \($1)" }.joined(separator: ", ")
        return "image \(image), layer '\(layer)', step \(step), neuron \(neuron) [\(position)]: "
            + "event simulator \(simulator), dense reference \(reference)"
    }
}
