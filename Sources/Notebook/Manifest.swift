import Foundation

/// manifest.json: what produced this folder and what is in it, for anyone who needs to know
/// whether two runs are comparable (same commit, seed, options, threads, BLAS kernel).
struct Manifest: Codable {
    struct Options: Codable {
        var quick: Bool
        var seed: UInt64
        var threads: Int
        var only: String?
        var force: Bool
    }

    struct CellEntry: Codable {
        var id: String
        var title: String
        var status: CellStatus
        /// Wall time of the run that produced the outputs (for a cached cell: the original run).
        var seconds: Double
        var key: String
        var metrics: [String: Double]
        var artifacts: [String]
    }

    var lesson: String
    var title: String
    var generated: String
    var gitCommit: String?
    var seed: UInt64
    var options: Options
    var threads: Int
    var openblasCore: String
    /// Which sgemm did the products (`Engine.gemmName`); absent in manifests from before it was recorded.
    var gemm: String?
    var librarySourcesDigest: String
    /// sha256 of the lesson's main.swift (absent in older manifests, or when the source was not found).
    var lessonSourceDigest: String?
    var wallSeconds: Double
    var cells: [CellEntry]
    var artifacts: [Artifact]
    var metrics: [String: Double]

    enum CodingKeys: String, CodingKey {
        case lesson, title, generated, seed, options, threads, cells, artifacts, metrics
        case gitCommit = "git_commit"
        case openblasCore = "openblas_core", gemm
        case librarySourcesDigest = "library_sources_sha256"
        case lessonSourceDigest = "lesson_source_sha256"
        case wallSeconds = "wall_seconds"
    }
}

/// A figure a finished lesson run drew, as its output folder's manifest records it.
public struct DrawnFigure {
    public let png: URL
    public let seconds: Double
    /// The cell was replayed from the lesson's cache (`seconds` is the original run's).
    public let cached: Bool

    /// `file` in the lesson run in `folder`, which its manifest must list as drawn by the cell
    /// titled `cell`; the error says what disagrees.
    public static func find(_ file: String, drawnBy cell: String, of lesson: String, in folder: URL) throws -> DrawnFigure {
        let manifestURL = folder.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL) else {
            throw NotebookError("\(manifestURL.relativePath) is missing: the \(lesson) lesson has not finished a run there")
        }
        guard let manifest = try? JSON.decode(Manifest.self, from: data) else {
            throw NotebookError("\(manifestURL.relativePath) is not a manifest this version of the course can read")
        }
        let cellID = cellSlug(cell)
        guard let artifact = manifest.artifacts.first(where: { $0.file == file }) else {
            throw NotebookError("\(lesson) did not draw \(file) (not in \(manifestURL.relativePath))")
        }
        guard artifact.cell == cellID, let run = manifest.cells.first(where: { $0.id == cellID }) else {
            throw NotebookError("\(file) was drawn by cell \"\(artifact.cell)\" of \(lesson), not by \"\(cellID)\"")
        }
        let png = folder.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw NotebookError("\(png.relativePath) is missing although the manifest lists it")
        }
        return DrawnFigure(png: png, seconds: run.seconds, cached: run.status == .cached)
    }
}
