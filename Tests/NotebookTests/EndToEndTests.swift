import Files
import Foundation
import Testing
@testable import Notebook

/// Runs the fixture lesson (Tests/Fixtures/NotebookFixture) and the `course` command as real
/// subprocesses: outputs, cache, failures and Ctrl-C.
@Suite(.serialized) struct EndToEndTests {
    let fixture = productsFolder.appendingPathComponent("notebook-fixture").path

    func runFixture(_ out: URL, _ args: [String] = [], environment: [String: String] = [:]) throws -> ToolResult {
        try runTool(fixture, ["--quick", "--out", out.path] + args, environment: environment)
    }

    func manifest(_ out: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
    }

    func statuses(_ out: URL) throws -> [String] {
        (try manifest(out)["cells"] as! [[String: Any]]).map { $0["status"] as! String }
    }

    func leftovers(_ out: URL) -> [String] {
        snapshot(out).keys.filter { $0.contains(".staging-") || $0.contains(AtomicFile.temporaryMarker) }
    }

    @Test func aRunWritesEveryOutput() throws {
        let out = try temporaryFolder("fixture")
        let result = try runFixture(out)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        for file in ["report.html", "report.md", "manifest.json", "notebook-fixture.ipynb", "squares.csv", "sine.png", "sine.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        let m = try manifest(out)
        #expect(m["lesson"] as? String == "notebook-fixture")
        #expect(m["seed"] as? Int == 1)
        #expect(m["threads"] as? Int == 1)
        #expect(!(m["openblas_core"] as? String ?? "").isEmpty)
        #expect(!(m["gemm"] as? String ?? "").isEmpty)
        #expect((m["options"] as? [String: Any])?["quick"] as? Bool == true)
        #expect((m["metrics"] as? [String: Double])?["js_at_disjoint"] == 0.6931)
        #expect(try statuses(out) == ["ran", "ran", "ran"])
        let artifacts = m["artifacts"] as! [[String: Any]]
        #expect(Set(artifacts.map { $0["file"] as! String }) == ["squares.csv", "sine.png", "sine.svg"])
        for artifact in artifacts {
            let url = out.appendingPathComponent(artifact["file"] as! String)
            #expect(SHA256.hex(fileAt: url) == artifact["sha256"] as? String)
            #expect(try Data(contentsOf: url).count == artifact["bytes"] as? Int)
        }
        #expect(try String(contentsOf: out.appendingPathComponent("squares.csv"), encoding: .utf8).hasPrefix("i,square,\"noise, uniform\"\n0,0,"))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<img src=\"data:image/png;base64,"))
        #expect(html.contains("<summary>Swift source</summary>"))
        #expect(html.contains("p<sub>r</sub>(x) / (p<sub>r</sub>(x) + p<sub>g</sub>(x))"))
        #expect(html.contains("<math display=\"block\"><mrow><msup><mi>D</mi><mo>*</mo></msup>"), "the display equation, typeset")
        #expect(!html.contains("src=\"http"))
        #expect(result.output.contains("first 5 squares: 0, 1, 4, 9, 16"))
        #expect(leftovers(out).isEmpty)
    }

    @Test func theNotebookValidatesAgainstNbformat4() throws {
        let out = try temporaryFolder("fixture")
        #expect(try runFixture(out).status == 0)
        let check = try runTool("/usr/bin/env", ["python3", "-c", """
            import sys, nbformat
            nb = nbformat.read(sys.argv[1], as_version=4)
            nbformat.validate(nb)
            kinds = [c.cell_type for c in nb.cells]
            outputs = [o.output_type for c in nb.cells if c.cell_type == "code" for o in c.outputs]
            print(nb.nbformat, nb.nbformat_minor, kinds.count("code"), "display_data" in outputs, "stream" in outputs)
            """, out.appendingPathComponent("notebook-fixture.ipynb").path])
        #expect(check.status == 0, "nbformat: \(check.error) (pip install nbformat jsonschema)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "4 5 3 True True")
    }

    /// Whether Python can import nbconvert (Scripts/test installs it).
    static let hasNbconvert = (try? runTool("/usr/bin/env", ["python3", "-c", "import nbconvert"]).status) == 0

    /// The notebook also converts with `jupyter nbconvert --to html`, its figure inline.
    @Test(.enabled(if: EndToEndTests.hasNbconvert, "nbconvert cannot be imported here (python3 -m pip install nbconvert)"))
    func theNotebookConvertsToHTMLWithNbconvert() throws {
        let out = try temporaryFolder("fixture")
        #expect(try runFixture(out).status == 0)
        let html = out.appendingPathComponent("nbconvert.html")
        let convert = try runTool("/usr/bin/env", ["python3", "-m", "nbconvert", "--to", "html", "--output", html.path,
                                                   out.appendingPathComponent("notebook-fixture.ipynb").path])
        #expect(convert.status == 0, "nbconvert: \(convert.error)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 1, "the fixture's one figure, inline")
        #expect(page.contains("first 5 squares: 0, 1, 4, 9, 16"), "the printed output")
        #expect(page.contains("\\frac{{p}_{r}"), "the display equation as LaTeX, for MathJax to typeset")
    }

    @Test func unchangedCellsAreCachedAndReplayed() throws {
        let out = try temporaryFolder("fixture")
        let first = try runFixture(out)
        #expect(first.status == 0)
        let before = snapshot(out)
        let second = try runFixture(out)
        #expect(second.status == 0)
        #expect(second.output.components(separatedBy: "cached").count - 1 >= 3)
        #expect(second.output.contains("first 5 squares: 0, 1, 4, 9, 16"), "cached output is replayed")
        #expect(try statuses(out) == ["cached", "cached", "cached"])
        #expect(snapshot(out)["sine.png"] == before["sine.png"])
        #expect(snapshot(out)["squares.csv"] == before["squares.csv"])

        #expect(try runFixture(out, ["--only", "3", "--force"]).status == 0)
        #expect(try statuses(out) == ["cached", "cached", "ran"])
        #expect(try runFixture(out, ["--seed", "2"]).status == 0)
        #expect(try statuses(out) == ["ran", "ran", "ran"])
        #expect(try runFixture(out, ["--seed", "2", "--force"]).status == 0)
        #expect(try statuses(out) == ["ran", "ran", "ran"])
        #expect(snapshot(out)["sine.png"] == before["sine.png"], "figures are deterministic")
    }

    @Test func aFailingCellLeavesThePreviousOutputs() throws {
        let out = try temporaryFolder("fixture")
        #expect(try runFixture(out).status == 0)
        let before = snapshot(out)
        let failed = try runFixture(out, ["--force"], environment: ["FIXTURE_FAIL": "1"])
        #expect(failed.status == 1)
        #expect(failed.error.contains("✗ cell \"A loop with progress\" failed: the loss became NaN at step 3"))
        #expect(snapshot(out) == before)
    }

    @Test func anUnknownOnlyCellIsAUsageError() throws {
        let out = try temporaryFolder("fixture")
        let result = try runFixture(out, ["--only", "nope"])
        #expect(result.status == 64)
        #expect(result.error.contains("1 numbers-and-a-table, 2 a-figure, 3 a-loop-with-progress"))
        let bad = try runFixture(out, ["--threads", "0"])
        #expect(bad.status == 64)
        #expect(bad.error.contains("--threads must be at least 1"))
    }

    /// Ctrl-C (and SIGTERM) in the middle of a cell: the previous outputs stay byte for byte, no
    /// temporary file or staging folder remains, and the exit code says which signal it was.
    @Test(arguments: [(SIGINT, Int32(130), "interrupted"), (SIGTERM, Int32(143), "terminated")])
    func aSignalMidCellLeavesThePreviousOutputs(_ signal: Int32, _ code: Int32, _ word: String) throws {
        let out = try temporaryFolder("fixture")
        #expect(try runFixture(out).status == 0)
        let before = snapshot(out)

        let log = out.deletingLastPathComponent().appendingPathComponent("\(out.lastPathComponent).log")
        let err = out.deletingLastPathComponent().appendingPathComponent("\(out.lastPathComponent).err")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log); try? FileManager.default.removeItem(at: err) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: fixture)
        process.arguments = ["--quick", "--force", "--out", out.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["FIXTURE_SLOW": "1"]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("loop started"), Date() < deadline {
            usleep(20_000)
        }
        usleep(300_000)  // well inside the 6-second loop
        #expect(process.isRunning, "the slow cell should still be running")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()

        #expect(process.terminationStatus == code)
        let stderr = try String(contentsOf: err, encoding: .utf8)
        #expect(stderr.contains("✗ \(word) in cell \"A loop with progress\""), "\(stderr)")
        #expect(snapshot(out) == before)
        #expect(leftovers(out).isEmpty)
    }

