import ArgumentParser
import Course
import Files
import Foundation
import Notebook

extension Course {
    /// `course slides`: Slides/lecture.md → one self-contained HTML deck (pandoc's dzslides, maths
    /// as MathML, figures and CSS embedded), so it opens offline in any browser.
    struct Slides: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the lecture deck Slides/lecture.html from Slides/lecture.md and the figures of `course figures`.",
            discussion: """
                Uses pandoc (Debian's package: apt-get install -y pandoc) with its built-in dzslides template, MathML \
                for the formulas and Slides/slides.css, and embeds every figure, so the deck needs no network. \
                --quick builds out/slides-quick/lecture.html from the figures of `course figures --quick`. In the \
                browser: arrow keys or space to move, the URL fragment #N opens slide N. Run from the package root.

                Exit codes: 0 success; 1 pandoc failed; 64 usage error; 66 lecture.md or a figure it shows is \
                missing; 69 pandoc is not installed; 74 the deck cannot be written.
                """)

        @Flag(help: "Use the quick figures (out/slides-quick/figures/) and write out/slides-quick/lecture.html.")
        var quick = false

        static let lecture = "Slides/lecture.md"
        static let css = "Slides/slides.css"
        /// The folder that holds `figures/`, and the deck's path.
        var base: String { quick ? "out/slides-quick" : "Slides" }
        var deck: String { base + "/lecture.html" }

        func run() throws {
            let fm = FileManager.default
            for file in [Slides.lecture, Slides.css] where !fm.fileExists(atPath: file) {
                throw oneLineError("slides", 66, "\(file) is missing: run it from the package root")
            }
            let markdown = try String(contentsOfFile: Slides.lecture, encoding: .utf8)
            let missing = SlideFigures.images(in: markdown).filter { !fm.fileExists(atPath: base + "/" + $0) }
            if let first = missing.first {
                let others = missing.count > 1 ? ", as are \(missing.count - 1) more of its figures" : ""
                throw oneLineError("slides", 66, "\(base)/\(first) is missing (\(Slides.lecture) shows it\(others)): run `course figures\(quick ? " --quick" : "")`")
            }
            guard let pandoc = Slides.pandoc() else {
                throw oneLineError("slides", 69, "pandoc is not installed: apt-get install -y pandoc")
            }
            let output = URL(fileURLWithPath: deck)
            do {
                try fm.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw oneLineError("slides", 74, "cannot create \(output.deletingLastPathComponent().path): \(error.localizedDescription)")
            }
            // pandoc writes a temporary file beside the deck, renamed over it only when complete.
            let temporary = output.deletingLastPathComponent().appendingPathComponent(".lecture.html.tmp-\(getpid())")
            defer { try? fm.removeItem(at: temporary) }
            let css = URL(fileURLWithPath: Slides.css).path
            let arguments = [Slides.lecture, "-t", "dzslides", "--mathml", "--css", css, "--resource-path", base,
                             "-o", temporary.path] + Slides.selfContained(version: try Slides.version(of: pandoc))
            let (status, errors) = try Slides.execute(pandoc, arguments)
            guard status == 0 else {
                let reason = errors.split(separator: "\n").first.map(String.init) ?? "exit \(status)"
                throw oneLineError("slides", 1, "pandoc failed on \(Slides.lecture): \(reason)")
            }
            // Warnings (e.g. TeX that has no MathML form) do not stop the deck, but the lecturer should see them.
            if !errors.isEmpty { FileHandle.standardError.write(Data(errors.utf8)) }
            do { try AtomicFile.move(temporary, to: output) } catch {
                throw oneLineError("slides", 74, "cannot write \(deck): \(error)")
            }
            let html = try String(contentsOf: output, encoding: .utf8)
            let slides = html.components(separatedBy: "<section").count - 1
            let megabytes = Double((try? fm.attributesOfItem(atPath: deck)[.size] as? Int) ?? 0) / 1_048_576
            print(String(format: "%@: %d slides, %d figures, %.1f MB — open it in a browser", deck, slides,
                         SlideFigures.images(in: markdown).count, megabytes))
        }

        /// pandoc on the PATH, if any.
        static func pandoc() -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return path.split(separator: ":").map { "\($0)/pandoc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }

        /// The major version from `pandoc --version` ("pandoc 2.17.1.1" → 2).
        static func version(of pandoc: String) throws -> Int {
            let (_, output) = try execute(pandoc, ["--version"], capture: .output)
            let first = output.split(separator: "\n").first ?? ""
            return Int(first.split(separator: " ").last?.split(separator: ".").first ?? "") ?? 2
        }

        /// pandoc 3 renamed `--self-contained` to `--embed-resources --standalone`.
        static func selfContained(version: Int) -> [String] {
            version >= 3 ? ["--embed-resources", "--standalone"] : ["--self-contained", "-s"]
        }

        enum Capture { case output, error }

        /// Runs a program to completion; returns its status and what it wrote to the captured stream.
        static func execute(_ program: String, _ arguments: [String], capture: Capture = .error) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            let pipe = Pipe()
            if capture == .output { process.standardOutput = pipe } else { process.standardError = pipe }
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}
