import Testing
@testable import Notebook

/// The helpers every lesson shares: the mean, claims and numbers for sentences.
@Suite struct LessonHelpers {
    @Test func theMean() {
        #expect(mean([1, 2, 6]) == 3)
        #expect(mean([]).isNaN)
    }

    @Test func aClaimThatDoesNotHoldFailsTheCellWithItsText() throws {
        try claim(true, "nothing")
        #expect(throws: CellError.self) { try claim(false, "2 > 3") }
        do { try claim(false, "2 > 3") } catch { #expect("\(error)" == "the lesson claims 2 > 3, but the computation disagrees") }
    }

    @Test func numbersForSentences() {
        #expect(f1(0.26) == "0.3")
        #expect(f2(0.256) == "0.26" && f3(2) == "2.000")
        #expect(signed(0.5) == "+0.50" && signed(-0.25) == "-0.25" && signed(0) == "+0.00")
        #expect(signed(-0.001) == "-0.00" && signed(-0.0) == "-0.00", "a loss that rounds to zero keeps its sign, never \"+-0.00\"")
    }
}
