import Foundation
import SNNStore
import Testing

@testable import SNNTickets

/// Asking a ticket file for a level it does not have names the stored levels and says what to do.
@Suite("Missing ticket levels")
struct MissingLevelTests {
    @Test func aSearchStoppedBeforeItsFirstLevelSaysSo() throws {
        let path = Fixture.temporaryPath("unfinished.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Fixture.runSearch(SearchConfig(method: .imp, targets: [.rounds(1)]), path: path, stopAfter: 1)
        let file = try TicketFile.open(path)
        #expect(file.levels.isEmpty)
        let error = try #require(throws: TicketFileError.self) { try file.loadLevel(3) }
        #expect(error.reason == "has no level 3: the search has not finished any level yet")
        #expect(error.hint == "let 'snnc prune --resume' finish at least one level")
    }

    @Test func aLevelTheFileLacksListsTheStoredOnes() throws {
        let path = Fixture.temporaryPath("finished.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Fixture.runSearch(SearchConfig(method: .imp, targets: [.rounds(1)]), path: path)
        let error = try #require(throws: TicketFileError.self) { try TicketFile.open(path).loadLevel(7) }
        #expect(error.reason == "has no level 7 (levels: 0, 1)")
        #expect(error.hint?.hasPrefix("pass one of the stored levels with --level") == true)
    }
}
