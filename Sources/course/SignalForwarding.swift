import Dispatch
import Foundation

/// Passes Ctrl-C (SIGINT) and SIGTERM on to the lessons `course all` or `course figures` is running. Foundation's
/// `Process` starts children in their own process group, so the terminal's Ctrl-C reaches only
/// `course`; forwarding it lets the lesson stop cleanly (keeping its previous outputs) and report
/// how, after which `course` stops too. A signal between lessons is remembered. With no children
/// it is just that memory: `course train` checks `received` after every step and saves its
/// checkpoint before it stops, printing `note` when the signal arrives.
final class SignalForwarding: @unchecked Sendable {
    private let lock = NSLock()
    private var children: Set<Int32> = []
    private var signalNumber: Int32?
    private var sources: [DispatchSourceSignal] = []

    init(note: String? = nil) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in
                self.lock.lock()
                if self.signalNumber == nil { self.signalNumber = sig }
                let pids = self.children
                self.lock.unlock()
                for pid in pids { kill(pid, sig) }
                if let note { fputs(note, stderr) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Lesson processes start and end; signals go to every one running.
    func started(_ pid: Int32) { lock.lock(); children.insert(pid); lock.unlock() }
    func ended(_ pid: Int32) { lock.lock(); children.remove(pid); lock.unlock() }

    /// The first signal received, if any.
    var received: Int32? { lock.lock(); defer { lock.unlock() }; return signalNumber }
}