    @Test func courseRunsLessonsByIdAndAllOfThem() throws {
        // A build folder of our own: `course` next to the fixture posing as the first lesson.
        let bin = try temporaryFolder("coursebin")
        try FileManager.default.copyItem(at: productsFolder.appendingPathComponent("course"), to: bin.appendingPathComponent("course"))
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("blur-model").path, withDestinationPath: fixture)
        let course = bin.appendingPathComponent("course").path
        let work = try temporaryFolder("coursework")

        let list = try runTool(course, ["list"], in: work)  // a folder with no out/: nothing has run there
        #expect(list.status == 0)
        #expect(list.output.contains("blur-model") && list.output.contains("The blur model"))
        #expect(list.output.contains("GAN minimax and its failure modes  (not yet available)"))
        #expect(!list.output.contains("The blur model  (not yet available)"))
        #expect(list.output.contains("last run: never run"))

        let unknown = try runTool(course, ["run", "nope"])
        #expect(unknown.status == 64)
        #expect(unknown.error.contains("unknown lesson \"nope\"; lessons: blur-model, gan-minimax"))
        #expect(try runTool(course, ["run", "gan-minimax", "--quick"]).status == 69)

        let run = try runTool(course, ["run", "blur-model", "--quick", "--out", work.appendingPathComponent("one").path])
        #expect(run.status == 0, "\(run.error)")
        #expect(try manifest(work.appendingPathComponent("one"))["lesson"] as? String == "notebook-fixture")
        #expect(try manifest(work.appendingPathComponent("one"))["lesson_source_sha256"] as? String != nil)

