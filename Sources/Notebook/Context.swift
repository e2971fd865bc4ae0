import Autograd
import Files
import Foundation

/// What a cell body writes to: printed text, progress, artifacts (CSV, figures, images) and key
/// numbers. Everything it records is stored so that a cached cell can replay it exactly.
/// Text goes through `say` (plain `print` reaches the terminal but not the reports).
public final class CellContext {
    /// `--quick`: small budgets.
    public let quick: Bool
    /// `--seed`.
    public let seed: UInt64
    /// `--threads` (already applied to the engine).
    public let threads: Int
    /// A generator seeded from the lesson seed and this cell's id (or shared value's name), so a
    /// cell draws the same numbers whether or not other cells ran before it.
    public var rng: RandomGenerator

    let run: LessonRun
    let owner: String
    let uses: [SharedValue]
    let data: [String]
    var record: CellRecord
    private var progress: ProgressMeter?

    init(run: LessonRun, owner: String, streamName: String, uses: [SharedValue], data: [String], record: CellRecord) {
        self.run = run
        self.owner = owner
        self.uses = uses
        self.data = data
        self.record = record
        quick = run.options.quick
        seed = run.options.seed
        threads = run.options.threads
        rng = RandomGenerator(seed: CellContext.streamSeed(seed: run.options.seed, name: streamName))
    }

    /// The first 8 bytes of sha256("<seed>/<name>").
    static func streamSeed(seed: UInt64, name: String) -> UInt64 {
        UInt64(SHA256.hex("\(seed)/\(name)").prefix(16), radix: 16)!
    }

    /// The lesson's out folder (`--out`, default out/<lesson>): where a cell may keep state between
    /// runs that is not a report artifact, such as a training checkpoint it resumes from.
    public var outFolder: URL { run.outDir }
    /// `--force`: everything runs again, and a cell that keeps such state starts it afresh.
    public var force: Bool { run.options.force }

    /// `quick` in `--quick` mode, else `full`: budgets, sizes, step counts.
    public func pick<T>(quick: T, full: T) -> T { self.quick ? quick : full }

    /// Prints a line in the terminal and records it as the cell's output.
    public func say(_ items: Any..., separator: String = " ") {
        let text = items.map { "\($0)" }.joined(separator: separator)
        run.terminal.line(text.components(separatedBy: "\n").map { "  " + $0 }.joined(separator: "\n"))
        if let last = record.outputs.last, last.kind == .text {
            record.outputs[record.outputs.count - 1].text = (last.text ?? "") + "\n" + text
        } else {
            record.outputs.append(CellOutput(kind: .text, text: text))
        }
    }

    /// Records a key number; it is printed, shown in the reports and listed in manifest.json.
    public func metric(_ name: String, _ value: Double) {
        record.metrics.removeAll { $0.name == name }
        record.metrics.append(Metric(name: name, value: value))
        run.terminal.line("  " + run.terminal.paint("◆ \(name) = \(formatNumber(value))", .magenta))
    }

    /// Reports progress of a loop (`step` of `total` done) and is the place where Ctrl-C lands:
    /// it throws `LessonInterrupted` once a SIGINT/SIGTERM has arrived.
    public func progress(_ step: Int, of total: Int, label: String? = nil) throws {
        try checkInterrupted()
        if progress == nil || progress!.total != total || progress!.label != label {
            progress = ProgressMeter(total: total, label: label, terminal: run.terminal)
        }
        progress!.update(step)
        run.liveProgress(step, of: total, label: label)
        if step >= total { progress = nil }
    }

    /// A progress counter for jobs that run side by side (`Engine.sideBySide`): each job calls it
    /// with the steps it has just done, and the bar shows their sum. Safe to call from any thread.
    public func sharedProgress(of total: Int, label: String) -> (_ steps: Int) throws -> Void {
        let lock = NSLock()
        var done = 0
        return { steps in try lock.withLock { done += steps; try self.progress(done, of: total, label: label) } }
    }

