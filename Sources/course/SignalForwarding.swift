import Dispatch
import Foundation

/// Passes Ctrl-C (SIGINT) and SIGTERM on to the lesson `course all` is running. Foundation's
/// `Process` starts children in their own process group, so the terminal's Ctrl-C reaches only
/// `course`; forwarding it lets the lesson stop cleanly (keeping its previous outputs) and report
/// how, after which `course` stops too. A signal between lessons is remembered.
final class SignalForwarding: @unchecked Sendable {
    private let lock = NSLock()
    private var child: Int32 = 0
    private var signalNumber: Int32?
    private var sources: [DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in
                self.lock.lock()
                if self.signalNumber == nil { self.signalNumber = sig }
                let pid = self.child
                self.lock.unlock()
                if pid > 0 { kill(pid, sig) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The running lesson's process id (0 when none runs).
    func setChild(_ pid: Int32) { lock.lock(); child = pid; lock.unlock() }

    /// The first signal received, if any.
    var received: Int32? { lock.lock(); defer { lock.unlock() }; return signalNumber }
}
