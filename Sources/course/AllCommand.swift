import ArgumentParser
import Foundation
import Notebook

extension Course {
    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every lesson in order: one line each, then a table. A failing lesson does not stop the others.",
            discussion: "Each lesson's full output goes to out/logs/<id>.log; its results to out/<id>/.")

        @OptionGroup var options: LessonOptions

        func validate() throws {
            if options.only != nil || options.out != nil {
                throw ValidationError("--only and --out apply to one lesson; use `course run <id>`.")
            }
        }

        struct Outcome {
            var id: String
            var status: String
            var seconds: Double? = nil
            var artifacts: Int? = nil
            var failed = false
            /// The lesson's own `✗ …` line, shown on its summary line.
            var reason: String? = nil
        }

        func run() throws {
            let signals = SignalForwarding()
            var outcomes: [Outcome] = []
            var interrupted: Int32?
            for (n, entry) in Catalog.lessons.enumerated() {
                interrupted = interrupted ?? signals.received
                let prefix = "[\(n + 1)/\(Catalog.lessons.count)] " + entry.id.padding(18)
                let outcome: Outcome
                if interrupted != nil {
                    outcome = Outcome(id: entry.id, status: "not run (interrupted)")
                } else if !LessonExecutable(entry).isAvailable {
                    outcome = Outcome(id: entry.id, status: "not yet available")
                } else {
                    let live = isatty(STDOUT_FILENO) == 1
                    if live { print(prefix + "running…", terminator: ""); fflush(stdout) }
                    outcome = try runLesson(entry, signals)
                    if live { print("\r\u{1B}[2K", terminator: "") }
                    if outcome.status.hasPrefix("interrupted") || outcome.status.hasPrefix("terminated") {
                        interrupted = outcome.status.hasPrefix("terminated") ? SIGTERM : SIGINT
                    }
                }
                print(prefix + outcome.status
                      + (outcome.seconds.map { String(format: "  %.1f s", $0) } ?? "")
                      + (outcome.artifacts.map { "  \($0) artifacts" } ?? "")
                      + (outcome.reason.map { "  \($0)" } ?? ""))
                fflush(stdout)
                outcomes.append(outcome)
            }
            print()
            print("lesson".padding(20) + "status".padding(26) + "time".padding(10) + "artifacts")
            for o in outcomes {
                print(o.id.padding(20) + o.status.padding(26) + (o.seconds.map { String(format: "%.1f s", $0) } ?? "–").padding(10)
                      + (o.artifacts.map(String.init) ?? "–"))
            }
            if let interrupted { throw ExitCode(128 + interrupted) }
            if outcomes.contains(where: \.failed) { throw ExitCode.failure }
        }

        /// Runs one lesson executable with its output captured into its log.
        private func runLesson(_ entry: CatalogEntry, _ signals: SignalForwarding) throws -> Outcome {
            let process = Process()
            process.executableURL = LessonExecutable(entry).url
            var lessonOptions = options
            lessonOptions.out = "out/\(entry.id)"
            process.arguments = lessonOptions.arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            let start = Date()
            try process.run()
            signals.setChild(process.processIdentifier)
            defer { signals.setChild(0) }
            let log = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let seconds = Date().timeIntervalSince(start)
            try AtomicFile.write(log, to: URL(fileURLWithPath: "out/logs/\(entry.id).log"))

            let code = process.terminationStatus
            if process.terminationReason == .uncaughtSignal {
                return Outcome(id: entry.id, status: "crashed (signal \(code))", seconds: seconds, failed: true)
            }
            switch ExitStatus(rawValue: code) {
            case .success:
                let manifest = URL(fileURLWithPath: "out/\(entry.id)/manifest.json")
                let artifacts = (try? Data(contentsOf: manifest))
                    .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                    .flatMap { $0["artifacts"] as? [Any] }?.count
                return Outcome(id: entry.id, status: "ok", seconds: seconds, artifacts: artifacts)
            case .interrupted:
                return Outcome(id: entry.id, status: "interrupted", seconds: seconds, failed: true)
            case .terminated:
                return Outcome(id: entry.id, status: "terminated", seconds: seconds, failed: true)
            default:
                let reason = String(decoding: log, as: UTF8.self).split(separator: "\n").last { $0.contains("✗") }
                    .map { String($0.drop { $0 != "✗" }) }
                return Outcome(id: entry.id, status: "failed (exit \(code))", seconds: seconds, failed: true, reason: reason)
            }
        }
    }
}
