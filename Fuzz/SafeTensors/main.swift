import CFuzzer
import Foundation
import NN

/// libFuzzer entry: any bytes given to `SafeTensors.parse` either give tensors whose shapes match
/// their values or throw one `CheckpointError`. A trap, a hang or an allocation past
/// `-malloc_limit_mb` is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    do {
        let file = try SafeTensors.parse(bytes, source: "input.safetensors")
        var values = 0
        for (name, tensor) in file.tensors {
            precondition(name != "__metadata__")
            precondition(tensor.shape.reduce(1, *) == tensor.count)
            values += tensor.count
        }
        // Every value came from at least two bytes of the data section.
        precondition(2 * values <= size, "\(values) values from \(size) bytes")
    } catch let error as CheckpointError {
        precondition(!error.description.contains("\n"), "a message of more than one line: \(error)")
    } catch {
        preconditionFailure("not a CheckpointError: \(error)")
    }
    return 0
}

// SwiftPM gives this executable its own main, so libFuzzer is started from it (Fuzz/CFuzzer).
var argc = CommandLine.argc, argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSafeTensors))
