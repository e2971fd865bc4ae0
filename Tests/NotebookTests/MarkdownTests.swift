import Foundation
import Testing
@testable import Notebook

@Suite struct MarkdownTests {
    @Test func blocks() {
        let blocks = Markdown.parse("""
            ## The optimal discriminator
            For a fixed G,
            D*(x) = p_r(x) / (p_r(x) + p_g(x)).

            - first item
              continued
            - second
            1. one
            ```math
            C(G) = 2·JS − 2 log 2
            ```
            """)
        #expect(blocks == [
            .heading(level: 2, text: "The optimal discriminator"),
            .paragraph("For a fixed G, D*(x) = p_r(x) / (p_r(x) + p_g(x))."),
            .list(ordered: false, items: ["first item continued", "second"]),
            .list(ordered: true, items: ["one"]),
            .code(language: "math", text: "C(G) = 2·JS − 2 log 2"),
        ])
    }

    @Test func inlineStylesLeaveMathAlone() {
        #expect(Markdown.inline("p_r and x_i * k * I") == [InlineSpan(text: "p_r and x_i * k * I", style: .plain)])
        #expect(Markdown.inline("use `ctx.say` **now**, *maybe* [docs](https://x.org)") == [
            InlineSpan(text: "use ", style: .plain), InlineSpan(text: "ctx.say", style: .code),
            InlineSpan(text: " ", style: .plain), InlineSpan(text: "now", style: .strong),
            InlineSpan(text: ", ", style: .plain), InlineSpan(text: "maybe", style: .emphasis),
            InlineSpan(text: " ", style: .plain), InlineSpan(text: "docs", style: .link("https://x.org")),
        ])
    }

    @Test func starsInMathAreNotEmphasis() {
        #expect(Markdown.inline("minimise at D*? Two facts about D* = p_r/(p_r + p_g):") ==
                [InlineSpan(text: "minimise at D*? Two facts about D* = p_r/(p_r + p_g):", style: .plain)])
        #expect(Markdown.inline("D*(x) and V(G, D*), then *this*.") == [
            InlineSpan(text: "D*(x) and V(G, D*), then ", style: .plain), InlineSpan(text: "this", style: .emphasis),
            InlineSpan(text: ".", style: .plain),
        ])
        #expect(Markdown.inline("(*the* case) **−0.3 dB** and *a **b** c*") == [
            InlineSpan(text: "(", style: .plain), InlineSpan(text: "the", style: .emphasis), InlineSpan(text: " case) ", style: .plain),
            InlineSpan(text: "−0.3 dB", style: .strong), InlineSpan(text: " and ", style: .plain),
            InlineSpan(text: "a **b** c", style: .emphasis),
        ])
    }

    /// Every prose line of the six lessons, styled: no emphasis or bold may hold an equation or start
    /// with punctuation — what a star of `D*` taken for emphasis produces (`D<em>? Two facts…</em>`).
    @Test func lessonProseHasNoEmphasisInsideFormulas() throws {
        let lessons = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Lessons").path)
            .filter { $0.first?.isNumber == true }
        #expect(lessons.count == 6)
        var styled = 0
        for folder in lessons {
            let source = try String(contentsOf: packageRoot.appendingPathComponent("Lessons/\(folder)/main.swift"), encoding: .utf8)
            for block in source.components(separatedBy: "lesson.markdown(\"\"\"").dropFirst() {
                for line in block.components(separatedBy: "\"\"\")")[0].split(separator: "\n") {
                    for span in Markdown.inline(String(line)) where span.style == .emphasis || span.style == .strong {
                        styled += 1
                        #expect(!span.text.contains("=") && span.text.first?.isPunctuation != true, "\(folder): *\(span.text)* in “\(line.trimmingCharacters(in: .whitespaces))”")
                    }
                }
            }
        }
        #expect(styled > 20)
    }

    @Test func htmlEscapesAndConverts() {
        let html = HTMLReport.html(Markdown.parse("# A <b> & `x<y`\n\n‖∇D(x̂)‖ ≤ 1 and *θ*"))
        #expect(html == "<h2>A &lt;b&gt; &amp; <code>x&lt;y</code></h2>\n<p>‖∇D(x̂)‖ ≤ 1 and <em>θ</em></p>")
    }

    @Test func htmlSubscriptsOneLetterMathButNotIdentifiers() {
        #expect(HTMLReport.inline("D*(x) = p_r(x) / (p_r(x) + p_g(x)), ∇_θ V, x_12") ==
                 "D*(x) = p<sub>r</sub>(x) / (p<sub>r</sub>(x) + p<sub>g</sub>(x)), ∇<sub>θ</sub> V, x<sub>12</sub>")
        #expect(HTMLReport.inline("js_at_disjoint and a_bcd and `p_r`") == "js_at_disjoint and a_bcd and <code>p_r</code>")
        let display = HTMLReport.html(Markdown.parse("```math\nx̂ = ε·x_r\nL_D = E[f(x_g)]\n```"))
        #expect(display.hasPrefix("<div class=\"math\"><math display=\"block\">"), "display equations are typeset, one per line")
        #expect(display.components(separatedBy: "<math ").count == 3)
    }

    @Test func terminalWrapsToWidthWithHangingIndent() {
        let terminal = Terminal(noColor: true)
        let renderer = TerminalRenderer(terminal: terminal)
        let words = Array(repeating: "gradient", count: 40).joined(separator: " ")
        let lines = renderer.render(Markdown.parse("- \(words)"))
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.count <= terminal.width })
        #expect(lines[1].hasPrefix("  • gradient"))
        #expect(lines[2].hasPrefix("    gradient"))
    }
}
