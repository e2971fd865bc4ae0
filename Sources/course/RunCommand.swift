import ArgumentParser
import Course
import Foundation
import Notebook

/// A lesson id argument, checked against the catalog.
func lessonEntry(_ id: String) throws -> CatalogEntry {
    guard let entry = Catalog.entry(id) else {
        throw ValidationError("unknown lesson \"\(id)\"; lessons: \(Catalog.ids.joined(separator: ", "))")
    }
    return entry
}

extension Course {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one lesson (the same code as its own executable), with the lesson options.")

        @Argument(help: "The lesson id (see `course list`).")
        var lesson: String

        @OptionGroup var options: LessonOptions

        func validate() throws { _ = try lessonEntry(lesson) }

        func run() throws {
            let executable = LessonExecutable(try lessonEntry(lesson))
            guard executable.isAvailable else {
                FileHandle.standardError.write(Data("course: lesson \"\(lesson)\" is not yet available (no executable at \(executable.url.path))\n".utf8))
                throw ExitCode(ExitStatus.unavailable.rawValue)
            }
            let error = executable.exec(options.arguments)
            FileHandle.standardError.write(Data("course: cannot start \(executable.url.path): \(String(cString: strerror(error)))\n".utf8))
            throw ExitCode(ExitStatus.unavailable.rawValue)
        }
    }
}
