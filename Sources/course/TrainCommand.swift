import ArgumentParser
import Autograd
import DeblurGAN
import Dispatch
import Foundation
import Imaging
import NN

extension Course {
    /// `course train`: trains a DeblurGAN preset into a checkpoint it resumes from, for as many
    /// sittings as it takes, and exports the finished generator with its provenance. The shipped
    /// model in Data/models/ was made by `course train --preset long --export Data/models/…`.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a DeblurGAN preset (resumable; Ctrl-C keeps a checkpoint) and export the generator.",
            discussion: """
                Presets: \(DeblurGANConfig.trainingPresets.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")). \
                The checkpoint (both networks, both optimisers, the step, the CPU time so far) is written every \
                --every steps and when the run is interrupted; running the same command again resumes it \
                bit-identically. Every --every steps the generator is scored on \(Train.validationCount) held-out \
                crops (PSNR gain over the blurred input). When the run is complete the generator alone is written to \
                --export with its recipe, seed, steps, CPU hours, training photos and commit in the metadata, and \
                its validation gain at every checkpoint beside it (x.safetensors → x-validation.csv).
                Exit codes: 0 done, 1 training diverged, 64 bad option, 66 a photo is missing, 74 a file cannot be written, \
                130/143 interrupted (the checkpoint is kept).
                """)

        static let validationCount = 8

        @Option(help: "The preset to train.") var preset = "long"
        @Option(help: ArgumentHelp("The resumable training checkpoint. Default: out/train/<preset>.safetensors.", valueName: "file"))
        var checkpoint: String?
        @Option(help: ArgumentHelp("Where to write the finished generator. Default: out/train/<preset>-generator.safetensors.", valueName: "file"))
        var export: String?
        @Option(help: "Checkpoint and validate every N steps.") var every = 250
        @Option(help: "Seed of the run (the lessons' default is 1).") var seed: UInt64 = 1
        @Option(help: "Threads for the engine (the result does not depend on it).") var threads = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: ArgumentHelp("Stop at this step (and export), short of the preset's end; a later run continues.", valueName: "step"))
        var until: Int?
        @Flag(help: "Start from scratch even if the checkpoint holds this run.") var restart = false

        var config: DeblurGANConfig? { DeblurGANConfig.trainingPresets.first { $0.name == preset }?.config }

        func validate() throws {
            guard config != nil else {
                throw ValidationError("unknown preset '\(preset)'; presets: \(DeblurGANConfig.trainingPresets.map(\.name).joined(separator: ", "))")
            }
            if let until, until < 1 { throw ValidationError("--until must be at least 1, got \(until)") }
            guard every >= 1 else { throw ValidationError("--every must be at least 1, got \(every)") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        }

        struct Interrupted: Error { let signal: Int32 }

        func run() throws {
            let config = config!
            let path = checkpoint ?? "out/train/\(preset).safetensors"
            let exportPath = export ?? "out/train/\(preset)-generator.safetensors"
            let fail = { (code: Int32, message: String) -> ExitCode in
                FileHandle.standardError.write(Data("course train: \(message)\n".utf8))
                return ExitCode(code)
            }
            func photos(_ names: [String]) throws -> [Image] { try recipePhotos(names) { fail(66, $0) } }
            Engine.setThreads(threads)
            let batches = DeblurRecipe.batches(try photos(DeblurRecipe.trainingPhotos), config: config, seed: seed &+ 17)
            let crops = DeblurRecipe.testCrops(try photos(DeblurRecipe.heldOutPhotos), count: Self.validationCount, size: 128,
                                               seed: seed &+ 1000)
            let blurred = crops.map { Metrics.psnr($0.blurred, $0.sharp) }.reduce(0, +) / Double(crops.count)

            let run: TrainingRun
            do {
                run = try TrainingRun(path: path, config: config, content: .l1, seed: seed,
                                      data: DeblurRecipe.trainingPhotoList, batches: batches, restart: restart)
            } catch { throw fail(74, "\(error)") }
            print(run.startMessage)
            // The code that trains is the code at the first step, not at export: later sittings
            // keep the commit the run started from.
            if run.trainer.notes["commit"] == nil, let commit = Self.gitCommit() { run.trainer.notes["commit"] = commit }
            let signals = SignalForwarding(note: "\n  (stopping after this step; the checkpoint will be kept)\n")
            let start = Date(), firstStep = run.trainer.step
            var lastLine = Date.distantPast
            do {
                try run.train(every: every, until: until, validate: { g in
                    let d = Deblurrer(generator: g)
                    return crops.map { Metrics.psnr(d.deblur(image: $0.blurred), $0.sharp) }.reduce(0, +) / Double(crops.count)
                }) { r in
                    if let v = r.validationPSNR { print(String(format: "  step %d: validation %+.2f dB over the blurred input", r.step.step, v - blurred)) }
                    if Date().timeIntervalSince(lastLine) >= 30 || r.step.step == config.steps {
                        lastLine = Date()
                        let perStep = Date().timeIntervalSince(start) / Double(r.step.step - firstStep)
                        let eta = perStep * Double(config.steps - r.step.step)
                        print(String(format: "  step %d / %d (%.1f %%)  %.2f s/step  ETA %@  CPU %.2f h in all", r.step.step, config.steps,
                                     100 * Double(r.step.step) / Double(config.steps), perStep, Self.duration(eta), r.cpuSeconds / 3600))
                    }
                    if let s = signals.received { throw Interrupted(signal: s) }
                }
            } catch let stop as Interrupted {
                do { try run.save() } catch { throw fail(74, "\(error)") }
                print("interrupted at step \(run.trainer.step): checkpoint kept at \(path); run the same command to resume")
                throw ExitCode(128 + stop.signal)
            } catch let diverged as TrainingDiverged {
                throw fail(1, "\(diverged)")
            } catch let error as ExitCode {
                throw error
            } catch { throw fail(74, "\(error)") }

            // The validation gain at every checkpoint, beside the exported generator.
            let curvePath = TrainingRun.sibling(of: exportPath, suffix: "-validation.csv")
            do {
                try run.exportGenerator(to: exportPath, provenance: provenance(startedAt: run.trainer.notes["commit"]))
                let rows = run.history.compactMap { r in
                    r.validationPSNR.map { String(format: "%d,%.4f,%.4f,%.4f,%.4f", r.step.step, r.cpuSeconds / 3600, $0, blurred, $0 - blurred) }
                }
                let text = (["step,cpu_hours,validation_psnr,blurred_psnr,gain_db"] + rows).joined(separator: "\n") + "\n"
                try Data(text.utf8).write(to: URL(fileURLWithPath: curvePath), options: .atomic)
            } catch { throw fail(74, "\(exportPath): \(error)") }
            print(String(format: "done: %d steps, %.2f CPU hours in all; generator → %@, its validation curve → %@",
                         run.trainer.step, run.cpuSeconds / 3600, exportPath, curvePath))
        }

        /// `commit` is the one training started from (runs begun before it was recorded: none);
        /// `exported_at_commit` is added when the export's differs.
        func provenance(startedAt: String?) -> [String: String] {
            var p = ["preset": preset, "training_photos": DeblurRecipe.trainingPhotoList,
                     "held_out_photos": DeblurRecipe.heldOutPhotos.joined(separator: " "),
                     "trained_by": "course train --preset \(preset) --seed \(seed)",
                     "exported": ISO8601DateFormatter().string(from: Date())]
            let now = Self.gitCommit()
            if let commit = startedAt ?? now { p["commit"] = commit }
            if let now, now != p["commit"] { p["exported_at_commit"] = now }
            return p
        }

        static func gitCommit() -> String? {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            git.arguments = ["git", "describe", "--always", "--dirty", "--abbrev=12"]
            let out = Pipe()
            git.standardOutput = out
            git.standardError = FileHandle.nullDevice
            guard (try? git.run()) != nil else { return nil }
            git.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return git.terminationStatus == 0 && !text.isEmpty ? text : nil
        }

        static func duration(_ seconds: Double) -> String {
            let s = Int(seconds.rounded())
            return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
        }
    }
}
