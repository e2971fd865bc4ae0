import ArgumentParser
import Course
import Foundation
import Notebook

extension Course {
    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every lesson in order: one line each, then a table. A failing lesson does not stop the others.",
            discussion: "Each lesson's full output goes to out/logs/<id>.log; its results to out/<id>/.")

        @OptionGroup var options: LessonOptions

        @Option(help: ArgumentHelp("Lessons run at once (default: cores ÷ threads). Results do not depend on it.", valueName: "n"))
        var jobs: Int?

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs).") }
            if options.only != nil || options.out != nil {
                throw ValidationError("--only and --out apply to one lesson; use `course run <id>`.")
            }
        }

        func run() throws {
            var sequence = LessonSequence(entries: Catalog.lessons, logFolder: "out/logs") { entry in
                var lessonOptions = options
                lessonOptions.out = "out/\(entry.id)"
                return lessonOptions
            }
            sequence.jobs = jobs ?? LessonSequence.defaultJobs(threads: options.threads)
            let (outcomes, interrupted) = try sequence.run()
            print()
            print("lesson".padding(20) + "status".padding(26) + "time".padding(10) + "artifacts")
            for o in outcomes {
                print(o.id.padding(20) + o.status.padding(26) + (o.seconds.map { String(format: "%.1f s", $0) } ?? "–").padding(10)
                      + (o.artifacts.map(String.init) ?? "–"))
            }
            if let interrupted { throw ExitCode(128 + interrupted) }
            if outcomes.contains(where: \.failed) { throw ExitCode.failure }
        }
    }
}
