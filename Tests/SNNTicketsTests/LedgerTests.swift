import SNNStore
import SNNTrain
import Testing

@testable import SNNTickets

/// MAC counts and the cost ledger's deterministic work.
@Suite("Cost ledger")
struct LedgerTests {
    /// `small` at width 0.125 on 28×28, by hand: conv1 1→4 (3×3, 28×28 out, once per image under
    /// direct coding), conv2 4→8 (14×14 out), fc1 392→16, fc2 16→10.
    @Test func macCountsOfTheSmallModelByHand() throws {
        let macs = try LayerGraph(Fixture.spec()).macs
        let conv1 = 4 * 1 * 9 * 28 * 28
        let conv2 = 8 * 4 * 9 * 14 * 14
        let fc1 = 392 * 16
        let fc2 = 16 * 10
        #expect(macs.forwardOnce == conv1)
        #expect(macs.forwardPerStep == conv2 + fc1 + fc2)
        #expect(macs.backwardOnce == conv1)  // the first conv needs no input gradient
        #expect(macs.backwardPerStep == 2 * (conv2 + fc1 + fc2))
        #expect(macs.forward(timeSteps: 5) == 5 * (conv2 + fc1 + fc2) + conv1)

        var repeated = Fixture.spec()
        repeated.encoding = .repeated
        let perStep = try LayerGraph(repeated).macs
        #expect(perStep.forwardOnce == 0 && perStep.forwardPerStep == conv1 + conv2 + fc1 + fc2)
        let ann = try LayerGraph(Fixture.spec().annTwin).macs
        #expect(ann.forward(timeSteps: 1) == conv1 + conv2 + fc1 + fc2)
    }

    @Test func ledgerRecordsAndMergesWork() throws {
        let macs = try LayerGraph(Fixture.spec()).macs
        var ledger = CostLedger()
        ledger.record(phase: "train", run: "round0", timeSteps: 5, images: 10, macs: macs, trained: true, seconds: 1)
        ledger.record(phase: "train", run: "round0", timeSteps: 5, images: 30, macs: macs, trained: true, seconds: 2)
        ledger.record(phase: "train", run: "round0", timeSteps: 3, images: 40, macs: macs, trained: true, seconds: 1)
        ledger.record(phase: "eval", run: "round0", timeSteps: 5, images: 20, macs: macs, trained: false, seconds: 5)
        #expect(ledger.entries.count == 3)
        let atFive = ledger.entries[0]
        let atThree = ledger.entries[1]
        #expect(atFive.images == 40 && atFive.seconds == 3)
        #expect(atFive.work == 40 * (macs.forward(timeSteps: 5) + macs.backward(timeSteps: 5)))
        // Early-time's saving is visible without timing: the same images at T = 3 cost less.
        #expect(Double(atThree.work) / Double(atFive.work) < 0.7)
        #expect(ledger.total().work == atFive.work + atThree.work)
        #expect(ledger.total().seconds == 4)
        #expect(ledger.total(excluding: []).work == atFive.work + atThree.work + 20 * macs.forward(timeSteps: 5))
    }

    @Test func sha256KnownVectors() {
        var empty = SHA256()
        #expect(empty.hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256()
        abc.update(Array("abc".utf8))
        #expect(abc.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = SHA256()
        long.update(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        #expect(long.hexDigest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        empty.update(repeatElement(UInt8(ascii: "a"), count: 1_000))
        #expect(empty.hexDigest() == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
