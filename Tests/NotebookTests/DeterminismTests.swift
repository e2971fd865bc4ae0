import Autograd
import Course
import Foundation
import Testing
@testable import Notebook

/// The same seed and thread count give the same results: every lesson runs twice in quick mode
/// (`--force`, one thread, two fresh output folders, both runs at once) and every CSV, PNG and SVG
/// artifact of the two runs must be byte-identical. The one exception is time: CSV columns named
/// `seconds…` or `…_seconds` (`seconds_mean`, `cpu_seconds`, …) and figures named `…cpu_time…`
/// (plotted against CPU time) measure the machine, not the computation, and are compared by
/// presence only. Reports and manifest.json differ by design (dates, timings).
@Suite struct DeterminismTests {
    /// The CSV with the values of its `seconds…` columns blanked.
    static func withoutTimings(_ csv: String) -> String {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false) else { return csv }
        let timing = Set(header.indices.filter { header[$0].hasPrefix("seconds") || header[$0].hasSuffix("_seconds") })
        guard !timing.isEmpty else { return csv }
        return lines.enumerated().map { number, line in
            guard number > 0 else { return String(line) }
            return line.split(separator: ",", omittingEmptySubsequences: false).enumerated()
                .map { timing.contains($0.offset) ? "" : String($0.element) }.joined(separator: ",")
        }.joined(separator: "\n")
    }

    @Test func timingColumnsAreBlanked() {
        #expect(Self.withoutTimings("variant,psnr,seconds_mean\nl1,19.5,0.42\n") == "variant,psnr,seconds_mean\nl1,19.5,\n")
        #expect(Self.withoutTimings("step,loss,cpu_seconds\n1,0.5,0.01\n") == "step,loss,cpu_seconds\n1,0.5,\n")
        #expect(Self.withoutTimings("a,b\n1,2\n") == "a,b\n1,2\n")
    }

    @Test(arguments: Catalog.ids)
    func quickRunsGiveIdenticalArtifacts(_ id: String) throws {
        try expectIdenticalRuns(id, threads: (1, 1))
    }

    /// With the engine's own GEMM, whose sums run in the same order however a product or a batch
    /// is split, not even the thread count changes a result: checked on the lessons with
    /// convolutions (batches spread over threads, products split, Winograd's transforms).
    @Test(.enabled(if: Engine.defaultGEMM == .avx512, "OpenBLAS's products depend on its thread count"),
          arguments: ["conditional-gan", "deblurgan"])
    func oneAndTwoThreadsGiveIdenticalArtifacts(_ id: String) throws {
        try expectIdenticalRuns(id, threads: (1, 2))
    }

    func expectIdenticalRuns(_ id: String, threads: (Int, Int)) throws {
        let work = try temporaryFolder("determinism-\(id)-\(threads.1)")
        defer { try? FileManager.default.removeItem(at: work) }
        let outs = ["a", "b"].map { work.appendingPathComponent($0) }
        let start = Date()
        let runs = try zip(outs, [threads.0, threads.1]).map { out, count in
            let process = Process()
            process.executableURL = productsFolder.appendingPathComponent(id)
            process.arguments = ["--quick", "--force", "--threads", "\(count)", "--out", out.path]
            process.currentDirectoryURL = work
            let log = work.appendingPathComponent("\(out.lastPathComponent).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = process.standardOutput
            try process.run()
            return (process, log)
        }
        for (process, log) in runs {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        print("\(id): two quick runs (threads \(threads.0) and \(threads.1)) side by side in \(String(format: "%.0f", Date().timeIntervalSince(start))) s")

        let (a, b) = (snapshot(outs[0]), snapshot(outs[1]))
        func artifacts(_ files: [String: Data]) -> Set<String> {
            Set(files.keys.filter { file in !file.hasPrefix(".") && [".csv", ".png", ".svg"].contains { file.hasSuffix($0) } })
        }
        #expect(artifacts(a).contains { $0.hasSuffix(".csv") } && artifacts(a).contains { $0.hasSuffix(".png") })
        #expect(artifacts(a) == artifacts(b))
        for file in artifacts(a).sorted() {
            if file.hasSuffix(".csv") {
                let (x, y) = (String(decoding: a[file]!, as: UTF8.self), String(decoding: b[file] ?? Data(), as: UTF8.self))
                #expect(Self.withoutTimings(x) == Self.withoutTimings(y), "\(id): \(file) differs between two runs")
            } else if !file.contains("cpu_time") {
                #expect(a[file] == b[file], "\(id): \(file) differs between two runs")
            }
        }
    }
}
