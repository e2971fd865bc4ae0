import Foundation
import Testing
@testable import Notebook

/// `course compare` as a real subprocess: the quick comparison writes its table and grid with the
/// lesson runner's conventions (manifest, report, cache), and bad flags are usage errors.
@Suite(.serialized) struct CompareCommandTests {
    let course = productsFolder.appendingPathComponent("course").path

    @Test func quickComparisonWritesTableAndGrid() throws {
        let out = try temporaryFolder("compare")
        let result = try runTool(course, ["compare", "--quick", "--out", out.path])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        for file in ["table.csv", "table.md", "runs.csv", "curves.csv", "summary.png", "grid.png", "grid.svg", "report.html", "manifest.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("table.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first?.hasPrefix("variant,runs,diverged,modes_covered_mean") == true)
        #expect(csv.dropFirst().map { String($0.split(separator: ",")[0]) }
                == ["minimax", "nonsaturating", "wgan", "wgan-gp", "lsgan", "hinge", "r1"])
        let md = try String(contentsOf: out.appendingPathComponent("table.md"), encoding: .utf8)
        #expect(md.hasPrefix("| variant | modes covered (of 8) |"))
        #expect(result.output.contains("| wgan-gp | "), "the table is printed")
        let png = try Data(contentsOf: out.appendingPathComponent("grid.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        #expect(manifest["lesson"] as? String == "compare")
        #expect(Set((manifest["artifacts"] as! [[String: Any]]).map { $0["file"] as! String })
                == ["table.csv", "table.md", "runs.csv", "curves.csv", "summary.png", "summary.svg", "grid.png", "grid.svg"])

        // The same settings again: replayed from the cache, table printed again, files unchanged.
        let before = snapshot(out)
        let again = try runTool(course, ["compare", "--quick", "--out", out.path])
        #expect(again.status == 0)
        #expect(again.output.contains("cached") && again.output.contains("| wgan-gp | "))
        #expect(snapshot(out)["table.csv"] == before["table.csv"])
    }

    @Test(arguments: [
        (["--variants", "minimax,nope"], "unknown variant \"nope\"; variants: minimax, nonsaturating, wgan, wgan-gp, lsgan, hinge, r1"),
        (["--steps", "0"], "--steps must be positive, got 0."),
        (["--seeds", "0"], "--seeds must be positive, got 0."),
        (["--dataset", "moons"], "unknown dataset \"moons\"; datasets: 8gaussians, 25gaussians, swissroll"),
    ])
    func badFlagsAreUsageErrors(_ args: [String], _ message: String) throws {
        let result = try runTool(course, ["compare"] + args)
        #expect(result.status == 64)
        #expect(result.error.contains(message), "\(result.error)")
    }
}
