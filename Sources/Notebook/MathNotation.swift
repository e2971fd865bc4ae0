import Foundation

/// The lessons write each formula once, in readable Unicode text — `D* = p_r / (p_r + p_g)`,
/// `E_{x~p_g}[log D(x)]`, `‖∇_x̂ D(x̂)‖₂`, `2·JS − 2 log 2` — inside a ```math fence. The terminal
/// shows that text as written; `report.html` typesets it as MathML (which browsers render
/// offline) and the Jupyter notebook as LaTeX (`$$…$$`, typeset by Jupyter and nbconvert).
///
/// The notation: `_x`, `_{…}` and Unicode subscripts (ₓ, ₁, ₂) are subscripts; `^…`, ², and `*`
/// right after a symbol (D*, G*) superscripts; `a / b` between two symbols or parenthesised
/// groups is a fraction (the group's parentheses dropped); `E` with a subscript, before `[` or
/// before a space and what it averages is the expectation 𝔼; `~` is ∼; runs of two or more
/// spaces separate parts of a line; words (log, JS, min, content) are set upright.
public enum MathNotation {
    indirect enum Node: Equatable {
        case symbol(String)                 // one letter (italic), or a word (upright)
        case number(String)
        case op(String)
        case space(wide: Bool)
        case group(open: String, [Node], close: String)
        case scripts(base: Node, sub: [Node]?, sup: [Node]?)
        case fraction([Node], [Node])
    }

    /// One line of math as a MathML `<math display="block">` element.
    public static func mathML(_ line: String) -> String {
        "<math display=\"block\"><mrow>" + parse(line).map(mathML).joined() + "</mrow></math>"
    }

    /// One line of math as LaTeX (without delimiters).
    public static func latex(_ line: String) -> String {
        parse(line).map(latex).joined()
    }

