import Foundation

/// report.md: the same content as report.html in plain Markdown, for reading on a code host or
/// diffing between runs. Figures are linked (they sit next to it), not embedded.
enum MarkdownReport {
    static func render(_ report: Report) -> String {
        var out = ["# \(report.title)", "", "_\(report.facts)_", ""]
        for entry in report.entries {
            switch entry {
            case .prose(let text):
                out += [text.trimmingCharacters(in: .newlines), ""]
            case .cell(let record, let status, let number):
                out += ["### [\(number)] \(record.title)", "", "_\(Report.statusNote(record, status))_", ""]
                out += ["```swift", record.source ?? Report.sourceUnavailable, "```", ""]
                for output in record.outputs {
                    switch output.kind {
                    case .text: out += ["```text", output.text ?? "", "```", ""]
                    case .figure, .image:
                        let file = output.file ?? ""
                        out += ["![\(output.caption ?? file)](\(file))", ""]
                    case .table:
                        let file = output.file ?? ""
                        out += ["[\(file)](\(file)) (\(output.caption ?? ""))", ""]
                        let preview = report.csvPreview(file)
                        if !preview.header.isEmpty {
                            let shown = preview.displayed
                            out.append("| " + shown.header.joined(separator: " | ") + " |")
                            out.append("|" + String(repeating: " --- |", count: shown.header.count))
                            out += shown.rows.map { "| " + $0.joined(separator: " | ") + " |" }
                            out += preview.note.map { ["", "(\($0))", ""] } ?? [""]
                        }
                    }
                }
            }
        }
        let metrics = report.entries.flatMap { entry -> [Metric] in
            if case .cell(let r, _, _) = entry { return r.metrics } else { return [] }
        }
        if !metrics.isEmpty {
            out += ["## Key numbers", "", "| metric | value |", "| --- | --- |"]
            out += metrics.map { "| `\($0.name)` | \(formatNumber($0.value)) |" }
            out.append("")
        }
        return out.joined(separator: "\n")
    }
}
