import Foundation
import Testing
@testable import Notebook

/// The live view (out/<lesson>/live.html) of the fixture lesson while it runs: finished cells with
/// their outputs and figures, the running cell with its progress bar, a page that refreshes
/// itself; when the run ends it forwards to report.html, or says why the run stopped.
@Suite struct LiveViewTests {
    let fixture = productsFolder.appendingPathComponent("notebook-fixture")

    func start(_ out: URL, _ arguments: [String] = [], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = fixture
        process.arguments = ["--quick", "--out", out.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func live(_ out: URL) -> String { (try? String(contentsOf: out.appendingPathComponent("live.html"), encoding: .utf8)) ?? "" }

    @Test func midRunItShowsFinishedCellsAndTheRunningOneThenForwardsToTheReport() throws {
        let out = try temporaryFolder("live")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try start(out, environment: ["FIXTURE_SLOW": "1"])
        let deadline = Date().addingTimeInterval(60)
        while run.isRunning, !live(out).contains("<progress"), Date() < deadline { usleep(20_000) }
        let page = live(out)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)

        #expect(page.contains("<meta http-equiv=\"refresh\" content=\"2\">"))
        #expect(page.contains("▶ running: [3/3] A loop with progress"))
        #expect(page.contains("<progress value="))
        #expect(page.contains("first 5 squares: 0, 1, 4, 9, 16"), "a finished cell's output")
        #expect(page.contains("<img src=\".staging-"), "a finished cell's figure, linked from the staging folder")
        #expect(!page.contains("sum of squares over the loop"), "the running cell has not printed its result yet")
        #expect(live(out) == HTMLReport.redirectToReport)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))
    }

    @Test func aFailedRunSaysWhyAndKeepsThePreviousReport() throws {
        let out = try temporaryFolder("live-fail")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try start(out, environment: ["FIXTURE_FAIL": "1"])
        run.waitUntilExit()
        #expect(run.terminationStatus == 1)
        #expect(live(out).contains("■ cell &quot;A loop with progress&quot; failed: the loss became NaN at step 3"))
        #expect(!live(out).contains("http-equiv=\"refresh\""))
    }

    @Test func openUsesTheBrowserOrSaysThereIsNone() throws {
        let out = try temporaryFolder("live-open")
        defer { try? FileManager.default.removeItem(at: out) }
        let browser = out.appendingPathComponent("browser.sh"), seen = out.appendingPathComponent("seen.txt")
        try "#!/bin/sh\necho \"$1\" > \(seen.path)\n".write(to: browser, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: browser.path)

        let opened = try runTool(fixture.path, ["--quick", "--out", out.appendingPathComponent("a").path, "--open"],
                                 environment: ["BROWSER": browser.path])
        #expect(opened.status == 0)
        #expect(opened.error.contains("live report: \(out.path)/a/live.html (opened with browser.sh)"), "\(opened.error)")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: seen.path), Date() < deadline { usleep(10_000) }
        #expect((try? String(contentsOf: seen, encoding: .utf8)) == "\(out.path)/a/live.html\n")

        let none = try runTool(fixture.path, ["--quick", "--out", out.appendingPathComponent("b").path, "--open"],
                               environment: ["BROWSER": "", "PATH": out.path])
        #expect(none.status == 0)
        #expect(none.error.contains("no browser to open (no xdg-open or $BROWSER): open \(out.path)/b/live.html yourself"), "\(none.error)")
    }
}
