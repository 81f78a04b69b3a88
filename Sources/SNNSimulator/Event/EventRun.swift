import SNNIR

extension EventSimulator {
    /// One inference of a quantised image of the right size, in `ws`.
    func run(_ image: [Int32], trace: Bool, workspace ws: Workspace) -> Inference {
        run(steps: [image], trace: trace, workspace: ws)
    }

    /// One inference whose input is `steps[t]` at step t (or `steps[0]` at every step when there
    /// is one), each of the right size, in `ws`.
    func run(steps inputs: [[Int32]], trace: Bool, workspace ws: Workspace) -> Inference {
        let steps = plan.timeSteps
        let recorded = plan.recordedStreams
        var spikes = StepCounts(layers: recorded.map { plan.streams[$0].name }, steps: steps)
        let synapticOrder = plan.projections.indices.sorted { plan.projections[$0].layer < plan.projections[$1].layer }
        var synapticRow = [Int](repeating: 0, count: plan.projections.count)
        for (row, j) in synapticOrder.enumerated() { synapticRow[j] = row }
        var synaptic = StepCounts(layers: synapticOrder.map { plan.projections[$0].name }, steps: steps)
        var updates = StepCounts(layers: plan.populations.map(\.name), steps: steps)
        let groups = plan.populations.indices.filter { plan.populations[$0].rule != nil }
        var changeRow = [Int](repeating: -1, count: plan.populations.count)
        for (row, p) in groups.enumerated() { changeRow[p] = row }
        var changes = StepCounts(layers: groups.map { plan.populations[$0].name }, steps: steps)
        var meter = costPlan.map { CostMeter(plan: $0) }
        var traces = trace ? recorded.map { _ in [EventList]() } : []
        var logitsPerStep: [[Int64]] = []

        resetState(workspace: ws)
        for t in 0..<steps {
            if t == 0 || inputs.count > 1 {
                let encoderOps = encode(
                    inputs[inputs.count > 1 ? t : 0], step: t, workspace: ws, meter: meter, synaptic: &synaptic,
                    synapticRow: synapticRow)
                meter?.chargeInputMACs(encoderOps)
            }
            for action in plan.actions {
                switch action {
                case .deliver(let j):
                    synaptic.counts[synapticRow[j]][t] += deliver(j, workspace: ws, meter: meter)
                case .update(let p):
                    let (updated, changed) = update(p, workspace: ws, meter: meter)
                    updates.counts[p][t] = updated
                    if changeRow[p] >= 0 { changes.counts[changeRow[p]][t] = changed }
                    meter?.closePhase(population: p, workspace: ws)
                    if p == plan.readout { logitsPerStep.append(ws.stepOutput.prefix(plan.populations[p].grid.count)) }
                case .derive(let s):
                    derive(s, workspace: ws)
                }
            }
            meter?.closeStep()
            for (r, s) in recorded.enumerated() {
                spikes.counts[r][t] = ws.eventCount[s]
                if trace { traces[r].append(eventList(s, workspace: ws)) }
            }
        }
        let readout = plan.populations[plan.readout]
        let logits = ws.state[plan.readout].prefix(readout.grid.count)
        let spikeTrace =
            trace
            ? SpikeTrace(
                layers: recorded.enumerated().map { r, s in
                    LayerTrace(name: plan.streams[s].name, shape: plan.streams[s].shape, steps: traces[r])
                }) : nil
        return Inference(
            logits: logits, logitsPerStep: logitsPerStep, spikes: spikes, membraneChanges: changes,
            work: Work(synapticEvents: synaptic, neuronUpdates: updates),
            cost: meter?.result(), trace: spikeTrace)
    }

    /// Sets every membrane, current and held-back spike to 0 for a new inference.
    private func resetState(workspace ws: Workspace) {
        for p in plan.populations.indices {
            ws.state[p].zero()
            ws.current[p].zero()
            ws.synapticCurrent[p].fill(0)
            ws.delayedCount[p] = 0
        }
    }

