import Course
import Dispatch
import Files
import Foundation
import Notebook

/// How one lesson of a `LessonSequence` ended.
struct LessonOutcome {
    var id: String
    var status: String
    var seconds: Double? = nil
    var artifacts: Int? = nil
    var failed = false
    /// The lesson's own `✗ …` line, shown on its summary line.
    var reason: String? = nil

    var succeeded: Bool { status == "ok" }
}

/// Lessons run as child processes, `jobs` at a time — what `course all` and `course figures`
/// share. Each lesson's output goes to `<logFolder>/<id>.log`; the terminal gets one line per
/// lesson when it ends (and, one job at a time on a terminal, a "running…" line while it runs).
/// A failing lesson does not stop the others; Ctrl-C or SIGTERM is passed on to the running
/// lessons and stops the sequence. Outcomes come back in course order whatever the jobs.
struct LessonSequence {
    let entries: [CatalogEntry]
    let logFolder: String
    /// The options each lesson runs with (its own --out in particular).
    let options: (CatalogEntry) -> LessonOptions
    /// How many lessons run at once. Each lesson's numbers depend only on its seed and threads,
    /// so running several side by side changes the wall time, not the results.
    var jobs = 1

    /// As many lessons at once as the cores allow when each uses `threads` of them.
    static func defaultJobs(threads: Int) -> Int { max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, threads)) }

    /// The outcomes in order, and the signal that interrupted the sequence, if any.
    func run() throws -> (outcomes: [LessonOutcome], interrupted: Int32?) {
        let signals = SignalForwarding()
        let lock = NSLock()
        var outcomes = [LessonOutcome?](repeating: nil, count: entries.count)
        var next = 0, interrupted: Int32?, failure: Error?
        let live = jobs == 1 && isatty(STDOUT_FILENO) == 1

        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, entries.count))) { _ in
            while true {
                lock.lock()
                interrupted = interrupted ?? signals.received
                guard next < entries.count else { lock.unlock(); return }
                let n = next
                next += 1
                let stop = interrupted != nil || failure != nil
                lock.unlock()

                let entry = entries[n]
                let prefix = "[\(n + 1)/\(entries.count)] " + entry.id.padding(18)
                var outcome: LessonOutcome
                if stop {
                    outcome = LessonOutcome(id: entry.id, status: "not run (interrupted)")
                } else if !LessonExecutable(entry).isAvailable {
                    outcome = LessonOutcome(id: entry.id, status: "not yet available")
                } else {
                    if live { print(prefix + "running…", terminator: ""); fflush(stdout) }
                    do { outcome = try run(entry, signals) } catch {
                        lock.lock(); failure = failure ?? error; lock.unlock()
                        outcome = LessonOutcome(id: entry.id, status: "could not start", failed: true)
                    }
                    if live { print("\r\u{1B}[2K", terminator: "") }
                }
                lock.lock()
                if outcome.status.hasPrefix("interrupted") || outcome.status.hasPrefix("terminated") {
                    interrupted = interrupted ?? (outcome.status.hasPrefix("terminated") ? SIGTERM : SIGINT)
                }
                print(prefix + outcome.status
                      + (outcome.seconds.map { String(format: "  %.1f s", $0) } ?? "")
                      + (outcome.artifacts.map { "  \($0) artifacts" } ?? "")
                      + (outcome.reason.map { "  \($0)" } ?? ""))
                fflush(stdout)
                outcomes[n] = outcome
                lock.unlock()
            }
        }
        if let failure { throw failure }
        return (outcomes.map { $0! }, interrupted)
    }

    /// Runs one lesson executable with its output captured into its log.
    private func run(_ entry: CatalogEntry, _ signals: SignalForwarding) throws -> LessonOutcome {
        let process = Process()
        process.executableURL = LessonExecutable(entry).url
        let lessonOptions = options(entry)
        process.arguments = lessonOptions.arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let start = Date()
        try process.run()
        let pid = process.processIdentifier
        signals.started(pid)
        defer { signals.ended(pid) }
        let log = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        try AtomicFile.write(log, to: URL(fileURLWithPath: "\(logFolder)/\(entry.id).log"))

        let code = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            return LessonOutcome(id: entry.id, status: "crashed (signal \(code))", seconds: seconds, failed: true)
        }
        switch ExitStatus(rawValue: code) {
        case .success:
            let manifest = URL(fileURLWithPath: lessonOptions.out ?? "out/\(entry.id)").appendingPathComponent("manifest.json")
            let artifacts = (try? Data(contentsOf: manifest))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                .flatMap { $0["artifacts"] as? [Any] }?.count
            return LessonOutcome(id: entry.id, status: "ok", seconds: seconds, artifacts: artifacts)
        case .interrupted:
            return LessonOutcome(id: entry.id, status: "interrupted", seconds: seconds, failed: true)
        case .terminated:
            return LessonOutcome(id: entry.id, status: "terminated", seconds: seconds, failed: true)
        default:
            let reason = String(decoding: log, as: UTF8.self).split(separator: "\n").last { $0.contains("✗") }
                .map { String($0.drop { $0 != "✗" }) }
            return LessonOutcome(id: entry.id, status: "failed (exit \(code))", seconds: seconds, failed: true, reason: reason)
        }
    }
}
