import Testing
@testable import Notebook

@Suite struct SourceTextTests {
    let source = SourceText(#"""
        import Notebook
        let lesson = Lesson("x", title: "X")
        lesson.cell("Braces { in a title") { ctx in
            let s = "a } in a string \(ctx.pick(quick: "}", full: "{"))"
            // a } in a comment
            /* and { in /* a nested */ block */
            let raw = #"a raw "}" string"#
            let multi = """
                }}} "quoted" }
                """
            ctx.say(s, raw, multi)
        }
        lesson.markdown("""
            Prose with ) and }
            """)
        lesson.main()
        """#)

    @Test func findsTheClosureDespiteStringsAndComments() throws {
        let range = try #require(source.extent(line: 3, opening: UInt8(ascii: "{")))
        let text = source.text(range)
        #expect(text.hasPrefix("lesson.cell(\"Braces { in a title\") { ctx in"))
        #expect(text.hasSuffix("ctx.say(s, raw, multi)\n}"))
    }

    @Test func closureBodyIsDedentedWithoutTheParameterLine() throws {
        let range = try #require(source.extent(line: 3, opening: UInt8(ascii: "{")))
        let body = source.closureBody(range)
        #expect(body.hasPrefix("let s = \"a } in a string"))
        #expect(body.hasSuffix("ctx.say(s, raw, multi)"))
        #expect(!body.contains("ctx in"))
    }

    @Test func theFrameIsWhatRemainsOutsideCellsAndProse() throws {
        let cell = try #require(source.extent(line: 3, opening: UInt8(ascii: "{")))
        let prose = try #require(source.extent(line: 13, opening: UInt8(ascii: "(")))
        #expect(source.removing([cell, prose]) == "import Notebook\nlet lesson = Lesson(\"x\", title: \"X\")\n\n\nlesson.main()")
    }

    @Test func missingLinesGiveNil() {
        #expect(source.extent(line: 99, opening: UInt8(ascii: "{")) == nil)
        #expect(SourceText.load("/nonexistent/main.swift") == nil)
    }
}