    /// Prose with every ```math fence replaced by `$$…$$` display math in LaTeX, for Jupyter.
    public static func jupyterMarkdown(_ prose: String) -> String {
        var out: [String] = [], inMath = false
        for line in prose.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inMath && trimmed == "```math" { inMath = true; continue }
            if inMath && trimmed.hasPrefix("```") { inMath = false; continue }
            out.append(inMath ? (trimmed.isEmpty ? "" : "$$" + latex(trimmed) + "$$") : line)
        }
        return out.joined(separator: "\n")
    }

    // MARK: - Parsing

    static func parse(_ line: String) -> [Node] {
        var p = Parser(Array(line.trimmingCharacters(in: .whitespaces)))
        return fractions(thinSpaces(expectations(p.row(until: nil))))
    }

    /// A single space matters only between two terms (`2 log 2`, `E log D`); beside an operator
    /// MathML and LaTeX space it themselves. Applied inside groups and scripts too.
    static func thinSpaces(_ nodes: [Node]) -> [Node] {
        func isOperator(_ n: Node?) -> Bool { if case .op? = n { true } else { n == nil } }
        let inner = nodes.map { n -> Node in
            switch n {
            case .group(let o, let inner, let c): return .group(open: o, thinSpaces(inner), close: c)
            case .scripts(let b, let sub, let sup): return .scripts(base: b, sub: sub.map(thinSpaces), sup: sup.map(thinSpaces))
            default: return n
            }
        }
        return inner.enumerated().compactMap { i, n in
            guard case .space(false) = n else { return n }
            return isOperator(i > 0 ? inner[i - 1] : nil) || isOperator(i + 1 < inner.count ? inner[i + 1] : nil) ? nil : n
        }
    }

    /// `E` with a subscript, before `[`, or before a space and a term or norm, is the expectation
    /// 𝔼; inside groups too.
    static func expectations(_ nodes: [Node]) -> [Node] {
        nodes.enumerated().map { i, n in
            switch n {
            case .symbol("E") where i + 1 < nodes.count:
                // E[…], or E then a space and what it averages (E log D, E ‖y‖); not E = mc²
                var next = nodes[i + 1]
                if case .space = next, i + 2 < nodes.count { next = nodes[i + 2] }
                switch next {
                case .group("[", _, _), .symbol, .scripts, .op("‖"), .op("|"): return .symbol("𝔼")
                default: return n
                }
            case .scripts(.symbol("E"), let sub?, let sup): return .scripts(base: .symbol("𝔼"), sub: expectations(sub), sup: sup)
            case .scripts(let base, let sub, let sup): return .scripts(base: base, sub: sub.map(expectations), sup: sup.map(expectations))
            case .group(let o, let inner, let c): return .group(open: o, expectations(inner), close: c)
            case .fraction(let a, let b): return .fraction(expectations(a), expectations(b))
            default: return n
            }
        }
    }

    private struct Parser {
        let chars: [Character]
        var i = 0
        init(_ chars: [Character]) { self.chars = chars }

        static let subscriptDigits: [Character: String] = [
            "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
            "ₓ": "x", "ᵢ": "i", "ⱼ": "j", "ₙ": "n", "ₖ": "k", "ₜ": "t", "ᵧ": "y", "₍": "(", "₎": ")",
        ]
        static let superscripts: [Character: String] = ["²": "2", "³": "3", "¹": "1", "ᵀ": "T", "⁻": "−"]
        static let closing: [Character: Character] = ["(": ")", "[": "]", "{": "}"]

        /// Letters make symbols; Σ is the summation operator, not a letter here.
        static func isLetter(_ c: Character) -> Bool { c.isLetter && c != "Σ" && lowered(c) == nil && superscripts[c] == nil }

        /// A Unicode subscript character as the text it stands for, keeping accents (ₓ̂ → x̂).
        static func lowered(_ c: Character) -> String? {
            guard let first = c.unicodeScalars.first, let base = subscriptDigits[Character(first)] else { return nil }
            return base + String(String.UnicodeScalarView(c.unicodeScalars.dropFirst()))
        }

        /// Nodes up to (and consuming) `close`, or to the end.
        mutating func row(until close: Character?) -> [Node] {
            var nodes: [Node] = []
            while i < chars.count {
                let c = chars[i]
                if c == close { i += 1; return nodes }
                if c == " " {
                    var n = 0
                    while i < chars.count, chars[i] == " " { n += 1; i += 1 }
                    nodes.append(.space(wide: n >= 2))
                } else if Self.lowered(c) != nil, let last = nodes.last, !isSpace(last) {
                    // a run of subscript characters is one subscript (₍ₓ,ᵧ₎ reads (x,y), commas included)
                    var text = "", depth = 0
                    while i < chars.count, let s = Self.lowered(chars[i]) ?? (depth > 0 && chars[i] == "," ? "," : nil) {
                        depth += s == "(" ? 1 : s == ")" ? -1 : 0
                        text += s; i += 1
                    }
                    var inner = Parser(Array(text))
                    nodes[nodes.count - 1] = attach(last, sub: inner.row(until: nil))
                } else if let script = Self.superscripts[c], let last = nodes.last, !isSpace(last) {
                    i += 1
                    nodes[nodes.count - 1] = attach(last, sup: [script == "−" ? .op("−") : .number(script)])
                } else if (c == "_" || c == "^"), let last = nodes.last, !isSpace(last) {
                    i += 1
                    let script = scriptArgument()
                    nodes[nodes.count - 1] = c == "_" ? attach(last, sub: script) : attach(last, sup: script)
                } else if c == "*", let last = nodes.last, !isSpace(last), !isOperator(last) {
                    i += 1
                    nodes[nodes.count - 1] = attach(last, sup: [.op("*")])
                } else if let end = Self.closing[c], c != "{" {
                    i += 1
                    nodes.append(.group(open: String(c), row(until: end), close: String(end)))
                } else if Self.isLetter(c) {
                    var word = ""
                    while i < chars.count, Self.isLetter(chars[i]) { word.append(chars[i]); i += 1 }
                    nodes.append(.symbol(word))
                } else if c.isNumber {
                    var number = ""
                    while i < chars.count, chars[i].isNumber || (chars[i] == "." && number.last?.isNumber == true
                                                                 && i + 1 < chars.count && chars[i + 1].isNumber) {
                        number.append(chars[i]); i += 1
                    }
                    nodes.append(.number(number))
                } else {
                    i += 1
                    nodes.append(.op(c == "~" ? "∼" : c == "-" ? "−" : String(c)))
                }
            }
            return nodes
        }

        /// After `_` or `^`: a `{…}` group, or one word or number, or one character.
        mutating func scriptArgument() -> [Node] {
            guard i < chars.count else { return [] }
            if chars[i] == "{" { i += 1; return row(until: "}") }
            let c = chars[i]
            guard Self.isLetter(c) || c.isNumber else { i += 1; return [.op(String(c))] }
            var text = ""
            while i < chars.count, Self.isLetter(chars[i]) || chars[i].isNumber { text.append(chars[i]); i += 1 }
            return [text.allSatisfy(\.isNumber) ? .number(text) : .symbol(text)]
        }

        func isSpace(_ n: Node) -> Bool { if case .space = n { true } else { false } }
        func isOperator(_ n: Node) -> Bool { if case .op = n { true } else { false } }

        func attach(_ base: Node, sub: [Node]? = nil, sup: [Node]? = nil) -> Node {
            if case .scripts(let b, let s0, let s1) = base, (sub == nil || s0 == nil), (sup == nil || s1 == nil) {
                return .scripts(base: b, sub: sub ?? s0, sup: sup ?? s1)
            }
            return .scripts(base: base, sub: sub, sup: sup)
        }
    }

    /// `a / b` → a fraction, where a and b are the runs of adjacent non-operator nodes around the
    /// slash (a parenthesised group alone loses its parentheses); applied inside groups too.
    static func fractions(_ nodes: [Node]) -> [Node] {
        var out: [Node] = []
        let nodes = nodes.map { n -> Node in
            if case .group(let o, let inner, let c) = n { return .group(open: o, fractions(inner), close: c) }
            return n
        }
        func isTerm(_ n: Node) -> Bool {
            switch n { case .op, .space: false; default: true }
        }
        func unwrapped(_ run: [Node]) -> [Node] {
            if run.count == 1, case .group("(", let inner, ")") = run[0] { return inner }
            return run
        }
        var i = 0
        while i < nodes.count {
            let n = nodes[i]
            if case .op("/") = n {
                // the slash may have a single space on either side
                var j = i + 1
                if j < nodes.count, case .space(false) = nodes[j] { j += 1 }
                // numerator: trailing terms of out (skipping one thin space)
                var end = out.count
                if end > 0, case .space(false) = out[end - 1] { end -= 1 }
                var start = end
                while start > 0, isTerm(out[start - 1]) { start -= 1 }
                var dEnd = j
                while dEnd < nodes.count, isTerm(nodes[dEnd]) { dEnd += 1 }
                if start < end && j < dEnd {
                    let numerator = unwrapped(Array(out[start..<end]))
                    out.removeSubrange(start...)
                    out.append(.fraction(numerator, unwrapped(Array(nodes[j..<dEnd]))))
                    i = dEnd
                    continue
                }
            }
            out.append(n)
            i += 1
        }
        return out
    }

    // MARK: - MathML

    /// Words set as operators with limits below (min_G, Σ_g) rather than subscripts beside.
    static let limitOperators: Set<String> = ["min", "max", "Σ", "∑", "argmin", "argmax"]

    static func mathML(_ nodes: [Node]) -> String {
        nodes.count == 1 ? mathML(nodes[0]) : "<mrow>" + nodes.map(mathML).joined() + "</mrow>"
    }

    static func mathML(_ n: Node) -> String {
        switch n {
        case .symbol(let s):
            // x̂, Î: an accent over a letter, so the letter stays italic
            if let letter = hatted(s) { return "<mover accent=\"true\"><mi>\(HTMLReport.escape(letter))</mi><mo>^</mo></mover>" }
            return "<mi>\(HTMLReport.escape(s))</mi>"
        case .number(let s): return "<mn>\(HTMLReport.escape(s))</mn>"
        case .op("Σ"): return "<mo>∑</mo>"   // the summation operator, sized as one
        case .op("|"): return "<mo fence=\"true\" lspace=\"0\" rspace=\"0\">|</mo>"   // absolute-value bars hug
        case .op(let s): return "<mo>\(HTMLReport.escape(s))</mo>"
        case .space(let wide): return "<mspace width=\"\(wide ? "1.5em" : "0.3em")\"/>"
        case .group(let o, let inner, let c):
            // fences hug their contents (a function's argument list, an expectation's bracket)
            let fence = { (f: String) in "<mo fence=\"true\" lspace=\"0\" rspace=\"0\">\(HTMLReport.escape(f))</mo>" }
            return "<mrow>" + fence(o) + inner.map(mathML).joined() + fence(c) + "</mrow>"
        case .fraction(let a, let b): return "<mfrac>\(mathML(a))\(mathML(b))</mfrac>"
        case .scripts(let base, let sub, let sup):
            let b = mathML(base)
            let limits: Bool = {
                switch base { case .symbol(let s), .op(let s): return limitOperators.contains(s); default: return false }
            }()
            switch (sub, sup) {
            case (let s?, let t?): return limits ? "<munderover>\(b)\(mathML(s))\(mathML(t))</munderover>"
                                                 : "<msubsup>\(b)\(mathML(s))\(mathML(t))</msubsup>"
            case (let s?, nil): return limits ? "<munder>\(b)\(mathML(s))</munder>" : "<msub>\(b)\(mathML(s))</msub>"
            case (nil, let t?): return "<msup>\(b)\(mathML(t))</msup>"
            case (nil, nil): return b
            }
        }
    }

    // MARK: - LaTeX

    static let latexOperators: [String: String] = [
        "·": "\\cdot ", "−": "-", "∗": "\\ast ", "‖": "\\|", "∼": "\\sim ", "∇": "\\nabla ", "Σ": "\\sum", "∑": "\\sum",
        "≈": "\\approx ", "∈": "\\in ", "≤": "\\le ", "≥": "\\ge ", "→": "\\to ", "↦": "\\mapsto ", "×": "\\times ",
        "{": "\\{", "}": "\\}", "%": "\\%", "#": "\\#", "&": "\\&", "$": "\\$",
    ]
    static let latexFunctions: Set<String> = ["log", "exp", "min", "max", "arg", "sin", "cos", "det", "sup", "inf"]

    static func latex(_ nodes: [Node]) -> String { "{" + nodes.map(latex).joined() + "}" }

    static func latex(_ n: Node) -> String {
        switch n {
        case .symbol(let s):
            if s == "𝔼" { return "\\mathbb{E}" }
            if latexFunctions.contains(s) { return "\\\(s) " }
            if s.count == 1 { return latexLetter(s) }
            return "\\mathrm{\(s.map { latexLetter(String($0)) }.joined())}"
        case .number(let s): return s
        case .op(let s): return latexOperators[s] ?? s
        case .space(let wide): return wide ? "\\qquad " : "\\; "
        case .group(let o, let inner, let c):
            let open = o == "(" ? "\\left(" : o == "[" ? "\\left[" : "\\left\\{"
            let close = c == ")" ? "\\right)" : c == "]" ? "\\right]" : "\\right\\}"
            return open + inner.map(latex).joined() + close
        case .fraction(let a, let b): return "\\frac\(latex(a))\(latex(b))"
        case .scripts(let base, let sub, let sup):
            var out = "{" + latex(base) + "}"
            if let sub { out += "_" + latex(sub) }
            if let sup { out += "^" + latex(sup) }
            return out
        }
    }

    /// One letter, with a combining circumflex (x̂) or a precomposed hat (Î) as \hat.
    static func latexLetter(_ s: String) -> String { hatted(s).map { "\\hat{\($0)}" } ?? s }

    /// The letter under a hat, for x̂ (x and a combining circumflex) or a precomposed Î.
    static func hatted(_ s: String) -> String? {
        let scalars = Array(s.decomposedStringWithCanonicalMapping.unicodeScalars)
        return scalars.count == 2 && scalars[1] == "\u{0302}" ? String(scalars[0]) : nil
    }
}
