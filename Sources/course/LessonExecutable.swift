import Course
import Foundation
import Notebook

/// A lesson's executable: built by SwiftPM into the same folder as `course` and named after the
/// lesson id, so `course run gan-minimax` runs exactly what `swift run gan-minimax` runs.
struct LessonExecutable {
    let entry: CatalogEntry
    let url: URL

    init(_ entry: CatalogEntry) {
        self.entry = entry
        url = LessonExecutable.buildFolder.appendingPathComponent(entry.id)
    }

    /// The folder holding the running `course` binary (its real path, through symlinks).
    static let buildFolder: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let me = FileManager.default.fileExists(atPath: exe.path) ? exe : (Bundle.main.executableURL ?? exe)
        return me.deletingLastPathComponent()
    }()

    var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// Replaces this process with the lesson (so signals, terminal and exit status are the
    /// lesson's own). Returns only if exec failed.
    func exec(_ arguments: [String]) -> Int32 {
        let argv = ([url.path] + arguments).map { strdup($0) } + [nil]
        execv(url.path, argv)
        return errno
    }
}
