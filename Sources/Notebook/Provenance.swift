import Foundation

/// Where the code of a run came from: the package root (found from this file's `#filePath`),
/// a digest of the library sources, the git commit, and the executable itself as the fallback
/// identity when the sources are not on this machine.
final class Provenance {
    /// The package root, if the sources the binary was built from are still there.
    let root: URL?

    init(libraryFile: String = #filePath) {
        let root = URL(fileURLWithPath: libraryFile)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        self.root = FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) ? root : nil
    }

    /// sha256 over every Swift and C source under `Sources/` except `Sources/course` (paths and
    /// contents), so that any library change, the C kernels included, invalidates cached
    /// results; the executable's hash when the sources are missing.
    lazy var libraryDigest: String = {
        guard let root else { return "binary " + executableDigest }
        let sources = root.appendingPathComponent("Sources")
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: sources.path) {
            for case let path as String in walker
            where [".swift", ".c", ".h"].contains(where: path.hasSuffix) && !path.hasPrefix("course/") {
                files.append(path)
            }
        }
        var h = SHA256()
        for path in files.sorted() {
            h.update("\(path)\n\(SHA256.hex(fileAt: sources.appendingPathComponent(path)) ?? "unreadable")\n")
        }
        return h.finalize()
    }()

    lazy var executableDigest: String = {
        SHA256.hex(fileAt: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
            ?? SHA256.hex(fileAt: URL(fileURLWithPath: CommandLine.arguments[0])) ?? "unknown"
    }()

    /// `git rev-parse HEAD` (with "-dirty" when the work tree has changes), nil outside a checkout.
    lazy var gitCommit: String? = {
        guard let root, let head = git(["rev-parse", "HEAD"], in: root), !head.isEmpty else { return nil }
        let dirty = !(git(["status", "--porcelain", "--untracked-files=no"], in: root) ?? "").isEmpty
        return head + (dirty ? "-dirty" : "")
    }()

    /// A data path as given in `data:`: absolute, or relative to the package root (else the current folder).
    func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        return (root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(path)
    }

    private func git(_ args: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
