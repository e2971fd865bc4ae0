import Foundation
import Testing
@testable import Plot

@Suite struct TickTests {
    @Test func linearTicksUseOneTwoFiveStepsCoveringTheRange() {
        for (lo, hi) in [(0.0, 1.0), (-3.7, 12.2), (0.0013, 0.0091), (-250.0, 4000.0), (0.2, 0.31)] {
            let ticks = Ticks.linear(lo, hi, maxCount: 6).map(\.value)
            #expect(ticks.count >= 2 && ticks.count <= 6, "\(lo)…\(hi): \(ticks)")
            #expect(ticks.allSatisfy { $0 >= lo - 1e-12 && $0 <= hi + 1e-12 })
            let step = ticks[1] - ticks[0]
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-6 }, "step \(step)")
            // Covering: no room for another step at either end.
            #expect(ticks.first! - step < lo && ticks.last! + step > hi)
        }
    }

    @Test func linearTickLabelsAreReadable() {
        #expect(Ticks.linear(0, 1, maxCount: 6).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Ticks.linear(-10, 10, maxCount: 5).map(\.label) == ["−10", "−5", "0", "5", "10"])
        #expect(Ticks.linear(0, 3e6, maxCount: 4).map(\.label) == ["0", "10⁶", "2×10⁶", "3×10⁶"])
        // Small steps: every label distinct (it once rounded 0.001, 0.0015, … to "0").
        let small = Ticks.linear(0.0005, 0.003, maxCount: 6).map(\.label)
        #expect(Set(small).count == small.count && !small.contains("0"), "\(small)")
    }

    @Test func logTicksAreDecades() {
        let ticks = Ticks.log(3e-4, 20, maxCount: 10)
        #expect(ticks.map(\.value) == [1e-3, 1e-2, 1e-1, 1, 10].map { $0 })
        #expect(ticks.map(\.label) == ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹"])
        // Too many decades for the room: every other decade.
        #expect(Ticks.log(1, 1e8, maxCount: 5).map(\.value) == [1, 1e2, 1e4, 1e6, 1e8])
        // Less than two decades: 1-2-5 mantissas.
        #expect(Ticks.log(1.5, 30, maxCount: 8).map(\.value) == [2, 5, 10, 20])
    }

    @Test func degenerateRangesDoNotCrash() {
        #expect(Ticks.linear(1, 1, maxCount: 5).count == 1)
        #expect(Ticks.linear(.nan, 1, maxCount: 5).isEmpty)
        #expect(Ticks.log(-1, 10, maxCount: 5).isEmpty)
    }
}

@Suite struct ContourTests {
    @Test func circleContourLiesAtTheRadius() {
        let grid = Grid(x: -2 ... 2, y: -2 ... 2, cols: 81, rows: 81) { x, y in (x * x + y * y).squareRoot() }
        let segments = Contour.segments(grid, level: 1.25)
        #expect(segments.count > 100)
        for s in segments {
            for (x, y) in [(s.x0, s.y0), (s.x1, s.y1)] {
                #expect(abs((x * x + y * y).squareRoot() - 1.25) < 0.01)
            }
        }
        // It goes all the way round: every quadrant has segments.
        #expect(Set(segments.map { ($0.x0 > 0 ? 1 : 0) + ($0.y0 > 0 ? 2 : 0) }).count == 4)
    }

    @Test func nanCellsLeaveHoles() {
        var grid = Grid(x: 0 ... 1, y: 0 ... 1, cols: 10, rows: 10) { x, _ in x }
        let full = Contour.segments(grid, level: 0.5).count
        grid.values[5 * 10 + 4] = .nan
        #expect(Contour.segments(grid, level: 0.5).count < full)
    }

    @Test func colormapsHitTheirEnds() {
        #expect(Colormap.viridis.color(at: 0) == Color(red: 0.267004, green: 0.004874, blue: 0.329415))
        #expect(Colormap.viridis.color(at: 2) == Colormap.viridis.color(at: 1))
        let mid = Colormap.diverging.color(at: 0.5)
        #expect(mid.red > 0.95 && mid.green > 0.95 && mid.blue > 0.95)
    }
}
