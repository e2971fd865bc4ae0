import Foundation
import Testing
@testable import Plot

@Suite struct RenderTests {
    let red = Color(hex: 0xD55E00)

    @Test func pngStartsWithSignatureAndDecodesToTheRequestedSize() throws {
        let fig = Figure(width: 640, height: 360, title: "size")
        fig.axes().line(y: [1, 3, 2])
        let png = try fig.pngData()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let bitmap = try Bitmap(png: png)
        #expect(bitmap.width == 640 && bitmap.height == 360)
    }

    @Test func aLongTitleOnATallFigureStaysInsideTheCanvas() throws {
        let fig = Figure(width: 600, height: 1200,
                         title: "A very long title that would not fit across a narrow, tall figure at the slide size")
        fig.axes().line(y: [1, 2])
        let bitmap = try Bitmap(fig)
        let titleRows = 0 ..< 25
        let inkColumns = (0 ..< bitmap.width).filter { x in titleRows.contains { bitmap.isInk(x, $0) } }
        #expect(!inkColumns.isEmpty, "the title is drawn")
        #expect((inkColumns.first ?? 0) >= 8 && (inkColumns.last ?? bitmap.width) < bitmap.width - 8,
                "title ink spans columns \(inkColumns.first ?? -1)…\(inkColumns.last ?? -1) of \(bitmap.width)")
    }

    @Test func horizontalLineLandsOnTheExpectedRow() throws {
        let fig = Figure(width: 500, height: 400)
        let ax = fig.axes()
        ax.grid = false
        ax.ylim = 0 ... 1
        ax.hline(0.5, color: red, style: .solid)
        let bitmap = try Bitmap(fig)
        let (cx, cy) = (bitmap.width / 2, bitmap.height / 2)
        let frame = bitmap.frame(around: cx, cy)
        let expected = Double(frame.top + frame.bottom) / 2
        let redRows = (frame.top ... frame.bottom).filter { bitmap.isReddish(cx, $0) }
        #expect(!redRows.isEmpty)
        #expect(redRows.allSatisfy { abs(Double($0) - expected) <= 2.5 }, "red rows \(redRows), expected about \(expected)")
    }

    @Test func scatterPointAppearsAtItsDataPosition() throws {
        let fig = Figure(width: 500, height: 400)
        let ax = fig.axes()
        ax.grid = false
        ax.xlim = 0 ... 1; ax.ylim = 0 ... 1
        ax.scatter(x: [0.25], y: [0.75], color: red, size: 14, alpha: 1)
        let bitmap = try Bitmap(fig)
        let frame = bitmap.frame(around: bitmap.width / 2, bitmap.height / 2)
        let px = Int((Double(frame.left) + 0.25 * Double(frame.right - frame.left)).rounded())
        let py = Int((Double(frame.bottom) - 0.75 * Double(frame.bottom - frame.top)).rounded())
        #expect(bitmap.matches(px, py, red, tolerance: 10))
        #expect(!bitmap.isReddish(px + 15, py))
        #expect(!bitmap.isReddish(bitmap.width - px, bitmap.height - py))
    }

    @Test func bandFillsBetweenItsEdgesAndNowhereElse() throws {
        let fig = Figure(width: 500, height: 400)
        let ax = fig.axes()
        ax.grid = false
        ax.xlim = 0 ... 1; ax.ylim = 0 ... 1
        ax.band(x: [0, 1], lower: [0.4, 0.4], upper: [0.6, 0.6], color: red, alpha: 1)
        let bitmap = try Bitmap(fig)
        let frame = bitmap.frame(around: bitmap.width / 2, bitmap.height / 4)
        func row(_ y: Double) -> Int { Int((Double(frame.bottom) - y * Double(frame.bottom - frame.top)).rounded()) }
        let cx = (frame.left + frame.right) / 2
        #expect(bitmap.matches(cx, row(0.5), red, tolerance: 10))
        #expect(!bitmap.isReddish(cx, row(0.7)) && !bitmap.isReddish(cx, row(0.3)))
    }

    @Test func heatmapCornersHaveTheColormapEnds() throws {
        let fig = Figure(width: 500, height: 400)
        let ax = fig.axes()
        ax.heatmap(Grid([[0, 1], [2, 3]]))    // row 0 is the bottom row
        let bitmap = try Bitmap(fig)
        // The colour bar is on the right, so look for the frame left of the centre.
        let frame = bitmap.frame(around: bitmap.width / 3, bitmap.height / 2)
        let inset = 4
        #expect(bitmap.matches(frame.left + inset, frame.bottom - inset, Colormap.viridis.color(at: 0)))
        #expect(bitmap.matches(frame.right - inset, frame.top + inset, Colormap.viridis.color(at: 1)))
        #expect(bitmap.matches(frame.left + inset, frame.top + inset, Colormap.viridis.color(at: 2.0 / 3)))
    }

    @Test func nanInfAndEmptyDataDoNotCrash() throws {
        let fig = Figure(width: 400, height: 300)
        let axes = fig.subplots(rows: 2, cols: 3)
        axes[0][0].line(x: [0, 1, .nan, 3, 4], y: [1, .infinity, 2, 3, .nan], label: "gappy")
        axes[0][1].line(x: [], y: [], label: "empty")
        axes[0][2].scatter(x: [.nan], y: [.nan])
        axes[1][0].histogram([.nan, .infinity])
        axes[1][1].heatmap(Grid([[.nan, .nan], [.nan, .nan]]))
        axes[1][2].yscale = .log
        axes[1][2].line(y: [0, -1, 10, 100])
        axes[1][2].contour(Grid([[1, 2], [.nan, 4]]), filled: true)
        let bitmap = try Bitmap(fig)
        #expect(bitmap.width == 400)
        #expect(try fig.svgData().count > 100)
    }

    @Test func nanBreaksTheLine() throws {
        let fig = Figure(width: 500, height: 400)
        let ax = fig.axes()
        ax.grid = false
        ax.xlim = 0 ... 4; ax.ylim = 0 ... 1
        ax.line(x: [0, 1, 2, 3, 4], y: [0.5, 0.5, .nan, 0.5, 0.5], color: red)
        let bitmap = try Bitmap(fig)
        let frame = bitmap.frame(around: bitmap.width / 4, bitmap.height / 3)
        let row = (frame.top + frame.bottom) / 2
        let x = { (v: Double) in Int(Double(frame.left) + v / 4 * Double(frame.right - frame.left)) }
        #expect(bitmap.isReddish(x(0.5), row) || bitmap.isReddish(x(0.5), row + 1))
        #expect(!bitmap.isReddish(x(2), row) && !bitmap.isReddish(x(2), row + 1))
        #expect(bitmap.isReddish(x(3.5), row) || bitmap.isReddish(x(3.5), row + 1))
    }

    @Test func svgIsDeterministicXMLText() throws {
        func make() -> Figure {
            let fig = Figure(width: 400, height: 300, title: "θ ↦ ‖∇D‖²")
            fig.axes().heatmap(Grid(x: 0 ... 1, y: 0 ... 1, cols: 4, rows: 4) { $0 + $1 })
            return fig
        }
        let svg = try make().svgData()
        let text = String(decoding: svg, as: UTF8.self)
        #expect(text.hasPrefix("<?xml") || text.hasPrefix("<svg"))
        #expect(text.contains("</svg>"))
        #expect(text.contains("width=\"400px\"") || text.contains("width=\"400\""))
        #expect(try make().svgData() == svg)
        #expect(try make().pngData() == make().pngData())
    }

    @Test func badSizesThrowInsteadOfCrashing() {
        #expect(throws: PlotError.self) { try Figure(width: 0, height: 10).pngData() }
        #expect(throws: PlotError.self) { try Figure(width: 100, height: 100).write(png: "/proc/no/such/dir/x.png") }
    }

    @Test func imageGridShowsPixelsCrisply() throws {
        let fig = Figure(width: 400, height: 300)
        let grid = fig.imageGrid(rows: 1, cols: 1)
        // A 2×2 RGB image: red, green / blue, white.
        grid.set(RasterImage(pixels: [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1], channels: 3, height: 2, width: 2), row: 0, col: 0)
        let bitmap = try Bitmap(fig)
        // The image is centred and square: sample a quarter of its side from the centre.
        let (cx, cy) = (bitmap.width / 2, bitmap.height / 2), q = bitmap.height / 5
        #expect(bitmap.matches(cx - q, cy - q, Color(red: 1, green: 0, blue: 0), tolerance: 1))
        #expect(bitmap.matches(cx + q, cy - q, Color(red: 0, green: 1, blue: 0), tolerance: 1))
        #expect(bitmap.matches(cx - q, cy + q, Color(red: 0, green: 0, blue: 1), tolerance: 1))
        #expect(bitmap.matches(cx + q, cy + q, .white, tolerance: 1))
    }
}
