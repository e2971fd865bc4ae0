import ArgumentParser
import Course
import Foundation
import Notebook

extension Course {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the lessons: id, title, what each teaches, roughly how long it takes, and the state of its last run.",
            discussion: """
                A lesson's state comes from out/<id>/manifest.json (run from the package root): never run, up to \
                date (quick or full, seed, when), or stale — its source or the library changed since, so the \
                next run recomputes cells.
                """)

        func run() {
            print(List.table())
        }

        static func table(width: Int = 100) -> String {
            let idWidth = Catalog.ids.map(\.count).max()! + 2
            var lines = ["#  " + "id".padding(idWidth) + "quick".padding(9) + "full".padding(9) + "title"]
            let library = LessonState.currentLibraryDigest()
            for (n, entry) in Catalog.lessons.enumerated() {
                let available = LessonExecutable(entry).isAvailable
                lines.append("\(n + 1)  " + entry.id.padding(idWidth) + entry.quickTime.padding(9) + entry.fullTime.padding(9)
                             + entry.title + (available ? "" : "  (not yet available)"))
                let indent = String(repeating: " ", count: 3 + idWidth)
                lines += wrap(entry.teaches, width: width, indent: indent)
                let state = LessonState.of(source: URL(fileURLWithPath: "Lessons/\(entry.folder)/main.swift"),
                                           outFolder: URL(fileURLWithPath: "out/\(entry.id)"), libraryDigest: library)
                lines.append(indent + "last run: \(state.description)")
            }
            lines.append("")
            lines.append("Run one with `course run <id> [--quick]`, or all with `course all --quick`.")
            return lines.joined(separator: "\n")
        }

        private static func wrap(_ text: String, width: Int, indent: String) -> [String] {
            var lines: [String] = [], line = indent
            for word in text.split(separator: " ") {
                if line.count > indent.count && line.count + 1 + word.count > width {
                    lines.append(line); line = indent
                }
                line += (line.count > indent.count ? " " : "") + word
            }
            lines.append(line)
            return lines
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
