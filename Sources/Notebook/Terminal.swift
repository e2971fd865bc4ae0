import Foundation

/// The terminal the runner talks to: text on stdout, the progress bar on stderr. Colour only when
/// stdout is a terminal, `NO_COLOR` is unset, `TERM` is not `dumb` and `--no-color` was not given.
/// Lines printed while a bar is showing first erase the bar and then redraw it, so they never mix.
final class Terminal {
    enum Style: String {
        case bold = "1", dim = "2", italic = "3", underline = "4"
        case green = "32", yellow = "33", magenta = "35", cyan = "36"
        case boldCyan = "1;36", boldGreen = "1;32", boldRed = "1;31"
    }

    let color: Bool
    let width: Int
    let stderrIsTTY: Bool
    private var bar: String?
    private let lock = NSLock()

    init(noColor: Bool) {
        let env = ProcessInfo.processInfo.environment
        let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
        color = !noColor && stdoutIsTTY && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        stderrIsTTY = isatty(STDERR_FILENO) == 1
        width = Terminal.columns(env: env, isTTY: stdoutIsTTY)
    }

    /// COLUMNS if set, else the window width of a terminal, else 100; capped at 100 so prose stays readable.
    private static func columns(env: [String: String], isTTY: Bool) -> Int {
        if let c = env["COLUMNS"].flatMap(Int.init), c > 20 { return min(c, 100) }
        var size = winsize()
        if isTTY, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return min(Int(size.ws_col), 100) }
        return 100
    }

    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Prints a line (or several) on stdout.
    func line(_ text: String = "") {
        lock.lock(); defer { lock.unlock() }
        eraseBar()
        fputs(text + "\n", stdout)
        fflush(stdout)
        redrawBar()
    }

    /// Prints a note on stderr (failures, interrupts), where it is seen even when stdout is a file.
    func note(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        eraseBar()
        bar = nil
        fputs(text + "\n", stderr)
        fflush(stderr)
    }

    /// Shows (or replaces) the progress bar on a terminal's stderr.
    func showBar(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        bar = text
        fputs("\r\u{1B}[2K" + text, stderr)
        fflush(stderr)
    }

    func clearBar() {
        lock.lock(); defer { lock.unlock() }
        eraseBar()
        bar = nil
    }

    private func eraseBar() {
        if bar != nil { fputs("\r\u{1B}[2K", stderr); fflush(stderr) }
    }

    private func redrawBar() {
        if let bar { fputs(bar, stderr); fflush(stderr) }
    }
}
