import CFuzzer
import Foundation
import Imaging

/// libFuzzer entry: any bytes given to `PNG.decode` either decode into a sane image or throw one
/// `ImagingError` of one line. Anything else — a trap, a hang, an allocation past libFuzzer's
/// `-malloc_limit_mb` (a header promising a picture the data cannot hold) — is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let image = try PNG.decode(bytes, path: "input.png")
        precondition(image.channels == 1 || image.channels == 3, "\(image.channels) channels")
        precondition(image.width > 0 && image.height > 0 && image.width * image.height <= PNG.maxPixels)
        precondition(image.pixels.count == image.channels * image.width * image.height)
        precondition(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "a value outside [0, 1]")
        // What the course reads it can write back (`course deblur` does).
        _ = try PNG.encode(image)
    } catch let error as ImagingError {
        precondition(!error.description.contains("\n"), "a message of more than one line: \(error)")
    } catch {
        preconditionFailure("not an ImagingError: \(error)")
    }
    return 0
}

// SwiftPM gives this executable its own main, so libFuzzer is started from it (Fuzz/CFuzzer).
var argc = CommandLine.argc, argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzPNG))
