extension TicketSearch {
    /// `document`, an IMP search, set to go on to more rounds: `targets` (rounds, or sparsities
    /// resolved to rounds as for a new search) join the stored ones (rounds already reported stay
    /// reported) and must reach past the search's last round. A finished search gets back the
    /// state its next round starts from (the carry it dropped when it finished, which its last
    /// level stores unchanged); an unfinished one simply runs to the new last round. Running the result gives the same bits as a search
    /// started with `targets` (wall times aside). `command` is appended to the header's command
    /// after `; then: `. Every round is a level either way; the targets name the reported ones.
    /// Asking again for targets the document already has returns it unchanged, so the same
    /// command resumes an extension that was killed.
    /// - Throws: `SearchConfigError` for another method, targets that do not go further, or a
    ///   document without its last level.
    public static func extending(_ document: TicketDocument, to targets: [DensityTarget], command: String) throws -> TicketDocument {
        var copy = document
        let old = document.header.search
        guard document.header.method == .imp else {
            throw SearchConfigError(
                "only imp searches can be extended to more rounds; "
                    + "this file's method is \(document.header.method.rawValue)")
        }
        // Any stored state gives the prunable layout (a search stopped in round 0 has no level yet).
        let stored =
            document.levels.sorted { $0.key < $1.key }.map(\.value.state)
            + document.states.sorted { $0.key < $1.key }.map(\.value)
        guard let any = stored.first else { throw SearchConfigError("the file holds no model state to extend") }
        var search = old
        search.targets = old.targets + targets
        search = try search.resolved(layout: PrunableLayout(any.parameters))
        if search.targets == old.targets { return document }  // extended already: a plain resume
        guard search.rounds > old.rounds else {
            throw SearchConfigError("the search already runs to round \(old.rounds); give more rounds than that to extend it")
        }
        if document.progress.finished {
            guard let carry = document.levels[old.rounds]?.state else {
                throw SearchConfigError("the file has no level for its last round \(old.rounds)")
            }
            copy[state: .carry] = carry
            copy.progress.finished = false
        }
        copy.header.search = search
        copy.header.command += "; then: " + command
        return copy
    }
}
