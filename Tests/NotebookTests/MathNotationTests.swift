import Foundation
import Testing
@testable import Notebook

// The lessons' formulas, typeset: MathML for report.html, LaTeX for the notebook.
@Suite struct MathNotationTests {
    @Test func optimalDiscriminatorIsAFractionWithScripts() {
        let m = MathNotation.mathML("D*(x) = p_r(x) / (p_r(x) + p_g(x))")
        #expect(m.contains("<msup><mi>D</mi><mo>*</mo></msup>"))
        #expect(m.contains("<mfrac><mrow><msub><mi>p</mi><mi>r</mi></msub><mrow><mo fence=\"true\" lspace=\"0\" rspace=\"0\">(</mo><mi>x</mi><mo fence=\"true\" lspace=\"0\" rspace=\"0\">)</mo></mrow></mrow>"
                           + "<mrow><msub><mi>p</mi><mi>r</mi></msub>"), "numerator p_r(x), denominator without its parentheses")
        #expect(!m.contains("<mo>/</mo>"))
        #expect(MathNotation.latex("D* = p_r / (p_r + p_g)") == "{D}^{*}=\\frac{{p}_{r}}{{p}_{r}+{p}_{g}}")
    }

    @Test func expectationsWithSubscripts() {
        let m = MathNotation.mathML("V(G, D) = E_{x~p_r}[log D(x)] + E_{z~p_z}[log(1 − D(G(z)))]")
        #expect(m.contains("<msub><mi>𝔼</mi><mrow><mi>x</mi><mo>∼</mo><msub><mi>p</mi><mi>r</mi></msub></mrow></msub>"))
        #expect(m.contains("<mi>log</mi><mspace width=\"0.3em\"/><mi>D</mi>"), "a space between two terms is kept")
        #expect(MathNotation.latex("E_{x~p_g}[f(x)]").hasPrefix("{\\mathbb{E}}_{x\\sim {p}_{g}}\\left["))
        #expect(MathNotation.mathML("E log D(x, y)").hasPrefix("<math display=\"block\"><mrow><mi>𝔼</mi>"))
        #expect(MathNotation.mathML("L_E = 2").contains("<msub><mi>L</mi><mi>E</mi></msub>"), "E as a subscript stays E")
        #expect(MathNotation.mathML("E = mc²").contains("<mi>E</mi>"), "so does an E that is not averaging anything")
    }

    @Test func gradientNormAndPenalty() {
        let m = MathNotation.mathML("λ·E[(‖∇ₓ̂ f(x̂)‖₂ − 1)²]")
        #expect(m.contains("<msub><mo>∇</mo><mover accent=\"true\"><mi>x</mi><mo>^</mo></mover></msub>"),
                "a Unicode subscript keeps its accent, set over the letter")
        #expect(MathNotation.mathML("λ · E ‖y‖₁").contains("<mi>𝔼</mi><mo>‖</mo>"), "E before a norm is the expectation too")
        #expect(m.contains("<msub><mo>‖</mo><mn>2</mn></msub>"))
        #expect(m.contains("<msup><mrow><mo fence=\"true\" lspace=\"0\" rspace=\"0\">(</mo>"), "(…)² is a superscript on the group")
        #expect(MathNotation.latex("‖∇_x̂ D(x̂)‖").contains("\\nabla }_{\\hat{x}}"))
    }

    @Test func jsIdentityAndLimits() {
        let m = MathNotation.mathML("V(G, D*) = 2·JS(p_r‖p_g) − 2 log 2,     min_G max_D V")
        #expect(m.contains("<mn>2</mn><mo>·</mo><mi>JS</mi>"))
        #expect(m.contains("<mn>2</mn><mspace width=\"0.3em\"/><mi>log</mi><mspace width=\"0.3em\"/><mn>2</mn>"))
        #expect(m.contains("<mspace width=\"1.5em\"/>"), "wide gaps separate parts of a line")
        #expect(m.contains("<munder><mi>min</mi><mi>G</mi></munder>"))
        #expect(MathNotation.mathML("Σ_g w_g(p)").contains("<munder><mo>∑</mo><mi>g</mi></munder>"))
    }

    /// Every formula of the six lessons: no character is lost (MathML's text, tags removed, is the
    /// source without spaces, `_`, `^`, braces, slashes and the parentheses a fraction drops; 𝔼
    /// for E, ∼ for ~), and rows balance.
    @Test func everyLessonFormulaKeepsItsText() throws {
        var formulas: [String] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Lessons").path).sorted() {
            let source = try String(contentsOf: packageRoot.appendingPathComponent("Lessons/\(folder)/main.swift"), encoding: .utf8)
            var inMath = false
            for line in source.components(separatedBy: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t == "```math" { inMath = true } else if inMath && t.hasPrefix("```") { inMath = false } else if inMath && !t.isEmpty { formulas.append(t) }
            }
        }
        #expect(formulas.count >= 10)
        func letters(_ s: String) -> String {
            let plain: [Unicode.Scalar: Unicode.Scalar] = ["₀": "0", "₁": "1", "₂": "2", "ₓ": "x", "ₖ": "k", "ᵢ": "i", "ᵧ": "y", "²": "2", "∑": "Σ"]
            var scalars = String.UnicodeScalarView()
            for u in s.decomposedStringWithCanonicalMapping.unicodeScalars where !" _^{}/()₍₎\u{0302}".unicodeScalars.contains(u) {
                scalars.append(plain[u] ?? u)
            }
            return String(scalars).replacingOccurrences(of: "E", with: "𝔼").replacingOccurrences(of: "~", with: "∼")
        }
        for f in formulas {
            let m = MathNotation.mathML(f)
            let text = m.replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            #expect(letters(text) == letters(f), "\(f) → \(text)")
            #expect(m.components(separatedBy: "<mrow>").count == m.components(separatedBy: "</mrow>").count)
        }
    }

    @Test func notebookMarkdownGetsDisplayLaTeX() {
        let md = MathNotation.jupyterMarkdown("Text p_r.\n\n```math\nD* = p_r / (p_r + p_g)\n```\n\nMore.")
        #expect(md == "Text p_r.\n\n$${D}^{*}=\\frac{{p}_{r}}{{p}_{r}+{p}_{g}}$$\n\nMore.")
    }
}
