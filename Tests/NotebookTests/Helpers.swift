import Foundation

/// The folder SwiftPM builds products into (the test runner sits in it too).
let productsFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

struct ToolResult {
    let status: Int32
    let output: String
    let error: String
}

/// Runs a program to completion, capturing stdout and stderr.
func runTool(_ path: String, _ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    process.environment = env
    if let folder { process.currentDirectoryURL = folder }
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
    let err = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every file under a folder (hidden ones included) with its bytes — except the runner's live
/// view (`live.html`), which is a run's status page, rewritten by every run, not one of its outputs.
func snapshot(_ folder: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return files }
    for case let path as String in walker {
        var isDir: ObjCBool = false
        let url = folder.appendingPathComponent(path)
        if path.hasSuffix("live.html") { continue }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
            files[path] = try? Data(contentsOf: url)
        }
    }
    return files
}
