import ArgumentParser
import Notebook

extension Course {
    /// What `course` does with no arguments — a newcomer's first run: the lesson list, then every
    /// lesson in quick mode (seconds to a minute each), then where to read the results.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The first run: list the lessons, run them all in quick mode, say where the reports are.")

        func run() throws {
            print(List.table())
            print("\nRunning every lesson in quick mode (small budgets, so it takes minutes, not hours)…\n")
            defer {
                print("""

                    Read a lesson's report in a browser:   out/<lesson>/report.html  (also <lesson>.ipynb, report.md)
                    Lecture-quality run of one lesson:     course run <lesson>        (without --quick)
                    Options of every lesson:               course run <lesson> --help
                    """)
            }
            try All.parse(["--quick"]).run()
        }
    }
}
