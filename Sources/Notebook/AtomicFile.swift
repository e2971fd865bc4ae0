import Foundation

/// Every file the runner produces is written here: to a temporary file in the same folder, then
/// renamed over the destination. rename(2) within one file system is atomic, so a reader (or a run
/// interrupted half-way) sees either the old complete file or the new complete file, never a torn one.
public enum AtomicFile {
    /// Temporary names carry this marker so that leftovers of a killed process can be recognised.
    static let temporaryMarker = ".tmp-"

    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(Data(bytes), to: url)
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent)\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
            try move(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Renames `source` over `destination` in one step (replacing it if present).
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw NotebookError("cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A failure of the runner itself (as opposed to a cell's own errors), e.g. a file it cannot write.
public struct NotebookError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
