import Testing
@testable import Plot

@Suite struct SmoothingTests {
    @Test func trailingMeanShorterAtTheStart() {
        #expect(movingAverage([1, 2, 3, 4, 5], window: 2) == [1, 1.5, 2.5, 3.5, 4.5])
        #expect(movingAverage([3, 6, 9], window: 5) == [3, 4.5, 6])
        #expect(movingAverage([7, 1], window: 1) == [7, 1])
        #expect(movingAverage([], window: 3).isEmpty)
    }
}
