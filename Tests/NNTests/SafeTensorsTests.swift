import Autograd
import Foundation
import Testing
@testable import NN

extension NNTests {
    @Suite struct SafeTensorsFormat {
        /// Writes a file from a header string and data bytes, with the given header length (the
        /// true one by default), so every corruption can be built by hand.
        func rawFile(_ dir: URL, _ name: String, header: String, data: [UInt8] = [], length: UInt64? = nil) throws -> String {
            let json = Array(header.utf8)
            var bytes = withUnsafeBytes(of: (length ?? UInt64(json.count)).littleEndian) { Array($0) }
            bytes += json + data
            let path = dir.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// The read must throw a corruption error whose message names the file and says `what`.
        func expectCorrupt(_ path: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try SafeTensors.read(path)
                Issue.record("\(path) was read without error", sourceLocation: sourceLocation)
            } catch let error as CheckpointError {
                #expect(error.kind == .corrupt, sourceLocation: sourceLocation)
                #expect(error.description.contains((path as NSString).lastPathComponent), sourceLocation: sourceLocation)
                #expect(error.description.contains(what), "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            }
        }

        @Test func writeThenReadKeepsValuesShapesAndMetadata() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("t.safetensors").path
            let tensors = ["b": Tensor(shape: [2, 3], data: [1, -2, 3.5, .infinity, -0.0, 1e-30]),
                           "a.scalar": Tensor(7), "empty": Tensor.zeros([0, 4])]
            try SafeTensors.write(tensors, metadata: ["seed": "42", "note": "ünïcode \"quoted\""], to: path)
            let back = try SafeTensors.read(path)
            #expect(back.metadata == ["seed": "42", "note": "ünïcode \"quoted\""])
            #expect(Set(back.tensors.keys) == Set(tensors.keys))
            for (name, t) in tensors {
                #expect(back.tensors[name]?.shape == t.shape)
                #expect(back.tensors[name]?.data.map(\.bitPattern) == t.data.map(\.bitPattern))
            }
            // Header padded to 8 bytes; no temporary file left behind.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } % 8 == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["t.safetensors"])
            // Writing again replaces the file.
            try SafeTensors.write(["c": Tensor([9])], to: path)
            #expect(try SafeTensors.read(path).tensors.mapValues(\.data) == ["c": [9]])
        }

        @Test func otherFloatTypesAreConvertedAndIntegersOnlyWhenLeftOut() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            // F16 1.5 = 0x3E00, −2 = 0xC000; BF16 1.5 = 0x3FC0; F64 0.25; I64 7.
            let header = """
            {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"bf":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},\
            "d":{"dtype":"F64","shape":[],"data_offsets":[6,14]},"n":{"dtype":"I64","shape":[1],"data_offsets":[14,22]}}
            """
            var data: [UInt8] = [0x00, 0x3E, 0x00, 0xC0, 0xC0, 0x3F]
            data += withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian) { Array($0) }
            data += withUnsafeBytes(of: Int64(7).littleEndian) { Array($0) }
            let path = try rawFile(dir, "types.safetensors", header: header, data: data)
            let read = try SafeTensors.read(path, including: { $0 != "n" })
            #expect(read.tensors["h"]?.data == [1.5, -2])
            #expect(read.tensors["bf"]?.data == [1.5])
            #expect(read.tensors["d"]?.data == [0.25] && read.tensors["d"]?.shape == [])
            #expect(read.tensors["n"] == nil)
            #expect { try SafeTensors.read(path) } throws: { error in
                let e = error as? CheckpointError
                return e?.kind == .unsupportedDType && e!.description.contains("'n'") && e!.description.contains("I64")
            }
        }

        @Test func halfPrecisionSpecialValues() {
            #expect(Float(halfBits: 0x0001) == 0x1p-24)  // smallest subnormal
            #expect(Float(halfBits: 0x7BFF) == 65504)    // largest normal
            #expect(Float(halfBits: 0xFC00) == -.infinity)
            #expect(Float(halfBits: 0x7E00).isNaN)
            #expect(Float(halfBits: 0x8000).sign == .minus)
        }

        @Test func corruptFilesThrowNamingTheFileAndTheProblem() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let entry = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
            let eight = [UInt8](repeating: 0, count: 8)

            let short = dir.appendingPathComponent("short.safetensors").path
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
            expectCorrupt(short, "shorter than the 8-byte header length")
            expectCorrupt(try rawFile(dir, "long-header.safetensors", header: entry, data: eight, length: 500), "larger than the file")
            expectCorrupt(try rawFile(dir, "absurd.safetensors", header: entry, data: eight, length: 1 << 40), "absurd")
            expectCorrupt(try rawFile(dir, "json.safetensors", header: #"{"w": {"dtype": "F32", "#), "not valid JSON")
            expectCorrupt(try rawFile(dir, "array.safetensors", header: "[1, 2]"), "not a JSON object")
            expectCorrupt(try rawFile(dir, "entry.safetensors", header: #"{"w": 3}"#), "entry 'w' is not an object")
            expectCorrupt(try rawFile(dir, "dtype.safetensors", header: #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, data: eight), "'w' has no string 'dtype'")
            expectCorrupt(try rawFile(dir, "shape.safetensors", header: #"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, data: eight), "'w' has no integer 'shape'")
            expectCorrupt(try rawFile(dir, "fraction.safetensors", header: #"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, data: eight), "'w' has no integer 'shape'")
            expectCorrupt(try rawFile(dir, "offsets.safetensors", header: #"{"w":{"dtype":"F32","shape":[2]}}"#, data: eight), "'w' has no 'data_offsets'")
            expectCorrupt(try rawFile(dir, "unknown.safetensors", header: #"{"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "unknown dtype 'F33'")
            expectCorrupt(try rawFile(dir, "negative.safetensors", header: #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight), "negative dimension")
            expectCorrupt(try rawFile(dir, "overflow.safetensors", header: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: eight), "overflows")
            expectCorrupt(try rawFile(dir, "size.safetensors", header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), "needs 12")
            expectCorrupt(try rawFile(dir, "reversed.safetensors", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: eight), "invalid data_offsets")
            expectCorrupt(try rawFile(dir, "bounds.safetensors", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: eight), "past the end of the data")
            expectCorrupt(try rawFile(dir, "overlap.safetensors", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "'a' and 'b' overlap")
            expectCorrupt(try rawFile(dir, "hole.safetensors", header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "unused bytes")
            expectCorrupt(try rawFile(dir, "trailing.safetensors", header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight), "the tensors cover 4")
            expectCorrupt(try rawFile(dir, "metadata.safetensors", header: #"{"__metadata__":{"step":3}}"#), "__metadata__")

            // A valid file cut short.
            let good = dir.appendingPathComponent("truncated.safetensors").path
            try SafeTensors.write(["w": Tensor([1, 2, 3])], to: good)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
            try bytes.dropLast(4).write(to: URL(fileURLWithPath: good))
            expectCorrupt(good, "truncated file?")
        }

        @Test func missingFileIsAnIOError() {
            #expect { try SafeTensors.read("/nonexistent/folder/x.safetensors") } throws: { error in
                (error as? CheckpointError)?.kind == .io && "\(error)".contains("x.safetensors")
            }
        }
    }
}
