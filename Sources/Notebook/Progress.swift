import Foundation

/// The progress of one loop. On a terminal: a bar on stderr redrawn at most ten times a second,
/// with rate and ETA. Otherwise (a log file, `course all`): a plain line every 10 % or 5 s.
/// Nothing is shown for the first half second, so quick loops stay silent.
final class ProgressMeter {
    let total: Int
    let label: String?
    static let quiet = 0.5
    private let terminal: Terminal
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainFraction = 0.0
    private var lastStep = 0

    init(total: Int, label: String?, terminal: Terminal) {
        self.total = max(total, 1)
        self.label = label
        self.terminal = terminal
    }

    func update(_ step: Int) {
        lastStep = min(max(step, 0), total)
        let now = Date()
        let fraction = Double(lastStep) / Double(total)
        // Loops shorter than `quiet` seconds show nothing: progress is for the waits a reader notices.
        guard now.timeIntervalSince(start) >= ProgressMeter.quiet else { return }
        if terminal.stderrIsTTY {
            if lastStep >= total { terminal.clearBar(); return }
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            terminal.showBar(barLine(fraction: fraction, now: now))
        } else if fraction >= lastPlainFraction + 0.1 || now.timeIntervalSince(lastDraw) >= 5 || (lastStep >= total && lastPlainFraction < 1) {
            lastDraw = now
            lastPlainFraction = (fraction * 10).rounded(.down) / 10
            terminal.note("  … \(label.map { "\($0): " } ?? "")\(lastStep)/\(total) (\(Int(fraction * 100))%)\(rateAndETA(now))")
        }
    }

    /// Called when the cell ends, in case the loop stopped before reaching `total`.
    func finish() {
        if terminal.stderrIsTTY { terminal.clearBar() }
    }

    private func barLine(fraction: Double, now: Date) -> String {
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let eighths = Int((fraction * Double(width) - Double(filled)) * 8)
        let partial = filled < width && eighths > 0 ? String(Array("▏▎▍▌▋▊▉")[eighths - 1]) : ""
        let bar = String(repeating: "█", count: filled) + partial
            + String(repeating: " ", count: width - filled - partial.count)
        let percent = String(format: "%3d%%", Int(fraction * 100))
        return "  \(label.map { "\($0) " } ?? "")▕\(terminal.paint(bar, .cyan))▏\(percent)  \(lastStep)/\(total)\(rateAndETA(now))"
    }

    private func rateAndETA(_ now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        guard elapsed > 0.05, lastStep > 0 else { return "" }
        let rate = Double(lastStep) / elapsed
        let rateText = rate >= 1 ? String(format: "%.1f it/s", rate) : String(format: "%.2f s/it", 1 / rate)
        let remaining = Double(total - lastStep) / rate
        return "  \(rateText)  ETA \(clock(remaining))"
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
