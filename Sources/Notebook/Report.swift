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

    func bytes(of file: String) -> [UInt8] {
        (try? Data(contentsOf: outDir.appendingPathComponent(file))).map { [UInt8]($0) } ?? []
    }

    /// The first rows of a CSV artifact (header first), for previews.
    func csvPreview(_ file: String, rows: Int = 8) -> [[String]] {
        let text = String(decoding: bytes(of: file), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).prefix(rows + 1).map { parseCSVLine(String($0)) }
    }

    /// One line of the sort `CellContext.csv` writes (quoted fields with doubled quotes).
    private func parseCSVLine(_ line: String) -> [String] {
        var fields: [String] = [], field = "", inQuotes = false
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c != "\"" { field.append(c) }
                else if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 }
                else { inQuotes = false }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                fields.append(field); field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        fields.append(field)
        return fields
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
