import CFuzzer
import Foundation
@testable import Notebook

/// libFuzzer entry: the runner's two JSON readers on any bytes. The cache reader must return
/// either nothing or records that name only plain files inside the output folder (replaying reads
/// them, a finished run deletes stale ones); the manifest reader must decode or throw. A trap or a
/// hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecords(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    for record in CacheStore.decode(bytes).values {
        for file in record.artifacts.map(\.file) + record.outputs.compactMap(\.file) {
            precondition(!file.isEmpty && !file.contains("/") && !file.hasPrefix("."), "a cached record names \(file)")
        }
    }
    _ = try? JSON.decode(Manifest.self, from: bytes)
    return 0
}

// SwiftPM gives this executable its own main, so libFuzzer is started from it (Fuzz/CFuzzer).
var argc = CommandLine.argc, argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRecords))
