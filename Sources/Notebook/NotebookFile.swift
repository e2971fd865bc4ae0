import Foundation

/// `<lesson-id>.ipynb`: nbformat 4.5 (the version that gives every cell an id). Prose becomes
/// markdown cells, each lesson cell a code cell holding its Swift source with its printed output
/// as a `stream` and its figures as `display_data` PNGs; CSV previews are `display_data` HTML.
/// The kernelspec names Swift; the notebook is for reading, and Jupyter opens it without a kernel.
enum NotebookFile {
    static func render(_ report: Report) throws -> Data {
        var cells: [[String: Any]] = []
        var ids = Set<String>()
        func uniqueID(_ base: String) -> String {
            var id = String(base.prefix(60)), n = 2
            while ids.contains(id) { id = "\(base.prefix(56))-\(n)"; n += 1 }
            ids.insert(id)
            return id
        }
        cells.append(markdownCell(uniqueID("title"), "# \(report.title)\n\n*\(report.facts)*"))
        var proseCount = 0
        for entry in report.entries {
            switch entry {
            case .prose(let text):
                proseCount += 1
                cells.append(markdownCell(uniqueID("prose-\(proseCount)"), MathNotation.jupyterMarkdown(text.trimmingCharacters(in: .newlines))))
            case .cell(let record, let status, let number):
                cells.append(markdownCell(uniqueID("\(record.id)-title"),
                                          "### [\(number)] \(record.title)\n\n*\(Report.statusNote(record, status))*"))
                cells.append([
                    "cell_type": "code",
                    "id": uniqueID(record.id),
                    "metadata": ["tags": [status.rawValue]],
                    "execution_count": status == .skipped ? NSNull() : number as Any,
                    "source": lines(record.source ?? "// " + Report.sourceUnavailable),
                    "outputs": outputs(record, report),
                ])
            }
        }
        let notebook: [String: Any] = [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "swift", "display_name": "Swift", "language": "swift"],
                "language_info": ["name": "swift", "file_extension": ".swift"],
                "deblurcourse": ["lesson": report.lessonID, "seed": report.manifest.seed, "quick": report.manifest.options.quick],
            ],
            "cells": cells,
        ]
        return try JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private static func outputs(_ record: CellRecord, _ report: Report) -> [[String: Any]] {
        record.outputs.compactMap { output -> [String: Any]? in
            switch output.kind {
            case .text:
                return ["output_type": "stream", "name": "stdout", "text": lines((output.text ?? "") + "\n")]
            case .figure, .image:
                guard let file = output.file else { return nil }
                return ["output_type": "display_data", "metadata": [:] as [String: Any],
                        "data": ["image/png": Data(report.bytes(of: file)).base64EncodedString(),
                                 "text/plain": [output.caption ?? file]]]
            case .table:
                guard let file = output.file else { return nil }
                return ["output_type": "display_data", "metadata": [:] as [String: Any],
                        "data": ["text/html": lines(HTMLReport.csvTable(report, file: file, caption: output.caption)),
                                 "text/plain": ["\(file) (\(output.caption ?? ""))"]]]
            }
        }
    }

    /// nbformat's multiline strings: a list of lines, each keeping its "\n".
    private static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private static func markdownCell(_ id: String, _ text: String) -> [String: Any] {
        ["cell_type": "markdown", "id": id, "metadata": [:] as [String: Any], "source": lines(text)]
    }
}
