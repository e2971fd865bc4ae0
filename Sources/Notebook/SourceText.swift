import Foundation

/// A lesson's Swift source file, read at run time so each cell's own code can be shown in the
/// reports and hashed into its cache key. `cell(...)`, `shared(...)` and `markdown(...)` capture
/// `#filePath` and `#line`; from the start of that line the scanner finds the first `{` (or `(`)
/// outside strings and comments and its matching close. Strings (plain, multi-line, raw `#"…"#`,
/// with `\( )` interpolation) and comments (`//`, nested `/* */`) are skipped, which covers the way
/// lessons are written; a brace inside a regex literal would confuse it.
struct SourceText {
    let bytes: [UInt8]
    private let lineStarts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    /// Loads a source file once per path; nil when it is not there (e.g. a binary copied elsewhere).
    static func load(_ path: String) -> SourceText? {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let hit = cache[path] { return hit }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)).map(SourceText.init)
        cache[path] = text
        return text
    }
    private static var cache: [String: SourceText?] = [:]
    private static let cacheLock = NSLock()

    /// The byte range from the start of `line` (1-based) to the close matching the first `opening`
    /// (`{` or `(`) on or after that line, or nil if there is none.
    func extent(line: Int, opening: UInt8) -> Range<Int>? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var i = start
        while i < bytes.count {
            if let after = skipNonCode(at: i) { i = after; continue }
            if bytes[i] == opening, let close = matchingClose(of: i) { return start..<(close + 1) }
            i += 1
        }
        return nil
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The body of the closure in `range` (between its outer braces), without the `ctx in` line,
    /// dedented: what a reader of the report wants to see for a cell.
    func closureBody(_ range: Range<Int>) -> String {
        guard let open = firstIndex(of: UInt8(ascii: "{"), in: range) else { return text(range) }
        var body = text((open + 1)..<(range.upperBound - 1))
        if let inRange = body.range(of: #"^\s*[A-Za-z_][A-Za-z0-9_]*\s+in\b"#, options: .regularExpression) {
            body.removeSubrange(inRange)
        }
        var lines = body.components(separatedBy: "\n")
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n")
    }

    /// The file with the given ranges cut out: the lesson's "frame" (imports, top-level constants
    /// and helpers), whose change must invalidate every cell.
    func removing(_ ranges: [Range<Int>]) -> String {
        var kept: [UInt8] = []
        var i = 0
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where r.lowerBound >= i {
            kept += bytes[i..<r.lowerBound]
            i = r.upperBound
        }
        kept += bytes[i...]
        return String(decoding: kept, as: UTF8.self)
    }

    private func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if let after = skipNonCode(at: i) { i = after; continue }
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private func matchingClose(of open: Int) -> Int? {
        let openByte = bytes[open]
        let closeByte = openByte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")")
        var depth = 0
        var i = open
        while i < bytes.count {
            if let after = skipNonCode(at: i) { i = after; continue }
            if bytes[i] == openByte { depth += 1 }
            if bytes[i] == closeByte { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return nil
    }

    private func at(_ i: Int, _ s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u
    }

    /// If a comment or string literal starts at `i`, the index just after it.
    private func skipNonCode(at i: Int) -> Int? {
        if at(i, "//") {
            var j = i
            while j < bytes.count, bytes[j] != UInt8(ascii: "\n") { j += 1 }
            return j
        }
        if at(i, "/*") {
            var depth = 0, j = i
            while j < bytes.count {
                if at(j, "/*") { depth += 1; j += 2; continue }
                if at(j, "*/") { depth -= 1; j += 2; if depth == 0 { return j }; continue }
                j += 1
            }
            return j
        }
        var hashes = 0
        while i + hashes < bytes.count, bytes[i + hashes] == UInt8(ascii: "#") { hashes += 1 }
        guard i + hashes < bytes.count, bytes[i + hashes] == UInt8(ascii: "\"") else { return nil }
        return skipString(from: i + hashes, hashes: hashes)
    }

    private func skipString(from quote: Int, hashes: Int) -> Int {
        let multiline = at(quote, "\"\"\"")
        let terminator = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
        var j = quote + (multiline ? 3 : 1)
        while j < bytes.count {
            if at(j, terminator) { return j + terminator.utf8.count }
            if !multiline && bytes[j] == UInt8(ascii: "\n") { return j }
            if hashes == 0 && bytes[j] == UInt8(ascii: "\\") {
                if at(j, "\\(") {
                    var depth = 0, k = j + 1
                    while k < bytes.count {
                        if let after = skipNonCode(at: k) { k = after; continue }
                        if bytes[k] == UInt8(ascii: "(") { depth += 1 }
                        if bytes[k] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                        k += 1
                    }
                    j = k + 1
                } else {
                    j += 2
                }
                continue
            }
            j += 1
        }
        return j
    }
}
