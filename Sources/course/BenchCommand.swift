import ArgumentParser
import Foundation
import Notebook

extension Course {
    /// `course bench`: the engine's speed on the workloads of the PyTorch reference script. It
    /// replaces itself with the release `benchmarks` executable built next to `course`, as `course
    /// run` does with lessons, so the timings are those of `swift run -c release benchmarks`.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the engine's workloads (median of 7 runs after at least 2 warm-ups and 0.25 s) at each thread count.",
            discussion: """
                Prints the GEMM in use and one line per workload and thread count; --csv writes \
                workload,threads,ms,note. Benchmarks/compare.sh runs the same workloads in PyTorch \
                alongside and prints the ratios. Exit codes: 0 done, 64 bad option, 69 no benchmarks executable.
                """)

        @Option(help: "Comma-separated thread counts.") var threads = "1,2"
        @Option(help: ArgumentHelp("Also write the results as CSV (workload,threads,ms,note).", valueName: "file")) var csv: String?
        @Option(help: ArgumentHelp("Only these comma-separated workloads.", valueName: "names")) var only: String?

        func validate() throws {
            let counts = threads.split(separator: ",", omittingEmptySubsequences: false)
            guard counts.allSatisfy({ Int($0).map { $0 >= 1 } ?? false }) else {
                throw ValidationError("--threads takes positive integers separated by commas, got '\(threads)'")
            }
        }

        func run() throws {
            let path = LessonExecutable.buildFolder.appendingPathComponent("benchmarks").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                FileHandle.standardError.write(Data("course: no benchmarks executable at \(path); build it with `swift build -c release --product benchmarks`\n".utf8))
                throw ExitCode(ExitStatus.unavailable.rawValue)
            }
            let arguments = ["--threads", threads] + (csv.map { ["--csv", $0] } ?? []) + (only.map { ["--only", $0] } ?? [])
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            execv(path, argv)
            FileHandle.standardError.write(Data("course: cannot start \(path): \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(ExitStatus.unavailable.rawValue)
        }
    }
}