        let all = try runTool(course, ["all", "--quick"], in: work)
        #expect(all.status == 0, "\(all.output)\n\(all.error)")
        #expect(all.output.contains("[1/6] blur-model        ok"))
        #expect(all.output.contains("[2/6] gan-minimax       not yet available"))
        #expect(all.output.contains("blur-model          ok                        "))
        #expect(all.output.contains("3 artifacts"))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("out/logs/blur-model.log").path))

        let failing = try runTool(course, ["all", "--quick", "--force"], environment: ["FIXTURE_FAIL": "1"], in: work)
        #expect(failing.status == 1)
        #expect(failing.output.contains("[1/6] blur-model        failed (exit 1)"))
        #expect(failing.output.contains("✗ cell \"A loop with progress\" failed: the loss became NaN at step 3"))
        #expect(failing.output.contains("[6/6] deblurgan         not yet available"))

        // Ctrl-C to `course all` reaches the running lesson (its own process group), which stops
        // cleanly; `course` reports it and exits 130.
        let before = snapshot(work.appendingPathComponent("out/blur-model"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: course)
        process.arguments = ["all", "--quick", "--force"]
        process.currentDirectoryURL = work
        process.environment = ProcessInfo.processInfo.environment.merging(["FIXTURE_SLOW": "1"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        usleep(2_500_000)  // inside the fixture's 6-second loop
        kill(process.processIdentifier, SIGINT)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(output.contains("[1/6] blur-model        interrupted"))
        #expect(snapshot(work.appendingPathComponent("out/blur-model")) == before)
    }
}
