import SNNIR

/// The NIR graph at a deployment file's root against the one its `/snnc` tables give: the same
/// nodes with the same types and values (weights are `csr · nir_weight_scale`, LIF `r`, τ, …),
/// the same edges, the same subtractive-reset list, `dt` a positive finite number, and every
/// float of every node finite (checked first, so a NaN is named as such).
struct NIRRootValidator {
    let path: String
    let graph: Graph
    let stored: NIRDocument
    /// Each synaptic layer's stored `quant/` attribute `nir_weight_scale` (when present).
    var storedWeightScales: [String: Double] = [:]

    private func fail(_ object: String, _ rule: DeploymentRule, _ detail: String) -> DeploymentValidationError {
        DeploymentValidationError(path: path, object: object, rule: rule, detail: detail)
    }

    func validate() throws(DeploymentValidationError) {
        let dt = stored.metadataField("dt")?.doubles ?? []
        guard dt.count == 1, dt[0].isFinite, dt[0] > 0 else {
            throw fail("/node/metadata/dt", .finite, "dt must be one positive finite number, found \(dt)")
        }
        for node in stored.nodes {
            for (key, field) in node.fields {
                guard let values = field.doubles, let i = values.firstIndex(where: { !$0.isFinite }) else { continue }
                throw fail("/node/nodes/\(node.name)/\(key)", .finite, "entry \(i) is \(values[i])")
            }
        }
        let expected: NIRGraph
        do {
            expected = try NIRGraph(graph)
        } catch {
            throw fail("/node", .nirConsistency, "the /snnc tables do not give a NIR graph: \(error)")
        }
        for (layer, scale) in storedWeightScales.sorted(by: { $0.key < $1.key }) where expected.weightScales[layer] != scale {
            throw fail(
                "/snnc/layers/\(layer)/quant", .nirConsistency,
                "nir_weight_scale \(scale), the tables give \(expected.weightScales[layer] ?? 0) (NIR weights = csr · nir_weight_scale)")
        }
        let storedNames = Set(stored.nodes.map(\.name))
        let expectedNames = Set(expected.nodes.map(\.name))
        if let extra = storedNames.subtracting(expectedNames).sorted().first {
            throw fail("/node/nodes/\(extra)", .nirConsistency, "a node the /snnc tables do not have")
        }
        for node in expected.nodes {
            guard let other = stored.node(node.name) else {
                throw fail("/node/nodes/\(node.name)", .nirConsistency, "missing: the /snnc tables have a \(node.type) node here")
            }
            try compare(node, other)
        }
        let edges = Set(expected.edges.map { "\($0.0) → \($0.1)" })
        let storedEdges = Set(stored.edges.map { "\($0.0) → \($0.1)" })
        if edges != storedEdges {
            let difference = edges.symmetricDifference(storedEdges).sorted().prefix(3).joined(separator: ", ")
            throw fail("/node/edges", .nirConsistency, "the edges differ from the /snnc layer inputs (\(difference))")
        }
        if stored.subtractiveResetNodes != Set(expected.subtractiveReset) {
            throw fail(
                "/node/metadata/\(NIRDocument.subtractiveResetKey)", .nirConsistency,
                "lists \(stored.subtractiveResetNodes.sorted()), "
                    + "the /snnc groups with reset_mode subtract are \(expected.subtractiveReset)")
        }
    }

    private func compare(_ expected: NIRNode, _ stored: NIRNode) throws(DeploymentValidationError) {
        let object = "/node/nodes/\(expected.name)"
        guard expected.type == stored.type else {
            throw fail(object + "/type", .nirConsistency, "type '\(stored.type)', the /snnc tables give '\(expected.type)'")
        }
        for (key, field) in expected.fields {
            guard let other = stored.field(key) else { throw fail(object + "/" + key, .nirConsistency, "missing field") }
            if case .string(let text) = field {
                if other != .string(text) { throw fail(object + "/" + key, .nirConsistency, "differs from '\(text)'") }
                continue
            }
            let a = field.doubles ?? []
            let b = other.doubles ?? []
            guard a.count == b.count else {
                throw fail(object + "/" + key, .nirConsistency, "has \(b.count) values, the /snnc tables give \(a.count)")
            }
            if let i = a.indices.first(where: { a[$0] != b[$0] }) {
                throw fail(object + "/" + key, .nirConsistency, "entry \(i) is \(b[i]), the /snnc tables give \(a[i])")
            }
        }
    }
}
