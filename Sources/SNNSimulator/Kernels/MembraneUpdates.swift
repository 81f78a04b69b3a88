/// The two membrane updates of `UpdateKernels.lifLoop`, as types so the loop specialises on them.
protocol MembraneUpdate {
    /// Whether this is the branch-free update (`FastUpdate`) or the checked one (`CheckedUpdate`).
    static var isFast: Bool { get }
}

/// The general update: skips neurons at rest with no input (unless the group fires at rest,
/// `updateAll`) and saturates on overflow.
enum CheckedUpdate: MembraneUpdate {
    static var isFast: Bool { false }
}

/// The update when every quantity is known to be small: membranes, one step's synaptic current
/// and the constant current all within 32 bits (`UpdateKernels.lif(… fast: true)`), and the group
/// does not fire at rest.
///
/// Then `decay(v) + i` cannot leave `Int64` and `h − threshold` cannot overflow, so the update is
/// written without branches: the clamp is `min`/`max`, the spike decision a sign mask, and a
/// neuron at rest with no input is processed like any other (it stays at 0 and does not fire,
/// since the group does not fire at rest) and only left out of the update count.
enum FastUpdate: MembraneUpdate {
    static var isFast: Bool { true }
}
