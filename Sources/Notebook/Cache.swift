import Files
import Foundation

/// Cache keys, in the spirit of sphinx-gallery's md5 check and Quarto's freeze: a cell whose key
/// is unchanged replays its stored outputs instead of running. The key is the sha256 of:
/// - the cell's own source text (call line through closing brace: title, `uses:`, `data:`, body);
/// - the lesson's frame: its source file minus every cell, shared value and prose block (imports,
///   top-level constants and helpers — they can change any cell; prose cannot);
/// - the source of every shared value the cell uses, transitively;
/// - the options that change results: `--quick`, `--seed`, `--threads`;
/// - the sha256 of every data file it declares;
/// - the digest of the library sources (`Sources/**/*.swift` except `Sources/course`).
/// When the lesson's source file is not available at run time, its code is represented by the
/// executable's sha256 (any rebuild then invalidates every cell), and the reports say so.
struct CacheKeys {
    let lesson: Lesson
    let options: LessonOptions
    let provenance: Provenance

    /// The text that identifies a cell, shared value or prose block's code, and its byte range.
    private func extent(_ location: SourceLocation, opening: Character) -> (SourceText, Range<Int>)? {
        guard let source = SourceText.load(location.file),
              let range = source.extent(line: location.line, opening: opening.asciiValue!) else { return nil }
        return (source, range)
    }

    /// The closure body shown in the reports, or nil when the source file is unavailable.
    func displaySource(of cell: Cell) -> String? {
        extent(cell.location, opening: "{").map { $0.0.closureBody($0.1) }
    }

    private func codeIdentity(_ location: SourceLocation, title: String) -> String {
        if let (source, range) = extent(location, opening: "{") { return source.text(range) }
        return "source unavailable: \(title) in executable \(provenance.executableDigest)"
    }

    /// sha256 of a source file with all of this lesson's registered blocks cut out.
    private func frameDigest(of file: String) -> String {
        guard let source = SourceText.load(file) else { return "binary \(provenance.executableDigest)" }
        var ranges: [Range<Int>] = []
        for item in lesson.items {
            switch item {
            case .prose(_, let loc) where loc.file == file:
                if let r = source.extent(line: loc.line, opening: UInt8(ascii: "(")) { ranges.append(r) }
            case .cell(let cell) where cell.location.file == file:
                if let r = source.extent(line: cell.location.line, opening: UInt8(ascii: "{")) { ranges.append(r) }
            default: break
            }
        }
        for value in lesson.sharedValues where value.location.file == file {
            if let r = source.extent(line: value.location.line, opening: UInt8(ascii: "{")) { ranges.append(r) }
        }
        return SHA256.hex(source.removing(ranges))
    }

    func key(for cell: Cell) -> String {
        var parts = [
            "notebook cache v1",
            "lesson \(lesson.id)",
            "cell \(cell.title)",
            "code \(codeIdentity(cell.location, title: cell.title))",
            "frame \(frameDigest(of: cell.location.file))",
        ]
        let shared = cell.uses.flatMap(\.closure).reduce(into: [SharedValue]()) { acc, v in
            if !acc.contains(where: { $0 === v }) { acc.append(v) }
        }
        for value in shared.sorted(by: { $0.name < $1.name }) {
            parts.append("shared \(value.name) \(codeIdentity(value.location, title: value.name))")
            if value.location.file != cell.location.file { parts.append("frame \(frameDigest(of: value.location.file))") }
        }
        parts.append("quick \(options.quick) seed \(options.seed) threads \(options.threads)")
        for path in cell.data.sorted() {
            parts.append("data \(path) \(SHA256.hex(fileAt: provenance.resolve(path)) ?? "missing")")
        }
        parts.append("library \(provenance.libraryDigest)")
        return SHA256.hex(parts.joined(separator: "\n"))
    }
}

/// The stored records of the last successful run, in `<out>/.cache/cells.json`.
struct CacheStore {
    let url: URL

    init(outDir: URL) { url = outDir.appendingPathComponent(".cache/cells.json") }

    func load() -> [String: CellRecord] {
        guard let data = try? Data(contentsOf: url) else { return [:] }
        return Self.decode(data)
    }

    /// The records in a cache file's bytes. A damaged file counts as no cache (the cells run
    /// again), and so does one naming a file that is not a plain name in the output folder — only
    /// a damaged or hand-edited cache can — because replaying reads those files and the end of a
    /// run deletes the ones no cell wrote this time.
    static func decode(_ data: Data) -> [String: CellRecord] {
        guard let records = try? JSON.decode([String: CellRecord].self, from: data),
              records.values.allSatisfy({ $0.namesOnlyPlainFiles }) else { return [:] }
        return records
    }

    func save(_ records: [String: CellRecord]) throws {
        try AtomicFile.write(try JSON.encode(records), to: url)
    }

    /// A record can be replayed only if every file it wrote is still there, byte for byte.
    static func artifactsIntact(_ record: CellRecord, in outDir: URL) -> Bool {
        record.artifacts.allSatisfy { SHA256.hex(fileAt: outDir.appendingPathComponent($0.file)) == $0.sha256 }
    }
}

enum JSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(type, from: data)
    }
}
