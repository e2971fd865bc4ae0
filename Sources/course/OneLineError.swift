import ArgumentParser
import Foundation

/// Prints `course <command>: <message>` on stderr and returns the exit code to throw: every
/// failure of `course figures` and `course slides` is one line and a documented code.
func oneLineError(_ command: String, _ code: Int32, _ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("course \(command): \(message)\n".utf8))
    return ExitCode(code)
}
