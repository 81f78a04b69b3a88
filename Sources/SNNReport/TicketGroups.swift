import Foundation
import SNNTickets

/// The searches of a report grouped by method and settings: runs that differ only in their seed
/// form one group, whose levels are averaged over the seeds.
struct TicketGroup {
    /// The legend name: the method, or the file name without its seed when two groups share a
    /// method (`eb-c1`).
    var name: String
    var runs: [(file: String, summary: TicketSummary)]

    var method: TicketMethod { runs[0].summary.header.method }

    /// Levels trained at the model's full T, by level index, one entry per run that has it.
    var fullTLevels: [(level: Int, infos: [LevelInfo])] {
        var byLevel: [Int: [LevelInfo]] = [:]
        for run in runs {
            let t = run.summary.header.spec.timeSteps
            for info in run.summary.levels where info.timeSteps == t {
                byLevel[info.level, default: []].append(info)
            }
        }
        return byLevel.sorted { $0.key < $1.key }.map { (level: $0.key, infos: $0.value) }
    }

    /// The pruned levels (round ≥ 1 or a one-shot target) at the full T.
    var ticketLevels: [(level: Int, infos: [LevelInfo])] {
        fullTLevels.filter { entry in entry.infos.allSatisfy { !Self.isDense($0) } }
    }

    /// The dense level (IMP round 0) at full T.
    static func isDense(_ info: LevelInfo) -> Bool { info.round == 0 || info.weightSparsity == 0 }

    /// Groups the runs in input order of their first appearance.
    static func grouping(_ runs: [(file: String, summary: TicketSummary)]) -> [TicketGroup] {
        var groups: [TicketGroup] = []
        for run in runs {
            let header = run.summary.header
            if let i = groups.firstIndex(where: {
                let other = $0.runs[0].summary.header
                return other.method == header.method && other.search == header.search && other.spec == header.spec
            }) {
                groups[i].runs.append(run)
            } else {
                groups.append(TicketGroup(name: header.method.rawValue, runs: [run]))
            }
        }
        let counts = Dictionary(grouping: groups, by: \.name).mapValues(\.count)
        for i in groups.indices where counts[groups[i].name, default: 0] > 1 {
            groups[i].name = stem(groups[i].runs[0].file)
        }
        let order = methodOrder
        return groups.sorted { a, b in
            let ka = order.firstIndex(of: a.method) ?? order.count
            let kb = order.firstIndex(of: b.method) ?? order.count
            return ka != kb ? ka < kb : a.name < b.name
        }
    }

    /// The order of the methods in legends and tables: IMP and its variants, early-bird, one-shot baselines.
    static let methodOrder: [TicketMethod] =
        [.imp, .impET, .eb, .ebET, .snip, .random, .transfer]
        + TicketMethod.allCases.filter { ![.imp, .impET, .eb, .ebET, .snip, .random, .transfer].contains($0) }

    /// `results/eb-c1-s0.json` → `eb-c1`.
    static func stem(_ file: String) -> String {
        var name = URL(fileURLWithPath: file).lastPathComponent
        for ext in [".json", ".h5"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
        if let range = name.range(of: #"-s[0-9]+$"#, options: .regularExpression) { name.removeSubrange(range) }
        return name
    }
}
