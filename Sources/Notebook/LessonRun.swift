import Autograd
import Files
import Foundation

/// One run of a lesson: decides per cell whether to run it or replay its cache, executes the
/// cells with artifacts going to a staging folder, and only when every cell succeeded moves the
/// artifacts into place and writes the reports. A failure or interrupt deletes the staging folder,
/// so the previous complete outputs stay as they were.
final class LessonRun {
    let lesson: Lesson
    let options: LessonOptions
    let terminal: Terminal
    let provenance = Provenance()
    let outDir: URL
    let staging: URL
    private var claimed: [String: String] = [:]
    private let started = Date()
    /// The report so far, for the live view.
    private var entries: [Report.Entry] = []
    private var running = ""
    private var lastLiveWrite = Date.distantPast
    /// The live view: the report so far, rewritten after every cell and every few seconds of
    /// progress, refreshing itself in the browser; when the run ends it forwards to report.html
    /// (or says why the run stopped). It is the run's status page, not one of its outputs.
    var liveFile: URL { outDir.appendingPathComponent("live.html") }
    /// sha256 of the lesson's source, for the manifest (read once: the live view writes a manifest often).
    private lazy var lessonSourceDigest = lesson.sourceFile.flatMap { SHA256.hex(fileAt: URL(fileURLWithPath: $0)) }

    init(lesson: Lesson, options: LessonOptions) {
        self.lesson = lesson
        self.options = options
        terminal = Terminal(noColor: options.noColor)
        outDir = URL(fileURLWithPath: options.out ?? "out/\(lesson.id)").standardizedFileURL
        staging = outDir.appendingPathComponent(".staging-\(getpid())")
    }

    /// Reserves an artifact file name for this run; names are plain and unique across cells.
    func claim(artifact file: String, by owner: String) throws -> String {
        guard isPlainFileName(file) else {
            throw CellError("artifact name \"\(file)\" must be a plain file name")
        }
        if let other = claimed[file] { throw CellError("\(owner) writes \(file), which \(other) already wrote") }
        claimed[file] = owner
        return file
    }

    func execute() -> ExitStatus {
        Interrupts.shared.install()
        Engine.setThreads(options.threads)
        let cells = lesson.cells
        var selected: Cell?
        if let only = options.only {
            guard let cell = LessonRun.find(only, in: cells) else {
                terminal.note("✗ no cell \"\(only)\" in \(lesson.id); cells: "
                              + cells.enumerated().map { "\($0.offset + 1) \($0.element.id)" }.joined(separator: ", "))
                return .usage
            }
            selected = cell
        }
        do {
            try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
            removeLeftovers()
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            terminal.note("✗ cannot prepare \(outDir.path): \(error.localizedDescription)")
            return .ioError
        }
        Interrupts.shared.guardStaging(staging)
        lesson.sharedValues.forEach { $0.reset() }

        terminal.line(terminal.paint(lesson.title, .boldCyan) + terminal.paint("  (\(lesson.id)\(options.quick ? ", quick" : "")"
                      + ", seed \(options.seed), \(options.threads) thread\(options.threads == 1 ? "" : "s"))", .dim))
        let renderer = TerminalRenderer(terminal: terminal)
        let previous = CacheStore(outDir: outDir).load()
        let keys = CacheKeys(lesson: lesson, options: options, provenance: provenance)
        entries = []
        running = "starting"
        writeLive(.running(cell: running, step: nil, total: nil, label: nil))
        if options.open { openInBrowser(liveFile) }
        var number = 0
        var lastTitle: String?

        for item in lesson.items {
            switch item {
            case .prose(let text, _):
                renderer.render(Markdown.parse(text)).forEach { terminal.line($0) }
                entries.append(.prose(text))
            case .cell(let cell):
                number += 1
                if let signal = Interrupts.shared.received {
                    return abandon(LessonInterrupted(signal: signal), after: lastTitle)
                }
                let key = keys.key(for: cell)
                let isSelected = selected == nil || selected === cell
                let old = previous[cell.id].flatMap { CacheStore.artifactsIntact($0, in: outDir) ? $0 : nil }
                let header = terminal.paint("▶ [\(number)/\(cells.count)] ", .dim) + terminal.paint(cell.title, .bold)
                terminal.line()
                if let old, old.key == key, !(options.force && isSelected) {
                    replay(old, header: header, status: .cached)
                    entries.append(.cell(old, .cached, number))
                } else if !isSelected {
                    let status: CellStatus = old == nil ? .skipped : .stale
                    replay(old, header: header, status: status)
                    entries.append(.cell(old ?? CellRecord(id: cell.id, title: cell.title, key: "", source: keys.displaySource(of: cell), seconds: 0), status, number))
                } else {
                    terminal.line(header)
                    running = "[\(number)/\(cells.count)] \(cell.title)"
                    writeLive(.running(cell: running, step: nil, total: nil, label: nil))
                    let context = CellContext(run: self, owner: "cell \"\(cell.title)\"", streamName: "cell/\(cell.id)",
                                              uses: cell.uses, data: cell.data,
                                              record: CellRecord(id: cell.id, title: cell.title, key: key,
                                                                 source: keys.displaySource(of: cell), seconds: 0))
                    let start = Date()
                    do {
                        try cell.body(context)
                        context.finishProgress()
                    } catch {
                        context.finishProgress()
                        return abandon(error, in: cell.title)
                    }
                    context.record.seconds = Date().timeIntervalSince(start)
                    terminal.line("  " + terminal.paint("✓ \(formatSeconds(context.record.seconds))", .green))
                    entries.append(.cell(context.record, .ran, number))
                }
                lastTitle = cell.title
            }
        }
        if let signal = Interrupts.shared.received { return abandon(LessonInterrupted(signal: signal), after: lastTitle) }
        return commit(entries, previous: previous)
    }

