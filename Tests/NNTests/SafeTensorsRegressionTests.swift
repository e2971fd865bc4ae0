import Foundation
import Testing
@testable import NN

/// Inputs that once broke the safetensors reader, found by Scripts/fuzz.sh and kept in
/// Tests/Fixtures/Regressions/safetensors/, and the seed file of Tests/Fixtures/Inputs.
let safetensorsRegressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/Regressions/safetensors").path

extension NNTests {
    @Suite(.enabled(if: FileManager.default.fileExists(atPath: safetensorsRegressions)))
    struct SafeTensorsRegressions {
        static var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: safetensorsRegressions)) ?? []).sorted() }

        /// Each file reads, or fails with one `CheckpointError` of one line.
        @Test(arguments: files)
        func readsOrFailsInOneLine(_ name: String) {
            do {
                _ = try SafeTensors.read(safetensorsRegressions + "/" + name)
            } catch let error as CheckpointError {
                #expect(!error.description.contains("\n") && error.description.hasPrefix(safetensorsRegressions), "\(error)")
            } catch {
                Issue.record("not a CheckpointError: \(error)")
            }
        }

        /// Found by the fuzzer: a tensor named "e.co\nt" (a JSON escape) put a newline into the message.
        @Test func controlCharactersInANameAreEscaped() {
            #expect { try SafeTensors.read(safetensorsRegressions + "/tensor-name-with-newline.safetensors") } throws: { error in
                (error as? CheckpointError)?.problem == #"tensor 'e.co\nt' has dtype I64; only F32, F64, F16 and BF16 can be read"#
            }
        }

        @Test func theSeedFileReads() throws {
            let file = try SafeTensors.read(safetensorsRegressions + "/../../Inputs/mixed.safetensors", including: { $0 != "e.count" })
            #expect(file.metadata == ["format": "pt", "step": "3"])
            #expect(file.tensors["a.weight"]?.shape == [2, 3] && file.tensors["b.half"]?.data == [1.5, -2])
            #expect(file.tensors["c.bf16"]?.data == [1.5] && file.tensors["d.double"]?.data == [0.25])
        }
    }
}
