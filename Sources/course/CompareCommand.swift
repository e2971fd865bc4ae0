import ArgumentParser
import Course
import Foundation
import GANKit
import Notebook

extension Course {
    /// `course compare`: the loss variants side by side. It runs as a one-cell lesson ("compare"),
    /// so it has the lesson runner's outputs (report.html, report.md, .ipynb, manifest.json),
    /// atomic writes, Ctrl-C handling and cache: running it again with the same settings replays
    /// the stored results unless `--force`.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train loss variants on the same data, seeds, architecture and step budget; write one table and one figure grid.",
            discussion: """
                Writes into --out (default out/compare/): table.csv and table.md (per variant, mean ± sd over seeds: \
                modes covered, high-quality share, sliced W₁, final losses, wall time, diverged runs), runs.csv (one row \
                per run), grid.png/.svg (rows: variants, columns: snapshots over training, first seed), report.html, \
                manifest.json, curves.csv and summary.png/.svg (a column per variant: the final samples of the first seed, then modes \
                covered and sliced W₁ against step, mean ± sd over seeds). Seeds are --seed, --seed + 1, …. Defaults: \(Compare.fullSteps) steps × \(Compare.fullSeeds) \
                seeds (a few minutes on 2 cores); --quick: \(Compare.quickSteps) steps × \(Compare.quickSeeds) seed (under a minute).
                """)

        static let fullSteps = 600, fullSeeds = 3, quickSteps = 120, quickSeeds = 1

        @Option(help: ArgumentHelp("Comma-separated loss variants: \(GANLoss.allNames.joined(separator: ",")).", valueName: "names"))
        var variants: String = GANLoss.allNames.joined(separator: ",")

        @Option(help: ArgumentHelp("Toy data: \(ToyData.allCases.map(\.rawValue).joined(separator: "|")).", valueName: "name"))
        var dataset: String = ToyData.eightGaussians.rawValue

        @Option(parsing: .unconditional, help: "Generator steps per run (default \(Compare.fullSteps); \(Compare.quickSteps) with --quick).")
        var steps: Int?

        @Option(parsing: .unconditional, help: "Seeds per variant (default \(Compare.fullSeeds); \(Compare.quickSeeds) with --quick).")
        var seeds: Int?

        @OptionGroup var options: LessonOptions

        func validate() throws {
            _ = try parsedVariants()
            guard ToyData(rawValue: dataset) != nil else {
                throw ValidationError("unknown dataset \"\(dataset)\"; datasets: \(ToyData.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps).") }
            if let seeds, seeds <= 0 { throw ValidationError("--seeds must be positive, got \(seeds).") }
            if options.only != nil { throw ValidationError("--only does not apply: `course compare` has one cell.") }
        }

        func parsedVariants() throws -> [GANLoss] {
            let names = variants.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--variants needs at least one name.") }
            return try names.enumerated().map { i, name in
                guard let loss = GANLoss(name: name) else {
                    throw ValidationError("unknown variant \"\(name)\"; variants: \(GANLoss.allNames.joined(separator: ", "))")
                }
                if names[..<i].contains(name) { throw ValidationError("variant \"\(name)\" is listed twice.") }
                return loss
            }
        }

        /// The comparison these options describe; the lesson's "every loss variant" cell uses the same
        /// architecture and learning-rate scale.
        func comparison() throws -> GANComparison {
            let k = seeds ?? (options.quick ? Compare.quickSeeds : Compare.fullSeeds)
            return GANComparison(variants: try parsedVariants(), data: ToyData(rawValue: dataset)!,
                                 steps: steps ?? (options.quick ? Compare.quickSteps : Compare.fullSteps),
                                 seeds: (0..<UInt64(k)).map { options.seed &+ $0 })
        }

        func run() throws {
            let comparison = try comparison()
            var options = self.options
            options.out = options.out ?? "out/compare"
            let lesson = Lesson("compare", title: "Loss variants side by side")
            lesson.markdown("""
                Every variant is trained on the same toy data, from the same seeds, with the same MLPs
                (generator z ↦ x and discriminator/critic x ↦ score), batch, n_critic and number of generator
                steps. Each variant keeps the optimiser it is normally trained with (Adam β = (0.5, 0.9) for all
                but WGAN with clipping, which uses RMSProp); the discriminator's learning rate is 10× its
                reference value and the generator's is the reference (a two time-scale update), so that a
                few hundred steps on a CPU get somewhere.
                Modes covered / high-quality share: a sample is high quality within 3σ of a mode; a mode is
                covered when it gets at least a fifth of its even share of those. Sliced W₁: against a fresh
                real sample; lower is better.
                """)
            // The settings are in the title, so they enter the cell's cache key.
            let names = comparison.variants.map(\.name).joined(separator: ", ")
            lesson.cell("\(names) on \(comparison.data.rawValue): \(comparison.steps) steps × \(comparison.seeds.count) seeds") { ctx in
                let result = try comparison.runAll { try ctx.progress($0, of: $1, label: "generator steps") }
                try result.write(to: ctx, table: "table", runs: "runs", curves: "curves", summary: "summary", grid: "grid",
                                 title: "Loss variants on \(comparison.data.rawValue)")
            }
            let status = lesson.run(options)
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