    /// Shows a stored record as if it had just run, marked with how it was obtained.
    private func replay(_ record: CellRecord?, header: String, status: CellStatus) {
        let note: String
        switch status {
        case .cached: note = terminal.paint("  cached", .yellow)
        case .stale: note = terminal.paint("  not run (--only); showing outdated outputs", .yellow)
        case .skipped: note = terminal.paint("  not run (--only); no previous outputs", .yellow)
        case .ran: note = ""
        }
        terminal.line(header + note)
        guard let record else { return }
        for output in record.outputs {
            if output.kind == .text, let text = output.text {
                terminal.line(text.components(separatedBy: "\n").map { "  " + terminal.paint($0, .dim) }.joined(separator: "\n"))
            } else if let file = output.file {
                terminal.line("  " + terminal.paint("→ \(file) (\(status == .cached ? "cached" : "outdated"))", .dim))
            }
        }
        for artifact in record.artifacts { _ = try? claim(artifact: artifact.file, by: "cell \"\(record.title)\"") }
        for metric in record.metrics {
            terminal.line("  " + terminal.paint("◆ \(metric.name) = \(formatNumber(metric.value))", .dim))
        }
    }

    /// Ends a run that cannot complete: discards the staging folder and says what happened.
    private func abandon(_ error: Error, in cellTitle: String? = nil, after previousTitle: String? = nil) -> ExitStatus {
        try? FileManager.default.removeItem(at: staging)
        Interrupts.shared.guardStaging(nil)
        let signal = (error as? LessonInterrupted)?.signal ?? Interrupts.shared.received
        let place = cellTitle.map { "in cell \"\($0)\"" } ?? previousTitle.map { "after cell \"\($0)\"" } ?? "before the first cell"
        entries = []
        writeLive(.stopped(signal.map { "\($0 == SIGTERM ? "terminated" : "interrupted") \(place)" } ?? "cell \"\(cellTitle ?? "?")\" failed: \(error)"))
        if let signal {
            terminal.note(terminal.paint("✗ \(signal == SIGTERM ? "terminated" : "interrupted") \(place)", .boldRed)
                          + "; previous outputs in \(outDir.path) are unchanged")
            return signal == SIGTERM ? .terminated : .interrupted
        }
        terminal.note(terminal.paint("✗ cell \"\(cellTitle ?? "?")\" failed: \(error)", .boldRed))
        terminal.note("  previous outputs in \(outDir.path) are unchanged")
        return .cellFailed
    }

    /// Moves this run's artifacts into place and writes the reports, each file atomically.
    /// Signals wait until this is done (it takes milliseconds).
    private func commit(_ entries: [Report.Entry], previous: [String: CellRecord]) -> ExitStatus {
        Interrupts.shared.setCommitting(true)
        defer { Interrupts.shared.setCommitting(false) }
        let records = Self.records(of: entries)
        do {
            for (record, status) in records where status == .ran {
                for artifact in record.artifacts {
                    try AtomicFile.move(staging.appendingPathComponent(artifact.file), to: outDir.appendingPathComponent(artifact.file))
                }
            }
            try? FileManager.default.removeItem(at: staging)
            Interrupts.shared.guardStaging(nil)
            let current = Set(records.flatMap { $0.0.artifacts.map(\.file) })
            for file in previous.values.flatMap({ $0.artifacts.map(\.file) }) where !current.contains(file) {
                try? FileManager.default.removeItem(at: outDir.appendingPathComponent(file))
            }
            let manifest = makeManifest(records)
            let report = Report(lessonID: lesson.id, title: lesson.title, entries: entries, manifest: manifest, outDir: outDir)
            var store: [String: CellRecord] = [:]
            for (record, status) in records where status != .skipped { store[record.id] = record }
            try CacheStore(outDir: outDir).save(store)
            try AtomicFile.write(try JSON.encode(manifest), to: outDir.appendingPathComponent("manifest.json"))
            try AtomicFile.write(MarkdownReport.render(report), to: outDir.appendingPathComponent("report.md"))
            try AtomicFile.write(try NotebookFile.render(report), to: outDir.appendingPathComponent("\(lesson.id).ipynb"))
            try AtomicFile.write(HTMLReport.render(report), to: outDir.appendingPathComponent("report.html"))
            try? AtomicFile.write(HTMLReport.redirectToReport, to: liveFile)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            terminal.note(terminal.paint("✗ could not write the outputs of \(lesson.id): \(error)", .boldRed))
            return .ioError
        }
        let ran = records.filter { $0.1 == .ran }.count, cached = records.filter { $0.1 == .cached }.count
        let notRun = records.count - ran - cached
        terminal.line()
        terminal.line(terminal.paint("✓ \(lesson.id)", .boldGreen) + ": \(records.count) cells (\(ran) ran, \(cached) cached"
                      + (notRun > 0 ? ", \(notRun) not run" : "") + ") in \(formatSeconds(Date().timeIntervalSince(started)))"
                      + " → \(outDir.appendingPathComponent("report.html").path)")
        return .success
    }

