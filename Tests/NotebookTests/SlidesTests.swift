@testable import Course
import Foundation
import Testing
@testable import Notebook

/// The lecture deck: the slide-figure registry against the lessons' source and Slides/lecture.md
/// (static), and `course figures --quick` + `course slides --quick` as real subprocesses.
@Suite(.serialized) struct SlidesTests {
    let course = productsFolder.appendingPathComponent("course").path
    let lecture = packageRoot.appendingPathComponent("Slides/lecture.md")

    func lectureImages() throws -> [String] {
        SlideFigures.images(in: try String(contentsOf: lecture, encoding: .utf8))
    }

    /// The source of a lesson's cell: from its `lesson.cell("<title>"` to the brace that closes
    /// its body (the first one in column 0).
    func cellSource(_ figure: SlideFigure) throws -> Substring? {
        let folder = try #require(Catalog.entry(figure.lesson)).folder
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Lessons/\(folder)/main.swift"), encoding: .utf8)
        guard let start = source.range(of: "\nlesson.cell(\"\(figure.cell)\"") else { return nil }
        let rest = source[start.upperBound...]
        return rest[..<(rest.range(of: "\n}")?.lowerBound ?? rest.endIndex)]
    }

    @Test func everyLectureImageIsARegisteredFigure() throws {
        let images = try lectureImages()
        #expect(images.count >= SlideFigures.all.count)
        let registered = Set(SlideFigures.all.map { "figures/\($0.name).png" })
        for image in images {
            #expect(registered.contains(image), "lecture.md shows \(image), which no lesson cell is registered to draw")
        }
    }

    @Test func everyRegisteredFigureIsOnASlide() throws {
        let images = Set(try lectureImages())
        for figure in SlideFigures.all {
            #expect(images.contains("figures/\(figure.name).png"), "\(figure.name) is registered but no slide shows it")
        }
    }

    @Test func theRegistryIsWellFormed() {
        let names = SlideFigures.all.map(\.name)
        #expect(Set(names).count == names.count, "stable names must be unique")
        for figure in SlideFigures.all {
            #expect(figure.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(figure.name)")
            #expect(Catalog.entry(figure.lesson) != nil, "\(figure.name): unknown lesson \(figure.lesson)")
        }
        let pairs = SlideFigures.all.map { "\($0.lesson)/\($0.artifact)" }
        #expect(Set(pairs).count == pairs.count, "one lesson figure on two slides")
    }

