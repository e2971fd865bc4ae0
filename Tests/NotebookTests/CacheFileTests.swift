import Foundation
import Testing
@testable import Notebook

/// A damaged or hand-edited `.cache/cells.json` is no cache at all: the cells run again, and a
/// file name in it can never make the runner read or delete a file outside its output folder.
@Suite(.serialized) struct CacheFileTests {
    let fixture = productsFolder.appendingPathComponent("notebook-fixture").path

    func statuses(_ out: URL) throws -> [String] {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        return (manifest["cells"] as! [[String: Any]]).map { $0["status"] as! String }
    }

    @Test func recordsNamingFilesOutsideTheFolderAreRefused() throws {
        let record = #"{"id":"a","title":"A","key":"k","seconds":1,"outputs":[],"metrics":[],"artifacts":[%@]}"#
        func cache(_ artifact: String) -> Data {
            Data(#"{"a":\#(record.replacingOccurrences(of: "%@", with: artifact))}"#.utf8)
        }
        let plain = #"{"file":"table.csv","cell":"a","bytes":3,"sha256":"00"}"#
        #expect(CacheStore.decode(cache(plain))["a"]?.artifacts.map(\.file) == ["table.csv"])
        for name in ["../victim.txt", "/etc/passwd", ".hidden", "", "sub/table.csv"] {
            #expect(CacheStore.decode(cache(plain.replacingOccurrences(of: "table.csv", with: name))).isEmpty, "\(name)")
        }
        #expect(CacheStore.decode(Data("{\"a\": {\"id\": ".utf8)).isEmpty)
    }

    /// Before the check, a record listing `../victim.txt` whose key no longer matched made the
    /// end of the run delete that file as an artifact the cell no longer writes.
    @Test func aTamperedCacheRunsTheCellsAgainAndTouchesNothingOutside() throws {
        let work = try temporaryFolder("tampered-cache")
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("out"), victim = work.appendingPathComponent("victim.txt")
        #expect(try runTool(fixture, ["--quick", "--out", out.path]).status == 0)
        try Data("keep me\n".utf8).write(to: victim)

        let cacheURL = out.appendingPathComponent(".cache/cells.json")
        var records = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: cacheURL)) as? [String: [String: Any]])
        var first = try #require(records["numbers-and-a-table"])
        first["key"] = "stale"
        first["artifacts"] = (first["artifacts"] as? [Any] ?? []) + [["file": "../victim.txt", "cell": "numbers-and-a-table",
                                                                     "bytes": 8, "sha256": SHA256.hex(fileAt: victim)!]]
        records["numbers-and-a-table"] = first
        try JSONSerialization.data(withJSONObject: records).write(to: cacheURL)

        let again = try runTool(fixture, ["--quick", "--out", out.path])
        #expect(again.status == 0, "\(again.error)")
        #expect(try statuses(out) == ["ran", "ran", "ran"])
        #expect(FileManager.default.fileExists(atPath: victim.path))

        // A cache cut in half is no cache either: everything runs again.
        let bytes = try Data(contentsOf: cacheURL)
        try bytes.prefix(bytes.count / 2).write(to: cacheURL)
        #expect(try runTool(fixture, ["--quick", "--out", out.path]).status == 0)
        #expect(try statuses(out) == ["ran", "ran", "ran"])
    }
}
