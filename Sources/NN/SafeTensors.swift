import Autograd
import Files
import Foundation

/// A failed checkpoint read, write or load. The message always names the file (or, for optimiser
/// state handed over in memory, what was being loaded) and the tensors concerned.
public struct CheckpointError: Error, CustomStringConvertible, LocalizedError {
    public enum Kind: Sendable {
        /// The file could not be opened, read or written.
        case io
        /// The bytes are not a valid safetensors file.
        case corrupt
        /// A valid file holding a tensor of a type we cannot convert to Float32.
        case unsupportedDType
        /// Names or shapes differ from what the module (or optimiser) has.
        case mismatch
    }

    public let kind: Kind
    /// The path of the file, or a description of the in-memory source.
    public let source: String
    public let problem: String

    /// Control characters in the source or the problem — a tensor name read from a damaged file
    /// may hold a newline — are written as escapes, so the message stays one line.
    init(kind: Kind, source: String, problem: String) {
        self.kind = kind
        self.source = source.escapingControlCharacters
        self.problem = problem.escapingControlCharacters
    }

    public var description: String { "\(source): \(problem)" }
    public var errorDescription: String? { description }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`
/// with offsets relative to the end of the header, then the raw little-endian tensor bytes.
///
/// It is plain data — no pickles, no code — so a file from anyone is safe to open; every field
/// is checked and a bad file is a thrown `CheckpointError`, never a crash.
public struct SafeTensors {
    public var tensors: [String: Tensor]
    /// Free-form string pairs stored under `__metadata__` (seed, step, git commit, …).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A header larger than this is treated as corruption rather than read into memory.
    static let maxHeaderLength: UInt64 = 100_000_000

    /// Element sizes of the dtypes the format defines; only some can be converted to Float32.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
    ]
}

// MARK: - Writing

extension SafeTensors {
    /// Writes F32 tensors atomically: a temporary file in the same folder, renamed over `path`,
    /// so an interrupted run leaves the previous checkpoint intact.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        precondition(tensors["__metadata__"] == nil, "a tensor cannot be named __metadata__")
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))  // align the data

        var bytes = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        for name in names {
            let littleEndian = tensors[name]!.data.map { $0.bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        try writeAtomically(bytes, to: path)
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        do { try AtomicFile.write(data, to: URL(fileURLWithPath: path), createFolder: false) } catch {
            throw CheckpointError(kind: .io, source: path, problem: "cannot write: \(error)")
        }
    }
}

// MARK: - Reading

extension SafeTensors {
    /// Reads a file, converting the tensors for which `include` is true to Float32 (F32, F64, F16
    /// and BF16 are accepted). Excluded tensors are still checked but never converted, so a file
    /// with, say, int64 `num_batches_tracked` entries reads fine when those are left out.
    public static func read(_ path: String, including include: (String) -> Bool = { _ in true }) throws -> SafeTensors {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CheckpointError(kind: .io, source: path, problem: "cannot read: \(error.localizedDescription)")
        }
        return try parse(bytes, source: path, including: include)
    }

    /// Parses the bytes of a safetensors file (as `read` does); `source` names them in errors.
    public static func parse(_ bytes: Data, source: String,
                             including include: (String) -> Bool = { _ in true }) throws -> SafeTensors {
        func corrupt(_ problem: String) -> CheckpointError { CheckpointError(kind: .corrupt, source: source, problem: problem) }

        let (headerBytes, data) = try sections(of: bytes, fail: corrupt)
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes) else {
            throw corrupt("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw corrupt("header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let m = raw as? [String: String] else { throw corrupt("__metadata__ is not an object of strings") }
            metadata = m
        }
        var entries: [Entry] = []
        for (name, raw) in header where name != "__metadata__" {
            entries.append(try Entry(name: name, raw: raw, fail: corrupt))
        }

        // The data section must be covered exactly: entries back to back, no overlap, no holes.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expected = 0
        for (i, e) in entries.enumerated() {
            if e.end > data.count {
                throw corrupt("tensor '\(e.name)' data_offsets [\(e.begin), \(e.end)] go past the end of the data (\(data.count) bytes): truncated file?")
            }
            if e.begin < expected {
                throw corrupt("tensors '\(entries[i - 1].name)' and '\(e.name)' overlap")
            }
            if e.begin > expected {
                throw corrupt("unused bytes \(expected)..<\(e.begin) before tensor '\(e.name)'")
            }
            expected = e.end
        }
        if expected != data.count {
            throw corrupt("the data section has \(data.count) bytes but the tensors cover \(expected)")
        }

        var tensors: [String: Tensor] = [:]
        for e in entries where include(e.name) {
            guard let values = decode(data, e) else {
                throw CheckpointError(kind: .unsupportedDType, source: source,
                                      problem: "tensor '\(e.name)' has dtype \(e.dtype); only F32, F64, F16 and BF16 can be read")
            }
            tensors[e.name] = Tensor(shape: e.shape, data: values)
        }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// The header's JSON bytes and the data section, after checking the length prefix.
    private static func sections(of bytes: Data, fail: (String) -> CheckpointError) throws -> (header: Data, data: Data) {
        let size = UInt64(bytes.count)
        guard size >= 8 else { throw fail("file is \(size) bytes, shorter than the 8-byte header length") }
        let n = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= maxHeaderLength else { throw fail("header length \(n) is absurd (limit \(maxHeaderLength) bytes)") }
        guard n <= size - 8 else { throw fail("header length \(n) is larger than the file (\(size) bytes)") }
        let start = bytes.startIndex + 8, end = start + Int(n)
        return (bytes[start..<end], bytes[end...])
    }

    /// One header entry, validated: known dtype, non-negative shape whose byte size does not
    /// overflow and equals the span of its offsets.
    private struct Entry {
        let name: String, dtype: String, shape: [Int], begin: Int, end: Int

        init(name: String, raw: Any, fail: (String) -> CheckpointError) throws {
            guard let fields = raw as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtype = fields["dtype"] as? String else { throw fail("tensor '\(name)' has no string 'dtype'") }
            guard let shape = fields["shape"].flatMap(integers) else { throw fail("tensor '\(name)' has no integer 'shape'") }
            guard let offsets = fields["data_offsets"].flatMap(integers), offsets.count == 2 else {
                throw fail("tensor '\(name)' has no 'data_offsets' pair of integers")
            }
            guard let size = SafeTensors.dtypeSizes[dtype] else { throw fail("tensor '\(name)' has unknown dtype '\(dtype)'") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has a negative dimension in shape \(shape)") }
            var bytes = size
            for d in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("tensor '\(name)' shape \(shape) overflows") }
                bytes = product
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin else { throw fail("tensor '\(name)' has invalid data_offsets [\(begin), \(end)]") }
            guard end - begin == bytes else {
                throw fail("tensor '\(name)' data_offsets [\(begin), \(end)] span \(end - begin) bytes but \(dtype) \(shape) needs \(bytes)")
            }
            (self.name, self.dtype, self.shape, self.begin, self.end) = (name, dtype, shape, begin, end)
        }
    }

    /// JSON numbers that are exact integers of a sane size (no fractions, no 1e300).
    private static func integers(_ raw: Any) -> [Int]? {
        guard let numbers = raw as? [NSNumber] else { return nil }
        var result: [Int] = []
        for n in numbers {
            let d = n.doubleValue
            guard d == d.rounded(), abs(d) < 0x1p62 else { return nil }
            result.append(Int(n.int64Value))
        }
        return result
    }

    /// The tensor's values as Float32, or nil for a dtype we do not convert.
    private static func decode(_ data: Data, _ e: Entry) -> [Float]? {
        let count = e.shape.reduce(1, *)
        return data.withUnsafeBytes { raw -> [Float]? in
            let base = e.begin
            func load<T: FixedWidthInteger>(_ j: Int, _: T.Type) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: base + j * MemoryLayout<T>.size, as: T.self))
            }
            switch e.dtype {
            case "F32": return (0..<count).map { Float(bitPattern: load($0, UInt32.self)) }
            case "F64": return (0..<count).map { Float(Double(bitPattern: load($0, UInt64.self))) }
            case "BF16": return (0..<count).map { Float(bitPattern: UInt32(load($0, UInt16.self)) << 16) }
            case "F16": return (0..<count).map { Float(halfBits: load($0, UInt16.self)) }
            default: return nil
            }
        }
    }
}

extension String {
    /// Newlines, tabs and other control characters as Swift escapes (`\n`, `\u{1B}`).
    var escapingControlCharacters: String {
        unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
    }
}

extension Float {
    /// IEEE half precision to single, by hand (Swift's Float16 is not available on every platform).
    init(halfBits h: UInt16) {
        let sign = UInt32(h >> 15) << 31, exponent = Int(h >> 10) & 0x1F, mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0: self = (sign != 0 ? -1 : 1) * Float(mantissa) * 0x1p-24  // zero and subnormals
        case 31: self = Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)  // inf and NaN
        default: self = Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}
