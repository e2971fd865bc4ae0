import Dispatch
import Foundation

/// Turns SIGINT (Ctrl-C) and SIGTERM into a flag that `ctx.progress` / `ctx.checkInterrupted`
/// check, so the running cell unwinds by throwing and the runner can discard its staging folder,
/// leaving the previous outputs untouched. A second signal while a cell ignores the first (a long
/// loop without progress calls) removes the staging folder and exits at once — except while the
/// outputs are being moved into place, which is short and must not be cut in half.
final class Interrupts: @unchecked Sendable {
    static let shared = Interrupts()

    private let lock = NSLock()
    private var signalNumber: Int32?
    private var sources: [DispatchSourceSignal] = []
    private var stagingToRemove: URL?
    private var committing = false

    var received: Int32? { lock.lock(); defer { lock.unlock() }; return signalNumber }

    func install() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in self.handle(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// The folder to delete if a second signal forces an immediate exit.
    func guardStaging(_ url: URL?) { lock.lock(); stagingToRemove = url; lock.unlock() }

    func setCommitting(_ value: Bool) { lock.lock(); committing = value; lock.unlock() }

    private func handle(_ sig: Int32) {
        lock.lock()
        let second = signalNumber != nil && !committing
        if signalNumber == nil { signalNumber = sig }
        let staging = stagingToRemove
        lock.unlock()
        if second {
            if let staging { try? FileManager.default.removeItem(at: staging) }
            fputs("\n✗ interrupted again: stopped at once; previous outputs are unchanged\n", stderr)
            exit(128 + sig)
        }
        let start = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[2K" : ""  // over the progress bar, if any
        fputs(start + "  (stopping at the next progress check; Ctrl-C again to stop at once)\n", stderr)
    }
}
