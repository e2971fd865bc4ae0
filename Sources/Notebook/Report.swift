import Foundation

/// Everything the three report formats (HTML, Markdown, Jupyter) are rendered from, so they
/// always agree: the prose and cell records in lesson order, and the manifest.
struct Report {
    enum Entry {
        case prose(String)
        case cell(CellRecord, CellStatus, Int)
    }

    let lessonID: String
    let title: String
    let entries: [Entry]
    let manifest: Manifest
    let outDir: URL

    /// While a run is going (the live view): the staging folder that holds the artifacts of the
    /// cells run so far, which links point into instead of embedding them.
    var staging: URL? = nil

    /// Where an artifact is: in the staging folder while its run is going, else in `outDir`.
    func url(of file: String) -> URL {
        if let staging, FileManager.default.fileExists(atPath: staging.appendingPathComponent(file).path) {
            return staging.appendingPathComponent(file)
        }
        return outDir.appendingPathComponent(file)
    }

    /// An artifact's link from a report in `outDir`.
    func link(to file: String) -> String {
        let u = url(of: file)
        return u.deletingLastPathComponent().standardizedFileURL == outDir.standardizedFileURL ? file
            : "\(u.deletingLastPathComponent().lastPathComponent)/\(file)"
    }

    func bytes(of file: String) -> [UInt8] {
        (try? Data(contentsOf: url(of: file))).map { [UInt8]($0) } ?? []
    }

    /// A CSV artifact's preview, for every format.
    func csvPreview(_ file: String, limit: Int = 8) -> CSVPreview {
        CSVPreview(table: CSV.parse(String(decoding: bytes(of: file), as: UTF8.self)), limit: limit)
    }

    /// One line of run facts shared by every format.
    var facts: String {
        let m = manifest
        return ["lesson \(m.lesson)", m.options.quick ? "quick mode" : "full mode", "seed \(m.seed)",
                "\(m.threads) thread\(m.threads == 1 ? "" : "s")", "GEMM: " + (m.gemm ?? "OpenBLAS (\(m.openblasCore))"),
                m.gitCommit.map { "commit \($0.prefix(12))\($0.hasSuffix("-dirty") ? " (modified)" : "")" } ?? "no git commit",
                m.generated].joined(separator: " · ")
    }

    /// How a cell's outputs came to be, in words, for every format.
    static func statusNote(_ record: CellRecord, _ status: CellStatus) -> String {
        switch status {
        case .ran: return "ran in \(formatSeconds(record.seconds))"
        case .cached: return "cached (ran in \(formatSeconds(record.seconds)) in an earlier run)"
        case .stale: return "outdated: not run with --only, and its code or options changed since"
        case .skipped: return "not run (--only)"
        }
    }

    static let sourceUnavailable = "(source not available: the lesson's source file was not found when this ran; the cache key used the cell's title and the executable's sha256)"
}

/// What a report shows of a CSV artifact: the header and up to `limit` rows spread over the whole
/// table — the first, evenly spaced ones, the last — so a long grid shows its range rather than
/// its first corner, with numbers to 4 significant digits. The file keeps every digit.
struct CSVPreview {
    let header: [String]
    /// The rows shown, with their 1-based row numbers.
    let rows: [(number: Int, fields: [String])]
    /// How many rows the file has.
    let count: Int

    init(table: [[String]], limit: Int) {
        header = table.first ?? []
        let body = Array(table.dropFirst())
        count = body.count
        let picked = body.count <= limit ? Array(body.indices)
            : (0..<limit).map { $0 * (body.count - 1) / (limit - 1) }
        rows = picked.map { ($0 + 1, body[$0].map(Self.short)) }
    }

    var isPartial: Bool { rows.count < count }

    /// The header and rows as every format shows them: led by a `row` column when rows were left out.
    var displayed: (header: [String], rows: [[String]]) {
        isPartial ? (["row"] + header, rows.map { ["\($0.number)"] + $0.fields }) : (header, rows.map(\.fields))
    }

    /// "8 of 512 rows (first, evenly spaced, last)" when rows were left out, else nil.
    var note: String? { isPartial ? "\(rows.count) of \(count) rows (first, evenly spaced, last)" : nil }

    /// A number with a fractional part or an exponent to 4 significant digits; other text as it is.
    static func short(_ field: String) -> String {
        guard field.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let v = Double(field), v.isFinite else { return field }
        return String(format: "%.4g", v)
    }
}
