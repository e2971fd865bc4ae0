import Foundation

/// Whether the outputs of a lesson's last run (`out/<id>/manifest.json`) are current: what
/// `course list` shows. A run is stale when the lesson's source or the library sources changed
/// since — the same digests the cell cache keys use, so a stale lesson is one whose next run would
/// recompute cells.
public enum LessonState: Equatable, Sendable {
    case neverRun
    case upToDate(generated: String, quick: Bool, seed: UInt64)
    case stale(generated: String, reason: String)

    /// The digest the manifests record for the library sources as they are now (it hashes every
    /// source file: compute it once for all lessons).
    public static func currentLibraryDigest() -> String { Provenance().libraryDigest }

    /// The state of the lesson whose source is `source`, from the manifest in `outFolder`.
    public static func of(source: URL, outFolder: URL, libraryDigest: String) -> LessonState {
        guard let data = try? Data(contentsOf: outFolder.appendingPathComponent("manifest.json")),
              let m = try? JSONDecoder().decode(Manifest.self, from: data) else { return .neverRun }
        let when = m.generated.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        if m.lessonSourceDigest == nil || m.lessonSourceDigest != SHA256.hex(fileAt: source) {
            return .stale(generated: when, reason: m.lessonSourceDigest == nil ? "run before sources were recorded" : "lesson changed")
        }
        if m.librarySourcesDigest != libraryDigest { return .stale(generated: when, reason: "library changed") }
        return .upToDate(generated: when, quick: m.options.quick, seed: m.seed)
    }

    public var description: String {
        switch self {
        case .neverRun: return "never run"
        case .upToDate(let when, let quick, let seed): return "up to date (\(quick ? "quick" : "full"), seed \(seed), \(when))"
        case .stale(let when, let reason): return "stale: \(reason) since \(when)"
        }
    }
}