    /// What is wrong with a registry entry, judged from the lesson's source: the figure must be
    /// drawn inside its registered cell, by the literal `ctx.figure("<artifact>"` or by the
    /// registered source call, whose quoted name (each interpolation `\(…)` read as "one or more
    /// characters") must match the artifact name exactly.
    func problems(_ figure: SlideFigure) throws -> [String] {
        guard let cell = try cellSource(figure) else { return ["\(figure.lesson) has no cell titled \"\(figure.cell)\""] }
        var problems: [String] = []
        if !cell.contains(figure.call) { problems.append("cell \"\(figure.cell)\" of \(figure.lesson) does not contain \(figure.call)") }
        let quoted = figure.call.split(separator: "\"", maxSplits: 1).last.flatMap { $0.split(separator: "\"").first } ?? ""
        let literals = String(quoted).replacingOccurrences(of: #"\\\([^)]*\)"#, with: "\u{0}", options: .regularExpression)
            .split(separator: "\u{0}", omittingEmptySubsequences: false)
        let pattern = "^" + literals.map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".+") + "$"
        if figure.artifact.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(figure.artifact) is not a name \(figure.call) can produce")
        }
        return problems
    }

    @Test(arguments: SlideFigures.all.map(\.name))
    func theRegisteredCellDrawsTheFigure(_ name: String) throws {
        let figure = try #require(SlideFigures.all.first { $0.name == name })
        #expect(try problems(figure) == [])
    }

    @Test func theSourceCheckCatchesWrongEntries() throws {
        let wrongCell = SlideFigure("x", "blur-model", "kernels", cell: "One photo, term by term")
        #expect(try problems(wrongCell) == ["cell \"One photo, term by term\" of blur-model does not contain ctx.figure(\"kernels\""])
        let noCell = SlideFigure("x", "blur-model", "kernels", cell: "No such cell")
        #expect(try problems(noCell) == ["blur-model has no cell titled \"No such cell\""])
        let wrongName = SlideFigure("x", "gan-minimax", "samples_minimax", cell: "Mode collapse on 8 Gaussians",
                                    sourceCall: "ctx.figure(\"snapshots_\\(loss.name)\"")
        #expect(try problems(wrongName) == ["samples_minimax is not a name ctx.figure(\"snapshots_\\(loss.name)\" can produce"])
    }

    @Test func quickFiguresBuildASelfContainedDeck() throws {
        let work = try slidesWorkFolder()
        let start = Date()
        let figures = try runTool(course, ["figures", "--quick"], in: work)
        let figuresSeconds = Date().timeIntervalSince(start)
        #expect(figures.status == 0, "\(figures.output)\n\(figures.error)")
        #expect(figures.output.contains("\(SlideFigures.all.count) of \(SlideFigures.all.count) figures copied to out/slides-quick/figures/"))
        for figure in SlideFigures.all {
            let png = work.appendingPathComponent("out/slides-quick/figures/\(figure.name).png")
            #expect(try Data(contentsOf: png).starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(figure.name)")
            #expect(figures.output.contains("\n\(figure.name)  "), "\(figure.name) is not in the table")
            #expect(figures.output.contains("  \(figure.lesson)/\(figure.artifact)  "))
        }
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("Slides/figures").path),
                "quick figures never go to Slides/figures")

        let slides = try runTool(course, ["slides", "--quick"], in: work)
        #expect(slides.status == 0, "\(slides.output)\n\(slides.error)")
        let html = try String(contentsOf: work.appendingPathComponent("out/slides-quick/lecture.html"), encoding: .utf8)
        let external = try NSRegularExpression(pattern: #"(src|href)\s*=\s*["']?\s*(https?:)?//"#, options: .caseInsensitive)
        #expect(external.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) == nil, "the deck loads something from the network")
        #expect(html.contains("<math"), "formulas are MathML")
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == (try lectureImages()).count)
        for figure in SlideFigures.all {
            let base64 = try Data(contentsOf: work.appendingPathComponent("out/slides-quick/figures/\(figure.name).png")).base64EncodedString()
            #expect(html.contains("data:image/png;base64,\(base64)"), "\(figure.name) is not embedded")
        }
        print("course figures --quick: \(String(format: "%.0f", figuresSeconds)) s")

        // The same seed in a fresh folder draws the same bytes: photos and kernels, and a trained
        // network — all but the figure drawn against measured CPU time (see DeterminismTests).
        let again = try slidesWorkFolder()
        let lessons = ["blur-model", "deblurgan"]
        #expect(try runTool(course, ["figures", "--quick", "--only", lessons.joined(separator: ",")], in: again).status == 0)
        for figure in SlideFigures.all where lessons.contains(figure.lesson) && !figure.artifact.contains("cpu_time") {
            let path = "out/slides-quick/figures/\(figure.name).png"
            #expect(try Data(contentsOf: work.appendingPathComponent(path)) == Data(contentsOf: again.appendingPathComponent(path)),
                    "\(figure.name) differs between two runs with the same seed")
        }
    }

    @Test func aMissingFigureStopsTheDeck() throws {
        let work = try slidesWorkFolder(lecture: "# Part\n\n## A slide\n\n![a figure](figures/nope.png)\n")
        let result = try runTool(course, ["slides"], in: work)
        #expect(result.status == 66)
        #expect(result.error == "course slides: Slides/figures/nope.png is missing (Slides/lecture.md shows it): run `course figures`\n")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("Slides/lecture.html").path))
    }

    @Test func withoutPandocItSaysHowToInstallIt() throws {
        let work = try slidesWorkFolder(lecture: "# Part\n\n## A slide\n\n- no figure\n")
        let result = try runTool(course, ["slides"], environment: ["PATH": "/nonexistent"], in: work)
        #expect(result.status == 69)
        #expect(result.error == "course slides: pandoc is not installed: apt-get install -y pandoc\n")
    }

    /// `course figures` with the notebook fixture posing as blur-model: the lesson runs, but the
    /// figures the lecture needs from it are not among its outputs.
    @Test func aLessonWithoutItsSlideFigureFails() throws {
        let bin = try temporaryFolder("figuresbin")
        try FileManager.default.copyItem(at: productsFolder.appendingPathComponent("course"), to: bin.appendingPathComponent("course"))
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("blur-model").path,
                                                   withDestinationPath: productsFolder.appendingPathComponent("notebook-fixture").path)
        let work = try slidesWorkFolder()
        let result = try runTool(bin.appendingPathComponent("course").path, ["figures", "--quick", "--only", "blur-model"], in: work)
        #expect(result.status == 66, "\(result.output)\n\(result.error)")
        #expect(result.output.contains("[1/1] blur-model        ok"))
        #expect(result.error.contains("course figures: figure blur-trajectories: blur-model did not draw trajectories.png (not in out/figures-quick/blur-model/manifest.json)"),
                "\(result.error)")
    }

    @Test(arguments: [
        (["--only", "nope"], "unknown lesson \"nope\"; lessons: blur-model"),
        (["--threads", "0"], "--threads must be at least 1, got 0."),
    ])
    func badFlagsAreUsageErrors(_ args: [String], _ message: String) throws {
        let result = try runTool(course, ["figures"] + args)
        #expect(result.status == 64)
        #expect(result.error.contains(message), "\(result.error)")
    }

    /// A folder to run `course` in, with the lecture's Slides/lecture.md (or `lecture`) and slides.css.
    func slidesWorkFolder(lecture text: String? = nil) throws -> URL {
        let work = try temporaryFolder("slides")
        let slides = work.appendingPathComponent("Slides")
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Slides/slides.css"), to: slides.appendingPathComponent("slides.css"))
        if let text {
            try text.write(to: slides.appendingPathComponent("lecture.md"), atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.copyItem(at: lecture, to: slides.appendingPathComponent("lecture.md"))
        }
        return work
    }
}
