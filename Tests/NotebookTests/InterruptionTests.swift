import Files
import Foundation
import Testing
@testable import Notebook

/// Ctrl-C and SIGTERM in the middle of real training, sent to the real executables: the deblurgan
/// lesson's quick training (SIGINT once its first checkpoint is on disk) and `course compare`'s GAN
/// training loop (SIGTERM once it reports progress). Each must stop with its exit code and a line
/// naming the interrupted cell, leave the previous report and artifacts byte for byte, remove its
/// staging folder and temporary files, and — for DeblurGAN — leave a complete, loadable checkpoint
/// with the history that matches it. (EndToEndTests does the same for the fixture lesson.)
@Suite(.serialized) struct InterruptionTests {
    /// A started program whose stdout and stderr go to files that can be read while it runs.
    struct Running {
        let process: Process
        let log: URL
        let errors: URL
        var stderr: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

        init(_ program: String, _ arguments: [String], in folder: URL) throws {
            process = Process()
            process.executableURL = productsFolder.appendingPathComponent(program)
            process.arguments = arguments
            process.currentDirectoryURL = folder
            log = folder.appendingPathComponent("\(program).log")
            errors = folder.appendingPathComponent("\(program).err")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
        }

        /// Waits (polling every 5 ms, at most `seconds`) until `condition` holds or the program ends.
        func wait(seconds: Double = 300, until condition: () -> Bool) {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, !condition(), Date() < deadline { usleep(5_000) }
        }

        func stop(with signal: Int32) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
    }

    /// Staging folders and temporary files (`.staging-<pid>`, `.<name>.tmp-<pid>-…`; the
    /// checkpoint writer uses the same pattern).
    func leftovers(_ folder: URL) -> [String] {
        snapshot(folder).keys.filter { $0.contains(".staging-") || $0.contains(AtomicFile.temporaryMarker) }
    }

    /// The step recorded in a safetensors checkpoint, after checking the file is complete: its
    /// header parses and its tensors cover the data section exactly.
    func completeCheckpointStep(_ url: URL) throws -> Int? {
        let bytes = try Data(contentsOf: url)
        let n = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + n))) as? [String: Any])
        let ends = header.compactMap { name, entry in name == "__metadata__" ? nil : ((entry as? [String: Any])?["data_offsets"] as? [Int])?.last }
        #expect(ends.max() == bytes.count - 8 - n, "the tensors do not cover the data: a torn file")
        return ((header["__metadata__"] as? [String: String])?["step"]).flatMap(Int.init)
    }

    @Test func ctrlCDuringDeblurGANTrainingKeepsTheReportAndTheLastCheckpoint() throws {
        let work = try temporaryFolder("interrupt-deblurgan")
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("out")
        // A complete earlier run (its first cell only: seconds) whose report must survive.
        let first = try runTool(productsFolder.appendingPathComponent("deblurgan").path, ["--quick", "--only", "1", "--out", out.path])
        #expect(first.status == 0, "\(first.output)\n\(first.error)")
        let before = snapshot(out)

        let checkpoint = out.appendingPathComponent("deblurgan-quick.safetensors")
        let run = try Running("deblurgan", ["--quick", "--force", "--out", out.path], in: work)
        run.wait { FileManager.default.fileExists(atPath: checkpoint.path) }
        #expect(run.process.isRunning, "training ended before its first checkpoint was seen")
        run.stop(with: SIGINT)

        #expect(run.process.terminationStatus == 130)
        #expect(run.stderr.contains("✗ interrupted in cell \"Train (or resume) and plot the training curves\"; previous outputs in "
                                    + "\(out.path) are unchanged"), "\(run.stderr)")
        var after = snapshot(out)
        let history = after.removeValue(forKey: "deblurgan-quick-history.csv")
        #expect(after.removeValue(forKey: checkpoint.lastPathComponent) != nil)
        after.removeValue(forKey: "deblurgan-quick-content-only.safetensors")  // written at step 36, if training got that far
        #expect(after == before, "the previous report or artifacts changed")
        #expect(leftovers(out).isEmpty, "\(leftovers(out))")

        // The checkpoint is a whole file from a checkpoint step (every 10 steps in quick mode), the
        // history beside it has exactly its steps, and `course deblur` loads its generator.
        let step = try #require(try completeCheckpointStep(checkpoint))
        #expect(step > 0 && step % 10 == 0, "checkpoint of step \(step)")
        let rows = String(decoding: try #require(history), as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(rows.count == step && rows.last?.hasPrefix("\(step),") == true)
        let deblurred = work.appendingPathComponent("deblurred.png")
        let deblur = try runTool(productsFolder.appendingPathComponent("course").path,
                                 ["deblur", packageRoot.appendingPathComponent("Tests/Fixtures/Inputs/rgb16.png").path, deblurred.path,
                                  "--checkpoint", checkpoint.path, "--threads", "1"])
        #expect(deblur.status == 0, "\(deblur.error)")
    }

    /// SIGKILL cannot be caught: what a killed run leaves — its staging folder, a half-written
    /// checkpoint (SafeTensors writes `.<name>.tmp-<pid>-…` like the runner) — is removed by the
    /// next run in that folder, once that process is gone; a live process's files are left alone.
    @Test func theNextRunRemovesWhatAKilledRunLeft() throws {
        let out = try temporaryFolder("killed")
        defer { try? FileManager.default.removeItem(at: out) }
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier, live = getpid()
        try FileManager.default.createDirectory(at: out.appendingPathComponent(".staging-\(dead)"), withIntermediateDirectories: true)
        for name in [".deblurgan-quick.safetensors.tmp-\(dead)-42", ".report.html.tmp-\(dead)-7", ".table.csv.tmp-\(live)-1"] {
            try Data("partial".utf8).write(to: out.appendingPathComponent(name))
        }
        let run = try runTool(productsFolder.appendingPathComponent("notebook-fixture").path, ["--quick", "--out", out.path])
        #expect(run.status == 0, "\(run.error)")
        #expect(leftovers(out) == [".table.csv.tmp-\(live)-1"])
    }

    @Test func sigtermDuringGANTrainingKeepsTheComparison() throws {
        let work = try temporaryFolder("interrupt-compare")
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("out")
        let first = try runTool(productsFolder.appendingPathComponent("course").path,
                                ["compare", "--quick", "--variants", "wgan-gp", "--steps", "10", "--out", out.path])
        #expect(first.status == 0, "\(first.output)\n\(first.error)")
        let before = snapshot(out)

        let run = try Running("course", ["compare", "--quick", "--variants", "wgan-gp", "--steps", "5000", "--out", out.path], in: work)
        run.wait { run.stderr.contains("generator steps: ") }
        #expect(run.process.isRunning, "training ended before it reported progress")
        run.stop(with: SIGTERM)

        #expect(run.process.terminationStatus == 143)
        #expect(run.stderr.contains("✗ terminated in cell \"wgan-gp on 8gaussians: 5000 steps × 1 seeds\"; previous outputs in "
                                    + "\(out.path) are unchanged"), "\(run.stderr)")
        #expect(snapshot(out) == before)
        #expect(leftovers(out).isEmpty, "\(leftovers(out))")
    }
}
