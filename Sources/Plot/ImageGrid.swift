/// A grayscale or RGB image with Float values in 0...1 (clamped; NaN shows black), as the
/// course's tensors hold them.
public struct RasterImage: Sendable {
    public let width: Int, height: Int
    /// 1 (grayscale) or 3 (RGB).
    public let channels: Int
    /// Planar channels × height × width, row 0 at the top.
    public let pixels: [Float]

    /// An image from planar `channels`×`height`×`width` values (the layout of a CHW tensor).
    public init(pixels: [Float], channels: Int, height: Int, width: Int) {
        precondition(channels == 1 || channels == 3, "RasterImage: \(channels) channels, expected 1 or 3")
        precondition(pixels.count == channels * height * width, "RasterImage: \(pixels.count) values for \(channels)×\(height)×\(width)")
        self.pixels = pixels; self.channels = channels; self.height = height; self.width = width
    }

    /// A grayscale image from `height`×`width` values.
    public init(gray: [Float], height: Int, width: Int) {
        self.init(pixels: gray, channels: 1, height: height, width: width)
    }

    /// Pixels of the sub-rectangle, in cairo's ARGB32 format.
    func argb32(x0: Int = 0, y0: Int = 0, width w: Int? = nil, height h: Int? = nil) -> [UInt32] {
        let w = w ?? width, h = h ?? height, plane = width * height
        func byte(_ v: Float) -> UInt32 { v.isNaN ? 0 : UInt32((min(max(v, 0), 1) * 255).rounded()) }
        var out: [UInt32] = []
        out.reserveCapacity(w * h)
        for y in y0 ..< y0 + h {
            for x in x0 ..< x0 + w {
                let i = y * width + x
                let (r, g, b) = channels == 1 ? (pixels[i], pixels[i], pixels[i]) : (pixels[i], pixels[plane + i], pixels[2 * plane + i])
                out.append(0xFF00_0000 | byte(r) << 16 | byte(g) << 8 | byte(b))
            }
        }
        return out
    }
}

/// A grid of images with a caption under each and optional row and column labels — how the
/// lessons show blurred / restored / sharp photos side by side and GAN samples.
///
/// Images keep their aspect ratio; small images are enlarged with crisp pixels (nearest
/// neighbour) so individual pixels stay visible.
public final class ImageGrid {
    public let rows: Int, cols: Int
    /// Labels left of each row (read bottom-to-top) and above each column.
    public var rowLabels: [String]?
    public var colLabels: [String]?
    /// A region shown enlarged in the bottom-right corner of every image, with its outline
    /// drawn on the image — for comparing fine detail such as sharpened edges.
    public var inset: Inset?

    /// A crop rectangle in image pixels (row 0 at the top) and the displayed size of its
    /// enlargement, as a fraction of the image's displayed width.
    public struct Inset: Sendable {
        public var x: Int, y: Int, width: Int, height: Int
        public var size: Double
        public init(x: Int, y: Int, width: Int, height: Int, size: Double = 0.45) {
            self.x = x; self.y = y; self.width = width; self.height = height; self.size = size
        }
    }

    private var cells: [[(image: RasterImage, caption: String?)?]]

    init(rows: Int, cols: Int) {
        self.rows = rows; self.cols = cols
        cells = Array(repeating: Array(repeating: nil, count: cols), count: rows)
    }

    /// Places `image` at (`row`, `col`) with a caption below it. Out-of-range positions are ignored.
    public func set(_ image: RasterImage, row: Int, col: Int, caption: String? = nil) {
        guard (0 ..< rows).contains(row), (0 ..< cols).contains(col) else { return }
        cells[row][col] = (image, caption)
    }

    func draw(in area: Rect, _ p: Painter) {
        let pad = p.px(12), gap = p.px(6)
        let labelH = p.lineHeight(FontSize.label), captionH = p.lineHeight(FontSize.caption)
        var inner = area.inset(by: pad)
        if colLabels != nil { inner.y += labelH + gap; inner.height -= labelH + gap }
        if rowLabels != nil { inner.x += labelH + gap; inner.width -= labelH + gap }
        let hasCaptions = cells.joined().contains { $0?.caption != nil }
        let cellW = inner.width / Double(cols), cellH = inner.height / Double(rows)
        let imageBox = (width: cellW - 2 * gap, height: cellH - 2 * gap - (hasCaptions ? captionH + gap : 0))

        for r in 0 ..< rows {
            for c in 0 ..< cols {
                let cell = Rect(x: inner.x + Double(c) * cellW, y: inner.y + Double(r) * cellH, width: cellW, height: cellH)
                if r == 0, let label = colLabels?[safe: c] {
                    p.text(label, at: Point(x: cell.midX, y: cell.y - gap), size: FontSize.label, bold: true, v: .end)
                }
                if c == 0, let label = rowLabels?[safe: r] {
                    p.text(label, at: Point(x: cell.x - gap, y: cell.y + gap + imageBox.height / 2),
                           size: FontSize.label, bold: true, v: .end, vertical: true)
                }
                guard let (image, caption) = cells[r][c], image.width > 0, image.height > 0 else { continue }
                let zoom = min(imageBox.width / Double(image.width), imageBox.height / Double(image.height))
                let w = Double(image.width) * zoom, h = Double(image.height) * zoom
                let frame = Rect(x: cell.midX - w / 2, y: cell.y + gap + (imageBox.height - h) / 2, width: w, height: h)
                p.image(image.argb32(), width: image.width, height: image.height, in: frame, smooth: zoom < 1)
                if let inset { drawInset(inset, of: image, in: frame, zoom: zoom, p) }
                if let caption {
                    p.text(caption, at: Point(x: cell.midX, y: frame.maxY + gap), size: FontSize.caption, v: .start)
                }
            }
        }
    }

    private func drawInset(_ inset: Inset, of image: RasterImage, in frame: Rect, zoom: Double, _ p: Painter) {
        let x0 = min(max(inset.x, 0), image.width - 1), y0 = min(max(inset.y, 0), image.height - 1)
        let w = min(max(inset.width, 1), image.width - x0), h = min(max(inset.height, 1), image.height - y0)
        let highlight = Palette.color(3)   // orange: visible on photos of most colours
        let source = Rect(x: frame.x + Double(x0) * zoom, y: frame.y + Double(y0) * zoom, width: Double(w) * zoom, height: Double(h) * zoom)
        let outW = frame.width * inset.size, outH = outW * Double(h) / Double(w)
        let target = Rect(x: frame.maxX - outW, y: frame.maxY - outH, width: outW, height: outH)
        p.frame(source, color: highlight, width: p.px(2.5))
        p.image(image.argb32(x0: x0, y0: y0, width: w, height: h), width: w, height: h, in: target, smooth: false)
        p.frame(target, color: highlight, width: p.px(3))
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
