import Foundation

/// Every file the course writes — reports, figures, PNGs, checkpoints — goes through here: to a
/// temporary file in the same folder, then renamed over the destination. rename(2) within one file
/// system is atomic, so a reader (or a run interrupted half-way) sees either the old complete file
/// or the new complete file, never a torn one.
public enum AtomicFile {
    /// Temporary names are `.<name>.tmp-<pid>-<random>`: the marker lets the lesson runner
    /// recognise (and remove) the leftovers of a killed process.
    public static let temporaryMarker = ".tmp-"

    /// Why a write failed, in one line; callers wrap it in their own error types.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static func write(_ bytes: [UInt8], to url: URL, createFolder: Bool = true) throws {
        try write(Data(bytes), to: url, createFolder: createFolder)
    }

    public static func write(_ text: String, to url: URL, createFolder: Bool = true) throws {
        try write(Data(text.utf8), to: url, createFolder: createFolder)
    }

    /// Writes `data` to `url` atomically, creating its folder unless `createFolder` is false (then a
    /// missing folder is an error: a mistyped output path should not silently appear).
    public static func write(_ data: Data, to url: URL, createFolder: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        if createFolder {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw Failure("cannot create the folder \(folder.path): \(error.localizedDescription)")
            }
        } else {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw Failure("folder \(folder.path) does not exist")
            }
        }
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent)\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            do { try data.write(to: temporary) } catch { throw Failure(error.localizedDescription) }
            try move(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Renames `source` over `destination` in one step (replacing it if present).
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw Failure("cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }
}
