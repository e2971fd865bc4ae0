import Foundation
import NN
import Testing

/// `course train` as a user runs it, cut to one or two steps of the lesson preset: it trains,
/// exports the generator with its provenance and its validation curve, and a second run with a
/// later `--until` resumes the checkpoint instead of starting over.
@Suite struct TrainCommandTests {
    @Test func trainsExportsWithProvenanceAndResumes() throws {
        let folder = try temporaryFolder("train")
        defer { try? FileManager.default.removeItem(at: folder) }
        let course = productsFolder.appendingPathComponent("course").path
        let checkpoint = folder.appendingPathComponent("run.safetensors").path
        let export = folder.appendingPathComponent("g.safetensors").path
        func train(until step: Int) throws -> ToolResult {
            try runTool(course, ["train", "--preset", "lesson", "--checkpoint", checkpoint, "--export", export,
                                 "--every", "1", "--until", String(step), "--threads", "1"], in: packageRoot)
        }

        let first = try train(until: 1)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("training lesson from scratch"))
        #expect(first.output.contains("step 1: validation"))
        let metadata = try SafeTensors.read(export, including: { _ in false }).metadata
        #expect(metadata["preset"] == "lesson")
        #expect(metadata["step"] == "1")
        #expect(metadata["training_photos"]?.split(separator: " ").count == 48 && metadata["training_photos"]?.hasSuffix("great_pyramid") == true)
        #expect(metadata["held_out_photos"] == "coffee camera")
        #expect(metadata["trained_by"] == "course train --preset lesson --seed 1")
        let started = try SafeTensors.read(checkpoint, including: { _ in false }).metadata["note.commit"]
        #expect(started != nil && metadata["commit"] == started, "the export names the commit its training started from")
        let curve = try String(contentsOfFile: folder.appendingPathComponent("g-validation.csv").path, encoding: .utf8)
            .split(separator: "\n")
        #expect(curve.first == "step,cpu_hours,validation_psnr,blurred_psnr,gain_db")
        #expect(curve.count == 2 && curve[1].hasPrefix("1,"))

        let second = try train(until: 2)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("resuming \(checkpoint) at step 1 of 24000"))
        #expect(try SafeTensors.read(export, including: { _ in false }).metadata["step"] == "2")
        #expect(try String(contentsOfFile: folder.appendingPathComponent("g-validation.csv").path, encoding: .utf8)
            .split(separator: "\n").count == 3)
    }

    @Test func ctrlCKeepsTheCheckpointAndExportsNothing() throws {
        let folder = try temporaryFolder("train-interrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("run.safetensors"), export = folder.appendingPathComponent("g.safetensors")
        let log = folder.appendingPathComponent("train.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent("course")
        process.arguments = ["train", "--preset", "lesson", "--checkpoint", checkpoint.path, "--export", export.path,
                             "--every", "1", "--threads", "1"]
        process.currentDirectoryURL = packageRoot
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, !FileManager.default.fileExists(atPath: checkpoint.path), Date() < deadline { usleep(20_000) }
        #expect(process.isRunning, "training ended before its first checkpoint")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(output.contains("interrupted at step") && output.contains("run the same command to resume"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        #expect(!FileManager.default.fileExists(atPath: export.path), "an interrupted run exports nothing")
    }
}
