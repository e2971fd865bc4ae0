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
