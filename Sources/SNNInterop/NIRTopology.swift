import SNNFormat

/// The edges of a NIR graph checked and ordered: one Input, one Output, no cycle, every node
/// on a path from the Input to the Output.
struct NIRTopology {
    /// Node names in execution order (a topological order; ties broken by name).
    let order: [String]
    /// For each node, the nodes feeding it, in edge order.
    let inputs: [String: [String]]
    /// For each node, the nodes it feeds.
    let consumers: [String: [String]]
    let inputNode: String
    let outputNode: String

    init(_ document: NIRDocument) throws {
        var names = Set<String>()
        for node in document.nodes where !names.insert(node.name).inserted {
            throw NIRImportError(node: node.name, field: nil, reason: "two nodes have this name; NIR node names are unique")
        }
        var inputs: [String: [String]] = [:]
        var consumers: [String: [String]] = [:]
        for (source, destination) in document.edges {
            for end in [source, destination] where !names.contains(end) {
                throw NIRImportError(
                    node: end, field: "edges", reason: "the edge \(source) → \(destination) names a node that does not exist")
            }
            inputs[destination, default: []].append(source)
            consumers[source, default: []].append(destination)
        }
        let inputNodes = document.nodes.filter { $0.kind == .input }.map(\.name).sorted()
        let outputNodes = document.nodes.filter { $0.kind == .output }.map(\.name).sorted()
        guard inputNodes.count == 1 else {
            throw NIRImportError(
                node: nil, field: nil,
                reason: "the graph has \(inputNodes.count) Input nodes \(inputNodes); snnc models take one input (the image)")
        }
        guard outputNodes.count == 1 else {
            throw NIRImportError(
                node: nil, field: nil,
                reason: "the graph has \(outputNodes.count) Output nodes \(outputNodes); snnc models have one output (the class scores)")
        }
        let input = inputNodes[0]
        let output = outputNodes[0]
        if let sources = inputs[input] {
            throw NIRImportError(node: input, field: "edges", reason: "the Input node is fed by \(sources)")
        }
        if let targets = consumers[output] {
            throw NIRImportError(node: output, field: "edges", reason: "the Output node feeds \(targets)")
        }
        // Kahn's algorithm, always taking the smallest ready name.
        var pending = Dictionary(uniqueKeysWithValues: document.nodes.map { ($0.name, inputs[$0.name]?.count ?? 0) })
        var ready = pending.filter { $0.value == 0 }.map(\.key).sorted(by: >)
        var order: [String] = []
        while let next = ready.popLast() {
            order.append(next)
            pending[next] = nil
            for consumer in consumers[next] ?? [] {
                guard let count = pending[consumer] else { continue }
                pending[consumer] = count - 1
                if count - 1 == 0 {
                    ready.append(consumer)
                    ready.sort(by: >)
                }
            }
        }
        if !pending.isEmpty {
            let cycle = Self.cycle(among: Set(pending.keys), inputs: inputs)
            let loop = (cycle + [cycle.first ?? ""]).joined(separator: " → ")
            throw NIRImportError(
                node: cycle.first, field: "edges",
                reason: "the graph has a cycle: \(loop); snnc runs feed-forward graphs only",
                hint: "recurrent connections cannot be imported")
        }
        let fromInput = Self.reachable(from: input, along: consumers)
        let toOutput = Self.reachable(from: output, along: inputs)
        for name in order where !fromInput.contains(name) || !toOutput.contains(name) {
            throw NIRImportError(
                node: name, field: "edges",
                reason: !fromInput.contains(name)
                    ? "no path leads from the Input '\(input)' to this node"
                    : "no path leads from this node to the Output '\(output)'",
                hint: "remove unconnected nodes from the graph")
        }
        self.order = order
        self.inputs = inputs
        self.consumers = consumers
        inputNode = input
        outputNode = output
    }

    private static func reachable(from start: String, along next: [String: [String]]) -> Set<String> {
        var seen: Set<String> = [start]
        var stack = [start]
        while let n = stack.popLast() {
            for m in next[n] ?? [] where !seen.contains(m) {
                seen.insert(m)
                stack.append(m)
            }
        }
        return seen
    }

    /// One cycle among the nodes left over by Kahn's algorithm (each has an input among them).
    private static func cycle(among nodes: Set<String>, inputs: [String: [String]]) -> [String] {
        guard var current = nodes.min() else { return [] }
        var path: [String] = []
        var position: [String: Int] = [:]
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            guard let previous = inputs[current]?.filter(nodes.contains).min() else { return path }
            current = previous
        }
        return Array(path[(position[current] ?? 0)...].reversed())
    }
}
