import Foundation

/// The Markdown subset lessons write their prose in: ATX headings, paragraphs, bullet and numbered
/// lists, fenced code (a fence tagged `math` is a display equation), and inline `code`, **strong**,
/// *emphasis* and [links](url). Math is written in Unicode (θ, ‖x‖, ∇, p_r), so `_` is never
/// emphasis: `p_r` and `x_i` pass through as written, in the terminal, the HTML and Jupyter alike.
public enum MarkdownBlock: Equatable {
    case heading(level: Int, text: String)
    case paragraph(String)
    case list(ordered: Bool, items: [String])
    case code(language: String, text: String)
}

/// A run of inline text with one style.
public struct InlineSpan: Equatable {
    public enum Style: Equatable { case plain, code, strong, emphasis, link(String) }
    public var text: String
    public var style: Style
}

public enum Markdown {
    /// Splits prose into blocks. Lines inside a list item that are indented continue the item.
    public static func parse(_ source: String) -> [MarkdownBlock] {
        var blocks: [MarkdownBlock] = []
        var paragraph: [String] = []
        var listItems: [String] = []
        var listOrdered = false
        let lines = source.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")

        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(paragraph.joined(separator: " "))); paragraph = [] }
            if !listItems.isEmpty { blocks.append(.list(ordered: listOrdered, items: listItems)); listItems = [] }
        }

        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            i += 1
            if trimmed.hasPrefix("```") {
                flush()
                let language = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                var code: [String] = []
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    code.append(lines[i]); i += 1
                }
                i += 1  // the closing fence
                blocks.append(.code(language: language, text: dedent(code).joined(separator: "\n")))
            } else if trimmed.isEmpty {
                flush()
            } else if let level = headingLevel(trimmed) {
                flush()
                let text = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces)
                blocks.append(.heading(level: level, text: text))
            } else if let (ordered, item) = listItem(trimmed) {
                if !paragraph.isEmpty || (!listItems.isEmpty && ordered != listOrdered) { flush() }
                listOrdered = ordered
                listItems.append(item)
            } else if !listItems.isEmpty && line.first == " " {
                listItems[listItems.count - 1] += " " + trimmed
            } else {
                if !listItems.isEmpty { flush() }
                paragraph.append(trimmed)
            }
        }
        flush()
        return blocks
    }

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private static func listItem(_ line: String) -> (Bool, String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("• ") {
            return (false, String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") {
                return (true, String(rest.dropFirst(2)).trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    private static func dedent(_ lines: [String]) -> [String] {
        let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }
    }

    /// Splits a line of text into styled spans. Stars follow CommonMark's flanking rules: an
    /// opening run is followed by a non-space, and when that is punctuation, preceded by a space or
    /// punctuation; a closing run mirrors it. So `k * I`, `D*(x)` and `D*? … D*` stay text.
    public static func inline(_ text: String) -> [InlineSpan] {
        var spans: [InlineSpan] = []
        var plain = ""
        let chars = Array(text)
        var i = 0

        func emit(_ text: String, _ style: InlineSpan.Style) {
            if !plain.isEmpty { spans.append(InlineSpan(text: plain, style: .plain)); plain = "" }
            spans.append(InlineSpan(text: text, style: style))
        }
        func find(_ needle: [Character], from start: Int) -> Int? {
            guard start + needle.count <= chars.count else { return nil }
            for j in start...(chars.count - needle.count) where Array(chars[j..<(j + needle.count)]) == needle {
                return j
            }
            return nil
        }
        func char(_ k: Int) -> Character? { k >= 0 && k < chars.count ? chars[k] : nil }
        // A line's ends count as spaces.
        func spaceOrPunctuation(_ c: Character?) -> Bool { c.map { $0.isWhitespace || $0.isPunctuation || $0.isSymbol } ?? true }
        func opens(_ k: Int, _ n: Int) -> Bool {
            guard let after = char(k + n), !after.isWhitespace else { return false }
            return !spaceOrPunctuation(after) || spaceOrPunctuation(char(k - 1))
        }
        func closes(_ k: Int, _ n: Int) -> Bool {
            guard let before = char(k - 1), !before.isWhitespace else { return false }
            return !spaceOrPunctuation(before) || spaceOrPunctuation(char(k + n))
        }
        /// The first run of exactly `n` stars after `start` that can close.
        func closing(_ n: Int, from start: Int) -> Int? {
            var k = start
            while k < chars.count {
                if chars[k] == "*" {
                    var run = 1
                    while char(k + run) == "*" { run += 1 }
                    if run == n && closes(k, n) { return k }
                    k += run
                } else { k += 1 }
            }
            return nil
        }

        while i < chars.count {
            let c = chars[i]
            if c == "`", let end = find(["`"], from: i + 1) {
                emit(String(chars[(i + 1)..<end]), .code); i = end + 1
            } else if c == "*", char(i + 1) == "*", char(i + 2) != "*", opens(i, 2), let end = closing(2, from: i + 2) {
                emit(String(chars[(i + 2)..<end]), .strong); i = end + 2
            } else if c == "*", char(i + 1) != "*", opens(i, 1), let end = closing(1, from: i + 1) {
                emit(String(chars[(i + 1)..<end]), .emphasis); i = end + 1
            } else if c == "[", let close = find(["]", "("], from: i + 1), let end = find([")"], from: close + 2) {
                emit(String(chars[(i + 1)..<close]), .link(String(chars[(close + 2)..<end]))); i = end + 1
            } else {
                plain.append(c); i += 1
            }
        }
        if !plain.isEmpty { spans.append(InlineSpan(text: plain, style: .plain)) }
        return spans
    }
}
