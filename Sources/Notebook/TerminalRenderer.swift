import Foundation

/// Renders lesson prose for a terminal: bold coloured headings, paragraphs and list items wrapped
/// to the terminal width with a hanging indent, inline code highlighted, math passed through as
/// the Unicode it is written in.
struct TerminalRenderer {
    let terminal: Terminal
    let indent = "  "

    func render(_ blocks: [MarkdownBlock]) -> [String] {
        var out: [String] = []
        for block in blocks {
            switch block {
            case .heading(let level, let text):
                let styled = terminal.paint(Markdown.inline(text).map(\.text).joined(), level <= 2 ? .boldCyan : .bold)
                out += ["", styled]
                if level == 1 { out.append(terminal.paint(String(repeating: "━", count: min(text.count, terminal.width)), .cyan)) }
            case .paragraph(let text):
                out.append("")
                out += wrap(Markdown.inline(text), first: indent, rest: indent)
            case .list(let ordered, let items):
                out.append("")
                for (n, item) in items.enumerated() {
                    let marker = ordered ? "\(n + 1). " : "• "
                    out += wrap(Markdown.inline(item), first: indent + marker,
                                rest: indent + String(repeating: " ", count: marker.count))
                }
            case .code(let language, let text):
                out.append("")
                let style: Terminal.Style = language == "math" ? .italic : .dim
                out += text.components(separatedBy: "\n").map { indent + "    " + terminal.paint($0, style) }
            }
        }
        return out
    }

    /// Greedy word wrap on visible characters; styles are applied per word so wrapping never
    /// splits an escape sequence.
    func wrap(_ spans: [InlineSpan], first: String, rest: String) -> [String] {
        var words: [(visible: Int, text: String, spaceBefore: Bool)] = []
        var spaceBefore = false
        for span in spans {
            let shown: String
            if case .link(let url) = span.style { shown = "\(span.text) (\(url))" } else { shown = span.text }
            var piece = ""
            func push() {
                guard !piece.isEmpty else { return }
                let painted = paint(piece, span.style)
                if !spaceBefore, let last = words.popLast() {
                    words.append((last.visible + piece.count, last.text + painted, last.spaceBefore))
                } else {
                    words.append((piece.count, painted, spaceBefore))
                }
                piece = ""
                spaceBefore = false
            }
            for c in shown {
                if c == " " { push(); spaceBefore = true } else { piece.append(c) }
            }
            push()
        }
        var lines: [String] = []
        var line = first, length = first.count
        var lineHasWords = false
        for word in words {
            let gap = lineHasWords && word.spaceBefore ? 1 : 0
            if lineHasWords && length + gap + word.visible > terminal.width {
                lines.append(line)
                line = rest + word.text; length = rest.count + word.visible
            } else {
                line += (gap == 1 ? " " : "") + word.text; length += gap + word.visible
            }
            lineHasWords = true
        }
        lines.append(line)
        return lines
    }

    private func paint(_ text: String, _ style: InlineSpan.Style) -> String {
        switch style {
        case .plain: return text
        case .code: return terminal.paint(text, .yellow)
        case .strong: return terminal.paint(text, .bold)
        case .emphasis: return terminal.paint(text, .italic)
        case .link: return terminal.paint(text, .underline)
        }
    }
}
