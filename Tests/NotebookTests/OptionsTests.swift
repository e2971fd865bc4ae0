import Course
import ArgumentParser
import Testing
@testable import Notebook

@Suite struct OptionsTests {
    @Test func parsesAndRoundTrips() throws {
        let options = try LessonOptions.parse(["--quick", "--seed", "7", "--threads", "2", "--out", "/tmp/o", "--only", "3", "--force", "--no-color"])
        #expect(options.quick && options.force && options.noColor)
        #expect(options.seed == 7 && options.threads == 2 && options.out == "/tmp/o" && options.only == "3")
        let again = try LessonOptions.parse(options.arguments)
        #expect(again.arguments == options.arguments)
    }

    @Test func defaults() throws {
        let options = try LessonOptions.parse([])
        #expect(!options.quick && options.seed == 1 && options.threads == 1 && options.out == nil && options.only == nil)
    }

    @Test(arguments: [["--threads", "0"], ["--threads", "-3"], ["--seed", "-1"], ["--only", " "], ["--bogus"]])
    func rejectsBadValues(_ args: [String]) {
        #expect(throws: (any Error).self) { try LessonOptions.parse(args) }
    }

    @Test func catalogHasTheSixLessonsInOrder() {
        #expect(Catalog.ids == ["blur-model", "gan-minimax", "wgan-critic", "gradient-penalty", "conditional-gan", "deblurgan"])
        #expect(Catalog.lessons.map(\.folder) == ["01-blur-model", "02-gan-minimax", "03-wgan-critic", "04-gradient-penalty", "05-conditional-gan", "06-deblurgan"])
    }
}
