import ArgumentParser
import Course
import Files
import Foundation
import Notebook

extension Course {
    /// `course figures`: runs the lessons that draw the lecture's figures and copies each slide
    /// figure (`SlideFigures.all`) under its stable name, where `course slides` finds it.
    struct Figures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate the lecture's figures: run the lessons, copy each slide figure to Slides/figures/<name>.png.",
            discussion: """
                Each lesson runs with its own output folder, out/figures/<lesson>/ (--quick: out/figures-quick/<lesson>/), \
                so its cell cache makes a second run fast; the lessons' logs go to out/figures/logs/ (--quick: \
                out/figures-quick/logs/). The figures go to \
                Slides/figures/ (--quick: out/slides-quick/figures/, so quick figures never replace the lecture-quality \
                ones; `course slides --quick` builds from there). Run from the package root. A figure's time is its \
                cell's wall time. Default-quality figures take the lessons' full budgets (tens of minutes, most of it \
                DeblurGAN's training).

                Exit codes: 0 success; 1 a lesson failed; 64 usage error; 66 a lesson finished without a figure the \
                lecture needs (or the Slides folder is missing); 69 a lesson's executable is not available; 74 a figure \
                cannot be written; 130/143 interrupted.
                """)

        @Flag(help: "Small budgets (seconds to a minute per lesson); the figures go to out/slides-quick/figures/.")
        var quick = false

        @Option(help: "Seed of every random number in the lessons (the committed figures use the default).")
        var seed: UInt64 = 1

        @Option(help: "Threads for the engine in each lesson.")
        var threads: Int = 1

        @Option(help: ArgumentHelp("Lessons run at once (default: cores ÷ threads). The figures do not depend on it.", valueName: "n"))
        var jobs: Int?

        @Option(help: ArgumentHelp("Comma-separated lesson ids to run (default: every lesson with a slide figure).", valueName: "lessons"))
        var only: String?

        func validate() throws {
            _ = try lessons()
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs).") }
        }

        /// The lessons to run, in course order.
        func lessons() throws -> [CatalogEntry] {
            guard let only else { return SlideFigures.lessons }
            let ids = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty else { throw ValidationError("--only needs at least one lesson id.") }
            for id in ids where !SlideFigures.lessons.contains(where: { $0.id == id }) {
                _ = try lessonEntry(id)
                throw ValidationError("lesson \"\(id)\" draws no slide figure; lessons with slide figures: "
                                      + SlideFigures.lessons.map(\.id).joined(separator: ", "))
            }
            return SlideFigures.lessons.filter { ids.contains($0.id) }
        }

        /// Where lesson `id` writes its outputs, and where the slide figures go.
        func lessonFolder(_ id: String) -> String { (quick ? "out/figures-quick/" : "out/figures/") + id }
        var figureFolder: URL { URL(fileURLWithPath: quick ? "out/slides-quick/figures" : "Slides/figures") }

        func run() throws {
            if !quick && !FileManager.default.fileExists(atPath: "Slides") {
                throw oneLineError("figures", 66, "no Slides folder in \(FileManager.default.currentDirectoryPath): run it from the package root")
            }
            let entries = try lessons()
            let options = Dictionary(uniqueKeysWithValues: try entries.map { entry in
                (entry.id, try LessonOptions.parse((quick ? ["--quick"] : []) + ["--seed", "\(seed)", "--threads", "\(threads)",
                                                                                 "--out", lessonFolder(entry.id)]))
            })
            var sequence = LessonSequence(entries: entries, logFolder: quick ? "out/figures-quick/logs" : "out/figures/logs") { options[$0.id]! }
            sequence.jobs = jobs ?? LessonSequence.defaultJobs(threads: threads)
            let (outcomes, interrupted) = try sequence.run()
            if let interrupted { throw ExitCode(128 + interrupted) }

            var rows: [[String]] = [], problems: [(code: Int32, message: String)] = []
            for outcome in outcomes where outcome.succeeded {
                for figure in SlideFigures.all where figure.lesson == outcome.id {
                    let output: DrawnFigure
                    do { output = try figure.output(in: URL(fileURLWithPath: lessonFolder(figure.lesson))) } catch {
                        problems.append((66, "\(error)"))
                        continue
                    }
                    let destination = figureFolder.appendingPathComponent("\(figure.name).png")
                    do { try AtomicFile.write(Data(contentsOf: output.png), to: destination) } catch {
                        problems.append((74, "cannot write \(destination.relativePath): \(error)"))
                        continue
                    }
                    rows.append([figure.name, "\(figure.lesson)/\(figure.artifact)", figure.cellID,
                                 String(format: "%.1f s", output.seconds) + (output.cached ? " (cached)" : "")])
                }
            }
            print()
            print(Figures.table(header: ["figure", "lesson", "cell", "time"], rows: rows))
            let expected = SlideFigures.all.filter { figure in entries.contains { $0.id == figure.lesson } }
            print("\n\(rows.count) of \(expected.count) figures copied to \(figureFolder.relativePath)/")
            let codes = problems.map { oneLineError("figures", $0.code, $0.message) }
            if outcomes.contains(where: \.failed) { throw ExitCode.failure }
            if outcomes.contains(where: { $0.status == "not yet available" }) { throw ExitCode(ExitStatus.unavailable.rawValue) }
            if let code = codes.first { throw code }
        }

        /// Columns padded to their widest cell.
        static func table(header: [String], rows: [[String]]) -> String {
            let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max()! + 2 }
            return ([header] + rows).map { row in
                zip(row, widths).map { $0.padding($1) }.joined().trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\n")
        }
    }
}
