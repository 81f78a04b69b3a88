import Foundation
import SNNStore
import SNNTrain

/// The rules on a ticket file's tensors, checked as a state is read: its masks are uint8 0/1
/// datasets of prunable weights, of their parameter's shape (every state); a level's pruned
/// weights are exactly 0 and its masks keep what its `level.json` says.
enum TicketTensorRules {
    /// Reads the state stored in `group` (a level's or one of `/states`), its masks checked first.
    /// - Throws: `TicketValidationError` (masks); `CheckpointError` and `HDF5Error` of the reader.
    static func readState(_ group: HDF5Group, path: String) throws -> TrainingState {
        try checkMasks(group, path: path)
        return try Checkpoint.read(from: group)
    }

    /// Reads the state of level `info.level` from `group` and checks it against `info`.
    /// - Throws: `TicketValidationError` (masks, pruned weights, kept counts); errors of the reader.
    static func readLevel(_ group: HDF5Group, info: LevelInfo, path: String) throws -> TrainingState {
        let state = try readState(group, path: path)
        try checkPrunedWeights(state, group.path, path)
        try checkKeptCounts(state, info, group.path, path)
        return state
    }

    /// Every dataset of the group's `masks/` names a prunable weight of the state's model (its
    /// spec's roles) and is uint8 0/1 of the shape its weight is stored with. A spec or a weight the
    /// reader cannot use is left to `Checkpoint.read` to report (it compares the stored shapes
    /// with the spec's).
    private static func checkMasks(_ group: HDF5Group, path: String) throws {
        guard let json = try? group.stringAttribute("model_spec"),
            let spec = try? JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8)),
            let graph = try? LayerGraph(spec), group.kind(of: "masks") == .group
        else { return }
        let roles = Dictionary(ParameterSet.shapes(of: graph).parameters.map { ($0.name, $0.role) }) { first, _ in first }
        let masks = try group.group("masks")
        for name in try masks.children() {
            let object = group.path + "/masks/" + name
            func fail(_ detail: String) -> TicketValidationError {
                TicketValidationError(path: path, object: object, rule: .masks, detail: detail)
            }
            guard roles[name] == .weight else {
                throw fail("'\(name)' is not a prunable weight of the model; only conv and linear weights have masks")
            }
            guard let weight = try? group.info(of: "parameters/" + name) else { continue }
            let info = try masks.info(of: name)
            guard info.type == .uint8, info.shape == weight.shape else {
                throw fail("is \(info.type) of shape \(info.shape); the mask of \(name) is uint8 of its shape \(weight.shape)")
            }
            try checkBits(try masks.read(name, as: UInt8.self).values) { fail($0) }
        }
    }

    /// Every entry is 0 or 1.
    static func checkBits(_ bits: [UInt8], _ fail: (String) -> TicketValidationError) throws {
        if let i = bits.firstIndex(where: { $0 > 1 }) { throw fail("entry \(i) is \(bits[i]); a mask holds only 0 and 1") }
    }

    /// Where a mask is 0 the weight is exactly 0 (the invariant of `Parameter.mask`).
    private static func checkPrunedWeights(_ state: TrainingState, _ level: String, _ path: String) throws {
        for p in state.parameters.parameters {
            guard let mask = p.mask else { continue }
            for (i, (m, w)) in zip(mask.scalars, p.value.scalars).enumerated() where m == 0 && w != 0 {
                throw TicketValidationError(
                    path: path, object: "\(level)/parameters/\(p.name)", rule: .prunedWeights,
                    detail: "entry \(i) is \(w) where the mask is 0; a pruned weight is exactly 0")
            }
        }
    }

    /// `level.json`'s kept counts, layer by layer and in all, are the masks' sums.
    private static func checkKeptCounts(_ state: TrainingState, _ info: LevelInfo, _ level: String, _ path: String) throws {
        let densities = WeightMask(state.parameters).layerDensities
        for (i, stored) in info.layers.enumerated() {
            let object = "\(level)/level.json"
            guard let layer = densities.first(where: { $0.name == stored.name }) else { continue }
            guard stored.count == layer.count else {
                throw TicketValidationError(
                    path: path, object: object, key: "layers[\(i)].count", rule: .keptCounts,
                    detail: "is \(stored.count) but the level's \(stored.name) has \(layer.count) weights")
            }
            guard stored.kept == layer.kept else {
                throw TicketValidationError(
                    path: path, object: object, key: "layers[\(i)].kept", rule: .keptCounts,
                    detail: "is \(stored.kept) but the level's mask of \(stored.name) keeps \(layer.kept)")
            }
        }
    }
}
