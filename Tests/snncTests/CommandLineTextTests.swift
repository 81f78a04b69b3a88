import Foundation
import SNNIR
import SNNTrain
import Testing

@testable import snnc

/// How snnc records its invocation in the files it writes, and reads the record back.
@Suite("recorded command lines")
struct CommandLineTextTests {
    @Test func awkwardWordsAreQuotedAndSplitBackExactly() {
        let words = [
            "snnc", "prune", "--data-dir", "/data/my images", "-o", "it's.h5", "--budget", "memory=1MiB,cores=32",
            "", "a\\b", "$HOME", "tab\there", "naïve", "--lr", "0.1",
        ]
        let line = CommandLineText.line(words)
        #expect(CommandLineText.words(line) == words)
        // Words a shell leaves alone stay as typed; the rest are single-quoted.
        #expect(line.hasPrefix("snnc prune --data-dir '/data/my images' -o 'it'\\''s.h5' --budget memory=1MiB,cores=32 '' "))
        #expect(line.hasSuffix(" naïve --lr 0.1"))
    }

    @Test func recordsWrittenBeforeQuotingSplitAsBefore() {
        let old = "/work/bin/snnc-5bed69c prune --from ../repro2/tickets/dense-s0.h5 --method imp -o tickets/a.h5"
        #expect(CommandLineText.words(old) == old.split(separator: " ").map(String.init))
        #expect(CommandLineText.words("  a  b ") == ["a", "b"])
    }

    /// A sweep compares a file's recorded options with its own: a quoted path with a space is one
    /// value, not two words.
    @Test func quotedValuesCompareAsOneOption() {
        let run = ["prune", "--from", "/data/my dense.h5", "--rounds", "2", "-o", "out/a.h5"]
        let recorded = CommandLineText.line(["snnc"] + run)
        #expect(RecordedCommand.differences(recorded: recorded, run: run).isEmpty)
        let other = CommandLineText.line(["snnc", "prune", "--from", "/data/other dense.h5", "--rounds", "2"])
        #expect(RecordedCommand.differences(recorded: other, run: run).map(\.key) == ["--from"])
    }

    /// `--key=value` in a recorded command is the same option as `--key value` in a sweep's run;
    /// a repeated option compares all its values, in order.
    @Test func equalsFormsAndRepeatedOptionsCompareByValue() {
        let run = ["prune", "--rounds", "3", "--target", "edge", "--target", "loihi", "-o", "a.h5"]
        #expect(RecordedCommand.differences(recorded: "snnc prune --rounds=3 --target edge --target=loihi -o b.h5", run: run).isEmpty)
        let swapped = RecordedCommand.differences(recorded: "snnc prune --rounds 3 --target loihi --target edge", run: run)
        #expect(swapped.map(\.key) == ["--target"] && swapped.first?.recorded == "loihi edge" && swapped.first?.sweep == "edge loihi")
        #expect(
            RecordedCommand.differences(recorded: "snnc prune --rounds=4 --target edge --target loihi", run: run).map(\.key) == ["--rounds"]
        )
    }

    /// A calibration's source: the level and weight scaling of the recorded export, in any form
    /// of the options; `--clip-percentile 100` is max-abs; no scaling for a command not an export.
    @Test func aCalibrationSourceReadsTheRecordedExport() {
        func source(_ command: String) -> CalibrationFile.Source {
            CalibrationFile.Source(
                provenance: Provenance(
                    sourceFile: "t.h5", sourceSHA256: "ab", command: command, toolVersion: "x", target: "edge", createdUTC: "now"))
        }
        let clipped = source("snnc export t.h5 --level=2 --clip-percentile=99.9 -o m.snn.h5")
        #expect(clipped.level == 2 && clipped.scale == "percentile" && clipped.clipPercentile == 99.9)
        #expect(clipped.scaleText == "--clip-percentile 99.9")
        let full = source("snnc export t.h5 --level 1 --clip-percentile 100 -o m.snn.h5")
        #expect(full.scale == "max-abs" && full.clipPercentile == nil && full.scaleText == "max-abs weight scales")
        #expect(source("snnc export t.h5 -o m.snn.h5").scale == "max-abs")
        let imported = source("snnc import m.nir -o m.h5")
        #expect(imported.scale == nil && imported.scaleText == nil && imported.level == nil)
    }

    /// A checkpoint records `snnc …`, not the path of the binary that ran, and a path with a space
    /// in it reads back as one word.
    @Test func aCheckpointRecordsTheCommandAsTyped() throws {
        let folder = NSTemporaryDirectory() + "snnc cli " + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model one.h5"
        let arguments = [
            "train", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", CLITests.fixtures,
            "--train-subset", "100", "--test-subset", "50", "--batch-size", "50", "--epochs", "1", "-o", path,
        ]
        let trained = try CLITests().run(arguments)
        #expect(trained.status == 0, "\(trained.stderr)")
        let command = try #require(try Checkpoint.load(from: path).notes["command"])
        #expect(command.hasPrefix("snnc train --model small"))
        #expect(CommandLineText.words(command) == ["snnc"] + arguments)
    }

    /// One reading of a recorded command's options: values after the option or after `=`,
    /// flags given by name or followed by another option, a negative number taken as a value.
    @Test func optionsAreReadOnceForEveryCaller() {
        let words = ["snnc", "export", "t.h5", "--level", "-1", "--force", "m.h5", "--clip=99.9", "--json", "-o", "x.h5", "--quiet"]
        typealias Option = CommandLineText.Option
        #expect(
            CommandLineText.options(in: words, flags: ["--force"]) == [
                Option(name: "--level", value: "-1", words: 3..<5), Option(name: "--force", value: nil, words: 5..<6),
                Option(name: "--clip", value: "99.9", words: 7..<8), Option(name: "--json", value: nil, words: 8..<9),
                Option(name: "-o", value: "x.h5", words: 9..<11), Option(name: "--quiet", value: nil, words: 11..<12),
            ])
        // Without knowing --force is a flag, the next word is taken as its value.
        #expect(CommandLineText.options(in: words).first { $0.name == "--force" }?.value == "m.h5")
        #expect(ComparisonSource.level(inCommand: "snnc export t.h5 --level 3 -o m.h5") == 3)
        #expect(ComparisonSource.level(inCommand: "snnc export t.h5 --level=4") == 4)
        #expect(ComparisonSource.level(inCommand: "snnc export t.h5 --level x") == nil)
        #expect(ComparisonSource.level(inCommand: "snnc export t.h5") == nil)
    }

    /// `simulate --calibration-out`'s next step: the recorded export with the calibration instead
    /// of an estimate option, every other option (level, target path, clipping, output) kept.
    @Test func theExportToRunAgainKeepsTheRecordedOptions() {
        let recorded =
            "snnc export 'my tickets.h5' --level 3 --target ./chips/edge2.toml --clip-percentile 99.9 "
            + "--assume-rate 0.2 --force -o out/m.snn.h5"
        #expect(
            SNNC.Simulate.exportAgain(recorded, "cal.json")
                == "snnc export 'my tickets.h5' --level 3 --target ./chips/edge2.toml --clip-percentile 99.9 -o out/m.snn.h5 "
                + "--calibration cal.json --force")
        #expect(
            SNNC.Simulate.exportAgain("snnc export m.h5 --calibration=old.json -o m.snn.h5", "new.json")
                == "snnc export m.h5 -o m.snn.h5 --calibration new.json --force")
        #expect(SNNC.Simulate.exportAgain("snnc prune --method imp -o t.h5", "cal.json") == nil)
    }
}