    /// Throws `LessonInterrupted` if a SIGINT/SIGTERM has arrived; call it in long loops without progress.
    public func checkInterrupted() throws {
        if let signal = Interrupts.shared.received { throw LessonInterrupted(signal: signal) }
    }

    /// Throws if `value` is NaN or infinite, naming it, so a diverging run stops with a clear reason.
    public func requireFinite(_ value: Double, _ what: String) throws {
        guard value.isFinite else { throw CellError("\(what) is \(value)") }
    }

    /// The value of a shared value declared in this cell's `uses:`, computed now if no cell has yet.
    public func use<Value>(_ shared: Shared<Value>) throws -> Value {
        guard uses.contains(where: { $0 === shared }) else {
            throw CellError("\(owner) uses shared value \"\(shared.name)\" without declaring it in `uses:` (its cache key would miss it)")
        }
        if let value = shared.value { return value }
        run.terminal.line("  " + run.terminal.paint("↳ computing shared value \"\(shared.name)\"", .dim))
        let start = Date()
        let inner = CellContext(run: run, owner: "shared value \"\(shared.name)\"", streamName: "shared/\(shared.name)",
                                uses: shared.uses, data: data, record: record)
        let value = try shared.body(inner)
        record = inner.record
        inner.finishProgress()
        run.terminal.line("  " + run.terminal.paint("↳ \"\(shared.name)\" ready in \(formatSeconds(Date().timeIntervalSince(start)))", .dim))
        shared.value = value
        return value
    }

    /// The URL of a data file declared in this cell's `data:` (paths relative to the package root).
    public func data(_ path: String) throws -> URL {
        guard data.contains(path) else {
            throw CellError("\(owner) reads \(path) without declaring it in `data:` (its cache key would miss it)")
        }
        return run.provenance.resolve(path)
    }

    /// Writes a CSV artifact `<name>.csv` (header + rows; fields with commas or quotes are quoted).
    public func csv(_ name: String, header: [String], rows: [[Any]]) throws {
        let text = CSV.text([header as [Any]] + rows)
        let file = try stage(name, ext: "csv", bytes: Array(text.utf8))
        record.outputs.append(CellOutput(kind: .table, file: file, caption: "\(rows.count) rows × \(header.count) columns"))
    }

    /// Writes a PNG image artifact `<name>.png` from PNG bytes (e.g. from Imaging).
    public func image(_ name: String, png: [UInt8], caption: String? = nil) throws {
        let file = try stage(name, ext: "png", bytes: png)
        record.outputs.append(CellOutput(kind: .image, file: file, caption: caption))
    }

    /// Writes an artifact into the run's staging folder and announces it in one line.
    func stage(_ name: String, ext: String, bytes: [UInt8]) throws -> String {
        let file = try run.claim(artifact: "\(name).\(ext)", by: owner)
        try AtomicFile.write(bytes, to: run.staging.appendingPathComponent(file))
        record.artifacts.append(Artifact(file: file, cell: record.id, bytes: bytes.count, sha256: SHA256.hex(bytes)))
        run.terminal.line("  " + run.terminal.paint("→ \(file) (\(formatBytes(bytes.count)))", .green))
        return file
    }

    func finishProgress() {
        progress?.finish()
        progress = nil
    }
}

/// A cell's own failure with a readable reason.
public struct CellError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Thrown by `progress` / `checkInterrupted` after Ctrl-C (SIGINT) or SIGTERM, to unwind the cell.
public struct LessonInterrupted: Error, CustomStringConvertible {
    public let signal: Int32
    public var description: String { signal == SIGTERM ? "terminated (SIGTERM)" : "interrupted (Ctrl-C)" }
}

func formatNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    let a = abs(v)
    if a >= 1e-3 && a < 1e6 { return String(format: "%.4g", v) }
    return String(format: "%.4e", v)
}

func formatSeconds(_ s: Double) -> String {
    if s < 60 { return String(format: "%.2f s", s) }
    return String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
}

func formatBytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    if n < 1024 * 1024 { return String(format: "%.1f kB", Double(n) / 1024) }
    return String(format: "%.1f MB", Double(n) / 1048576)
}