    /// Rewrites the live view; a failure to write it never stops the run.
    private func writeLive(_ state: HTMLReport.LiveState) {
        lastLiveWrite = Date()
        let records = Self.records(of: entries)
        var report = Report(lessonID: lesson.id, title: lesson.title, entries: entries, manifest: makeManifest(records), outDir: outDir)
        report.staging = staging
        try? AtomicFile.write(HTMLReport.render(report, live: state), to: liveFile)
    }

    /// The running cell's progress, in the live view at most every two seconds.
    func liveProgress(_ step: Int, of total: Int, label: String?) {
        guard Date().timeIntervalSince(lastLiveWrite) >= 2 else { return }
        writeLive(.running(cell: running, step: step, total: total, label: label))
    }

    /// `--open`: the system's browser (xdg-open, or $BROWSER), or one line saying there is none.
    private func openInBrowser(_ file: URL) {
        let env = ProcessInfo.processInfo.environment
        let path = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func executable(_ name: String) -> String? {
            (name.hasPrefix("/") ? [name] : path.map { "\($0)/\(name)" }).first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        let candidates = [env["BROWSER"], "xdg-open"].compactMap { $0 }.filter { !$0.isEmpty }
        guard let program = candidates.lazy.compactMap(executable).first else {
            terminal.note("no browser to open (no xdg-open or $BROWSER): open \(file.path) yourself; it updates after every cell")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = [file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil {
            terminal.note("live report: \(file.path) (opened with \(URL(fileURLWithPath: program).lastPathComponent))")
        } else {
            terminal.note("could not start \(program): open \(file.path) yourself")
        }
    }

    /// The cell records of a report's entries, with how each was obtained.
    private static func records(of entries: [Report.Entry]) -> [(CellRecord, CellStatus)] {
        entries.compactMap { entry in
            if case .cell(let r, let s, _) = entry { return (r, s) } else { return nil }
        }
    }

    private func makeManifest(_ records: [(CellRecord, CellStatus)]) -> Manifest {
        let formatter = ISO8601DateFormatter()
        var metrics: [String: Double] = [:]
        for (record, _) in records { for m in record.metrics { metrics[m.name] = m.value } }
        return Manifest(
            lesson: lesson.id, title: lesson.title, generated: formatter.string(from: Date()),
            gitCommit: provenance.gitCommit, seed: options.seed,
            options: .init(quick: options.quick, seed: options.seed, threads: options.threads, only: options.only, force: options.force),
            threads: Engine.threads, openblasCore: Engine.blasCoreName, gemm: Engine.gemmName,
            librarySourcesDigest: provenance.libraryDigest,
            lessonSourceDigest: lessonSourceDigest,
            wallSeconds: Date().timeIntervalSince(started),
            cells: records.map { record, status in
                .init(id: record.id, title: record.title, status: status, seconds: record.seconds, key: record.key,
                      metrics: Dictionary(record.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                      artifacts: record.artifacts.map(\.file))
            },
            artifacts: records.flatMap { $0.0.artifacts },
            metrics: metrics)
    }

    /// Staging folders and temporary files left by a run that was killed (SIGKILL, a crash), whose
    /// process is gone. Those of a live process (another run) are left alone.
    private func removeLeftovers() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: outDir.path) else { return }
        for name in names {
            let pidText: Substring?
            if name.hasPrefix(".staging-") { pidText = name.dropFirst(".staging-".count) }
            else if let r = name.range(of: AtomicFile.temporaryMarker) { pidText = name[r.upperBound...].split(separator: "-").first }
            else { pidText = nil }
            guard let pidText, let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: outDir.appendingPathComponent(name))
        }
    }

    /// `--only` accepts a cell's id, its 1-based number, or its title (case-insensitive).
    static func find(_ query: String, in cells: [Cell]) -> Cell? {
        if let n = Int(query), (1...cells.count).contains(n) { return cells[n - 1] }
        return cells.first { $0.id == query } ?? cells.first { $0.title.lowercased() == query.lowercased() }
    }
}
