import Foundation
import Testing
@testable import Notebook

/// The cache key must change exactly when a result can change.
@Suite struct CacheKeyTests {
    static let base = """
        import Notebook
        let scale = 2.0
        let lesson = Lesson("k", title: "K")
        lesson.markdown("Some prose.")
        let model = lesson.shared("model") { ctx in
            [1.0, 2.0]
        }
        lesson.cell("A", uses: [model], data: ["data.txt"]) { ctx in
            ctx.say(try ctx.use(model).map { $0 * scale })
        }
        lesson.cell("B") { ctx in
            ctx.say("b")
        }
        """

    /// The keys of cells A and B for a source text, options and data file contents.
    func keys(_ text: String, _ args: [String] = [], data: String = "x") throws -> [String] {
        let folder = try temporaryFolder("cachekey")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("main.swift")
        try text.write(to: file, atomically: true, encoding: .utf8)
        // The data file's path is part of the key, so it must not vary between calls; its content may.
        let dataFile = FileManager.default.temporaryDirectory.appendingPathComponent("cachekey-\(SHA256.hex(data).prefix(12)).txt")
        try data.write(to: dataFile, atomically: true, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        func line(_ prefix: String) -> Int { lines.firstIndex { $0.hasPrefix(prefix) }! + 1 }
        let lesson = Lesson("k", title: "K")
        lesson.markdown("Some prose.", file: file.path, line: line("lesson.markdown"))
        let model = lesson.shared("model", file: file.path, line: line("let model")) { _ in [1.0] }
        lesson.cell("A", uses: [model], data: [dataFile.path], file: file.path, line: line("lesson.cell(\"A\"")) { _ in }
        lesson.cell("B", file: file.path, line: line("lesson.cell(\"B\"")) { _ in }
        let keys = CacheKeys(lesson: lesson, options: try LessonOptions.parse(args), provenance: Provenance())
        return lesson.cells.map { keys.key(for: $0) }
    }

    @Test func stableForTheSameInputs() throws {
        #expect(try keys(Self.base) == keys(Self.base))
        #expect(try keys(Self.base)[0] != keys(Self.base)[1])
    }

    @Test func ownSourceChangesOnlyThatCell() throws {
        let a = try keys(Self.base), b = try keys(Self.base.replacingOccurrences(of: "ctx.say(\"b\")", with: "ctx.say(\"B\")"))
        #expect(a[0] == b[0] && a[1] != b[1])
    }

    @Test func sharedValueSourceChangesItsUsersOnly() throws {
        let a = try keys(Self.base), b = try keys(Self.base.replacingOccurrences(of: "[1.0, 2.0]", with: "[1.0, 3.0]"))
        #expect(a[0] != b[0] && a[1] == b[1])
    }

    @Test func proseDoesNotMatterButTopLevelCodeDoes() throws {
        let a = try keys(Self.base)
        #expect(try keys(Self.base.replacingOccurrences(of: "Some prose.", with: "Other prose.")) == a)
        let b = try keys(Self.base.replacingOccurrences(of: "let scale = 2.0", with: "let scale = 3.0"))
        #expect(b[0] != a[0] && b[1] != a[1])
    }

    @Test func resultOptionsAndDataMatterRunOptionsDoNot() throws {
        let a = try keys(Self.base)
        #expect(try keys(Self.base, ["--seed", "2"]) != a)
        #expect(try keys(Self.base, ["--quick"]) != a)
        #expect(try keys(Self.base, ["--threads", "2"]) != a)
        #expect(try keys(Self.base, ["--force", "--no-color", "--out", "/tmp/elsewhere", "--only", "B"]) == a)
        let d = try keys(Self.base, data: "changed")
        #expect(d[0] != a[0] && d[1] == a[1])
    }

    @Test func aMissingSourceFileFallsBackToTitleAndExecutable() throws {
        let lesson = Lesson("k", title: "K")
        lesson.cell("Lost", file: "/nonexistent/main.swift", line: 3) { _ in }
        let keys = CacheKeys(lesson: lesson, options: try LessonOptions.parse([]), provenance: Provenance())
        #expect(keys.displaySource(of: lesson.cells[0]) == nil)
        #expect(keys.key(for: lesson.cells[0]) == keys.key(for: lesson.cells[0]))
        let other = Lesson("k", title: "K")
        other.cell("Lost too", file: "/nonexistent/main.swift", line: 3) { _ in }
        #expect(keys.key(for: lesson.cells[0]) != CacheKeys(lesson: other, options: try LessonOptions.parse([]), provenance: Provenance()).key(for: other.cells[0]))
    }

    @Test func cellSeedsDependOnSeedAndCellOnly() {
        let a = CellContext.streamSeed(seed: 1, name: "cell/a")
        #expect(a == CellContext.streamSeed(seed: 1, name: "cell/a"))
        #expect(a != CellContext.streamSeed(seed: 2, name: "cell/a"))
        #expect(a != CellContext.streamSeed(seed: 1, name: "cell/b"))
    }
}
