import Foundation

/// What a cell produced. Stored in the cache after a successful run and replayed, unchanged, into
/// the terminal and every report when the cell's key has not changed.
struct CellRecord: Codable {
    var id: String
    var title: String
    var key: String
    /// The closure body shown in reports; nil when the source file was not available at run time.
    var source: String?
    var seconds: Double
    var outputs: [CellOutput] = []
    var metrics: [Metric] = []
    var artifacts: [Artifact] = []

    /// Whether every file the record mentions is a plain file name (see `isPlainFileName`).
    var namesOnlyPlainFiles: Bool {
        artifacts.allSatisfy { isPlainFileName($0.file) } && outputs.allSatisfy { $0.file.map(isPlainFileName) ?? true }
    }
}

/// A name for a file directly inside the output folder: not hidden, no folder part, not too long.
func isPlainFileName(_ name: String) -> Bool {
    !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && name.count <= 120
}

/// One item of a cell's output, in the order it was produced.
struct CellOutput: Codable, Equatable {
    enum Kind: String, Codable { case text, figure, table, image }
    var kind: Kind
    var text: String?
    var file: String?
    var caption: String?
}

struct Metric: Codable, Equatable {
    var name: String
    var value: Double
}

/// A file written by a cell, as listed in manifest.json.
struct Artifact: Codable, Equatable {
    var file: String
    var cell: String
    var bytes: Int
    var sha256: String
}

/// How a cell's outputs came to be in this run's reports.
enum CellStatus: String, Codable {
    /// Executed in this run.
    case ran
    /// Key unchanged: outputs replayed from the previous run.
    case cached
    /// Excluded by `--only` and its key changed: the previous outputs are shown, marked outdated.
    case stale
    /// Excluded by `--only` and never run before: no outputs.
    case skipped
}