    /// Runs the encoders on `image` at step `step`: constant currents, pinned and marked positions
    /// (after step 0, positions stay marked where they were, since their membranes may be non-zero).
    /// Returns the encoders' operations (their multiply-accumulates on the analog input).
    private func encode(
        _ image: [Int32], step: Int, workspace ws: Workspace, meter: CostMeter?,
        synaptic: inout StepCounts, synapticRow: [Int]
    ) -> Int {
        var encoderOps = 0
        for p in plan.populations.indices {
            let stat = plan.populations[p].staticCurrent
            for j in 0..<stat.count { ws.constant[p][j] = stat[j] }
        }
        var inputCount = 0
        let grid = plan.inputGrid
        for chw in image.indices where image[chw] != 0 {
            ws.inputEvents[inputCount] = Int32(grid.hwc(fromCHW: chw))
            ws.inputPayloads[inputCount] = image[chw]
            inputCount += 1
        }
        for (k, j) in plan.encoders.enumerated() {
            let projection = plan.projections[j]
            guard case .conv(let fanout) = projection.fanout else { continue }
            ws.encoderOutput[k].fill(0)
            let ops = ScatterKernels.conv(
                fanout, events: ws.inputEvents.base, payloads: ws.inputPayloads.base,
                count: inputCount, binary: false, accumulators: ws.encoderOutput[k].base,
                marks: ws.encoderMarks[k].base)
            synaptic.counts[synapticRow[j]][step] += ops
            encoderOps += ops
            meter?.chargeDelivery(
                projection: j, population: projection.target, events: ws.inputEvents.base,
                count: inputCount, workspace: ws)
            // An encoder-fed population keeps a constant per neuron (`perNeuronConstant`).
            for u in 0..<ws.encoderOutput[k].count { ws.constant[projection.target][u] &+= ws.encoderOutput[k][u] }
        }
        for p in plan.populations.indices {
            let population = plan.populations[p]
            let limit = Int64(Int32.max)
            ws.smallConstants[p] = (0..<ws.constant[p].count).allSatisfy { abs(ws.constant[p][$0]) <= limit }
            let channels = population.grid.channels
            let stride = population.perNeuronConstant ? channels : 0
            var pinnedCount = 0
            for position in 0..<population.grid.positions {
                var pin = population.updateAll
                for c in 0..<channels where ws.constant[p][position * stride + c] != 0 {
                    pin = true
                    break
                }
                ws.pinned[p][position] = pin ? 1 : 0
                let padded = population.layout.paddedPosition(position)
                ws.marks[p][padded] = pin || (step > 0 && ws.marks[p][padded] != 0) ? 1 : 0
                pinnedCount += pin ? 1 : 0
            }
            ws.allPinned[p] = pinnedCount == population.grid.positions
        }
        return encoderOps
    }

    /// Delivers the current events of projection `j`'s source.
    private func deliver(_ j: Int, workspace ws: Workspace, meter: CostMeter?) -> Int {
        let projection = plan.projections[j]
        guard let s = projection.source else { return 0 }
        let p = projection.target
        meter?.chargeDelivery(projection: j, population: p, events: ws.events[s].base, count: ws.eventCount[s], workspace: ws)
        switch ws.current[p] {
        case .narrow(let current): return scatter(projection, stream: s, into: current.base, workspace: ws)
        case .wide(let current): return scatter(projection, stream: s, into: current.base, workspace: ws)
        }
    }

    private func scatter<A: KernelInteger>(
        _ projection: ProjectionPlan, stream s: Int, into current: UnsafeMutablePointer<A>,
        workspace ws: Workspace
    ) -> Int {
        let events = ws.events[s].base
        let payloads = ws.payloads[s].base
        let count = ws.eventCount[s]
        let marks = ws.allPinned[projection.target] ? nil : ws.marks[projection.target].base
        let binary = plan.streams[s].binary
        switch projection.fanout {
        case .conv(let f):
            if let rows = f.flat {
                return ScatterKernels.convFlat(
                    f, rows: rows, events: events, payloads: payloads, count: count,
                    binary: binary, accumulators: current, marks: marks)
            }
            return ScatterKernels.conv(
                f, events: events, payloads: payloads, count: count, binary: binary,
                accumulators: current, marks: marks)
        case .linear(let f):
            return ScatterKernels.linear(f, events: events, payloads: payloads, count: count, accumulators: current, marks: marks)
        case .identity(let f):
            return ScatterKernels.identity(f, events: events, payloads: payloads, count: count, accumulators: current, marks: marks)
        }
    }

    /// Updates population `p`; returns the neurons updated and those whose membrane changed
    /// (0 for the readout).
    private func update(_ p: Int, workspace ws: Workspace, meter: CostMeter?) -> (updates: Int, changes: Int) {
        let population = plan.populations[p]
        let charge = costPlan.map { UpdateKernels.CoreCharge(coreOfNeuron: $0.coreOfNeuron[p].base, updates: ws.coreUpdates[p].base) }
        guard let rule = population.rule, let s = population.stream else {
            guard case .wide(let logits) = ws.state[p] else { preconditionFailure("the readout's logits are 64-bit") }
            switch ws.current[p] {
            case .narrow(let current): return (readout(population, current.base, logits, charge, ws), 0)
            case .wide(let current): return (readout(population, current.base, logits, charge, ws), 0)
            }
        }
        if let rule = rule.current {
            switch (ws.current[p], ws.state[p]) {
            case (.narrow(let current), .narrow(let state)): return currentBased(rule, p, current.base, state.base, s, charge, ws)
            case (.narrow(let current), .wide(let state)): return currentBased(rule, p, current.base, state.base, s, charge, ws)
            case (.wide(let current), .narrow(let state)): return currentBased(rule, p, current.base, state.base, s, charge, ws)
            case (.wide(let current), .wide(let state)): return currentBased(rule, p, current.base, state.base, s, charge, ws)
            }
        }
        let (spikes, updated, changed) =
            switch (ws.current[p], ws.state[p]) {
            case (.narrow(let current), .narrow(let state)): lif(rule, p, current.base, state.base, s, charge, ws)
            case (.narrow(let current), .wide(let state)): lif(rule, p, current.base, state.base, s, charge, ws)
            case (.wide(let current), .narrow(let state)): lif(rule, p, current.base, state.base, s, charge, ws)
            case (.wide(let current), .wide(let state)): lif(rule, p, current.base, state.base, s, charge, ws)
            }
        ws.eventCount[s] = spikes
        return (updated, changed)
    }

