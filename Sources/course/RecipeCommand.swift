import ArgumentParser
import Autograd
import DeblurGAN
import Files
import Foundation
import Imaging
import Notebook

extension Course {
    /// `course recipe`: the measurement behind the deblurgan lesson's training recipe. Each trial
    /// changes one factor of its parent, trains for the same CPU budget on the training photos and
    /// is scored on held-out crops; rows are appended to a CSV, so an interrupted search resumes
    /// with the trials it has not done yet.
    struct Recipe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure what buys dB per CPU-minute in DeblurGAN training, one factor at a time.",
            discussion: """
                Every trial trains on synthetic photo-like blur of the training photos for --cpu-minutes of CPU \
                time (one thread, so a busy machine does not change the budget) and is scored --evaluations times \
                on \(Recipe.testCount) held-out \(Recipe.testSize)² crops of \(DeblurRecipe.heldOutPhotos.joined(separator: " and ")). \
                Rows (trial, parent, factor, step, CPU minutes, mean PSNR gain ± sd, share improved, PSNR and SSIM) \
                go to --csv; trials already there with the same budget and seed are skipped. A trial that can no longer \
                learn stops at that evaluation: its last ReLU has died (no channel fires on the test crops: "live 0/16"), \
                or every crop scores exactly as at the evaluation before. --list prints the trials.
                Exit codes: 0 done, 64 bad option or unknown trial, 66 a photo is missing, 74 the CSV cannot be written.
                """)

        static let testCount = 32, testSize = 128

        @Option(help: ArgumentHelp("Comma-separated trial names (default: all, in order).", valueName: "names")) var trials: String?
        @Option(help: "CPU minutes of training per trial.") var cpuMinutes = 3.0
        @Option(help: "Evaluations per trial, evenly spaced in CPU time.") var evaluations = 3
        @Option(help: "Seed of the trainings and the test crops.") var seed: UInt64 = 0
        @Option(help: ArgumentHelp("Where to append the rows.", valueName: "file")) var csv = "out/recipe/trials.csv"
        @Flag(help: "List the trials and exit.") var list = false

        func validate() throws {
            guard cpuMinutes > 0 else { throw ValidationError("--cpu-minutes must be positive, got \(cpuMinutes)") }
            guard evaluations >= 1 else { throw ValidationError("--evaluations must be at least 1, got \(evaluations)") }
            let known = Set(RecipeTrials.all.map(\.name))
            for name in selectedNames where !known.contains(name) {
                throw ValidationError("unknown trial '\(name)'; `course recipe --list` shows them")
            }
        }

        var selectedNames: [String] {
            trials.map { $0.split(separator: ",").map(String.init) } ?? RecipeTrials.all.map(\.name)
        }

        static let header = ["trial", "parent", "factor", "seed", "budget_cpu_minutes", "step", "content_only_steps", "cpu_minutes",
                             "gain_db_mean", "gain_db_sd", "improved_share", "psnr_blurred", "psnr_restored", "ssim_blurred", "ssim_restored"]

        func run() throws {
            if list {
                for t in RecipeTrials.all { print("\(t.name.padding(toLength: 22, withPad: " ", startingAt: 0)) ← \(t.parent.isEmpty ? "—" : t.parent): \(t.factor)") }
                return
            }
            Engine.setThreads(1)
            let fail = { (code: Int32, message: String) -> ExitCode in
                FileHandle.standardError.write(Data("course recipe: \(message)\n".utf8))
                return ExitCode(code)
            }
            func photos(_ names: [String]) throws -> [Image] { try recipePhotos(names) { fail(66, $0) } }
            let crops = DeblurRecipe.testCrops(try photos(DeblurRecipe.heldOutPhotos), count: Self.testCount, size: Self.testSize,
                                               seed: seed &+ 2000)
            var table = try CSVTable.appending(to: csv, header: Self.header)
            let budget = String(cpuMinutes)
            let done = Set(table.rows.filter { $0[3] == String(seed) && $0[4] == budget }.map { $0[0] })
            for name in selectedNames {
                guard let trial = RecipeTrials.all.first(where: { $0.name == name }) else { continue }
                if done.contains(name) { print("\(name): already measured in \(csv), skipped"); continue }
                print("\(name) (\(trial.factor)) for \(budget) CPU min …")
                let points = try trial.run(photos: try photos(trial.photos), crops: crops, cpuMinutes: cpuMinutes, evaluations: evaluations, seed: seed) { p in
                    print(String(format: "  step %5d  %.2f CPU min  gain %+.2f ± %.2f dB  %3.0f %% improved  SSIM %.3f → %.3f  live %d/%d",
                                 p.step, p.cpuMinutes, p.score.meanGain, p.score.sdGain, 100 * p.score.improvedShare,
                                 p.score.blurredSSIM, p.score.restoredSSIM, p.liveLast.live, p.liveLast.channels))
                    if let reason = p.stopReason { print("  stalled: \(reason), so the trial stops here") }
                }
                do {
                    try table.append(points.map { p in
                        [trial.name, trial.parent, trial.factor, String(seed), budget, String(p.step), String(p.contentOnlySteps),
                         String(format: "%.3f", p.cpuMinutes), String(format: "%.4f", p.score.meanGain), String(format: "%.4f", p.score.sdGain),
                         String(format: "%.4f", p.score.improvedShare), String(format: "%.4f", p.score.blurredPSNR),
                         String(format: "%.4f", p.score.restoredPSNR), String(format: "%.4f", p.score.blurredSSIM),
                         String(format: "%.4f", p.score.restoredSSIM)]
                    })
                } catch { throw fail(74, "\(csv): \(error)") }
            }
        }
    }
}

/// A CSV file rows are appended to, one trial at a time (each append rewrites the file atomically).
struct CSVTable {
    let path: String
    let header: [String]
    private(set) var rows: [[String]]

    static func appending(to path: String, header: [String]) throws -> CSVTable {
        var rows: [[String]] = []
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = CSV.parse(text)
            if lines.first == header { rows = Array(lines.dropFirst()) }
        }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        return CSVTable(path: path, header: header, rows: rows)
    }

    mutating func append(_ new: [[String]]) throws {
        try AtomicFile.write(CSV.text([header] + rows + new), to: URL(fileURLWithPath: path))
        rows += new
    }
}