    private func lif<A: KernelInteger, S: KernelInteger>(
        _ rule: NeuronRule, _ p: Int, _ current: UnsafeMutablePointer<A>, _ state: UnsafeMutablePointer<S>,
        _ stream: Int, _ charge: UpdateKernels.CoreCharge?, _ ws: Workspace
    ) -> (spikes: Int, updates: Int, changes: Int) {
        let population = plan.populations[p]
        let fast = population.narrowCurrent && population.narrowState && ws.smallConstants[p]
        return UpdateKernels.lif(
            rule, layout: population.layout, updateAll: population.updateAll, fast: fast, current: current,
            constant: ws.constant[p].base, perNeuronConstant: population.perNeuronConstant, state: state,
            marks: ws.marks[p].base, pinned: ws.pinned[p].base, spikes: ws.events[stream].base, charge: charge)
    }

    /// One step of a current-based population: this step's spike counts go to the stream, or
    /// (delay 1) are held back and the previous step's are sent.
    private func currentBased<A: KernelInteger, S: KernelInteger>(
        _ rule: CurrentRule, _ p: Int, _ current: UnsafeMutablePointer<A>, _ state: UnsafeMutablePointer<S>,
        _ stream: Int, _ charge: UpdateKernels.CoreCharge?, _ ws: Workspace
    ) -> (updates: Int, changes: Int) {
        let population = plan.populations[p]
        let delayed = rule.delay > 0
        if delayed {
            let count = ws.delayedCount[p]
            for k in 0..<count {
                ws.events[stream][k] = ws.delayedEvents[p][k]
                ws.payloads[stream][k] = ws.delayedPayloads[p][k]
            }
            ws.eventCount[stream] = count
        }
        let result = CurrentKernels.step(
            rule, layout: population.layout, current: current, constant: ws.constant[p].base,
            perNeuronConstant: population.perNeuronConstant, synaptic: ws.synapticCurrent[p].base, state: state,
            spikes: delayed ? ws.delayedEvents[p].base : ws.events[stream].base,
            counts: delayed ? ws.delayedPayloads[p].base : ws.payloads[stream].base, charge: charge)
        if delayed { ws.delayedCount[p] = result.spikes } else { ws.eventCount[stream] = result.spikes }
        return (result.updates, result.changes)
    }

    private func readout<A: KernelInteger>(
        _ population: PopulationPlan, _ current: UnsafeMutablePointer<A>,
        _ logits: ScratchBuffer<Int64>, _ charge: UpdateKernels.CoreCharge?, _ ws: Workspace
    ) -> Int {
        let p = plan.readout
        return UpdateKernels.readout(
            outputs: population.grid.count, current: current, constant: ws.constant[p].base,
            logits: logits.base, stepOutput: ws.stepOutput.base, marks: ws.marks[p].base,
            pinned: ws.pinned[p].base, charge: charge)
    }

    /// Computes stream `s` from its source stream (pool or flatten).
    private func derive(_ s: Int, workspace ws: Workspace) {
        let stream = plan.streams[s]
        switch stream.source {
        case .population:
            break
        case .pool(let u, let kind, _, let rows, let columns):
            ws.eventCount[s] = StreamKernels.pool(
                isMax: kind == .max, input: plan.streams[u].grid, output: stream.grid, rows: rows, columns: columns,
                events: ws.events[u].base, payloads: ws.payloads[u].base, count: ws.eventCount[u],
                value: ws.poolValue[s].base, seen: ws.poolSeen[s].base,
                outEvents: ws.events[s].base, outPayloads: ws.payloads[s].base)
        case .flatten(let u):
            StreamKernels.flatten(
                input: plan.streams[u].grid, events: ws.events[u].base, payloads: ws.payloads[u].base,
                count: ws.eventCount[u], outEvents: ws.events[s].base, outPayloads: ws.payloads[s].base)
            ws.eventCount[s] = ws.eventCount[u]
        }
    }

    /// The current events of stream `s` in C-order, ascending, for a trace.
    private func eventList(_ s: Int, workspace ws: Workspace) -> EventList {
        let stream = plan.streams[s]
        var pairs: [(Int32, Int32)] = (0..<ws.eventCount[s]).map { k in
            (Int32(stream.grid.chw(fromHWC: Int(ws.events[s][k]))), ws.payloads[s][k])
        }
        pairs.sort { $0.0 < $1.0 }
        return EventList(indices: pairs.map(\.0), payloads: stream.binary ? nil : pairs.map(\.1))
    }
}
