import CCairo
@testable import Plot

/// A decoded PNG, read back through cairo, for checking where things landed.
struct Bitmap: CustomStringConvertible {
    let width: Int, height: Int
    private let pixels: [UInt32]

    init(png: [UInt8]) throws {
        final class Source { var bytes: [UInt8] = []; var offset = 0 }
        let source = Source()
        source.bytes = png
        let read: cairo_read_func_t = { closure, data, length in
            let s = Unmanaged<Source>.fromOpaque(closure!).takeUnretainedValue()
            guard let data, s.offset + Int(length) <= s.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            for i in 0 ..< Int(length) { data[i] = s.bytes[s.offset + i] }
            s.offset += Int(length)
            return CAIRO_STATUS_SUCCESS
        }
        let surface = cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque())
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw PlotError(description: "PNG did not decode") }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels: [UInt32] = []
        for y in 0 ..< height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0 ..< width { pixels.append(row[x]) }
        }
        self.pixels = pixels
    }

    var description: String { "\(width)×\(height) bitmap" }

    init(_ figure: Figure) throws { try self.init(png: figure.pngData()) }

    func rgb(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let p = pixels[y * width + x]
        return (Int(p >> 16 & 0xFF), Int(p >> 8 & 0xFF), Int(p & 0xFF))
    }

    /// Whether the pixel is within `tolerance` (per channel, 0–255) of `color`.
    func matches(_ x: Int, _ y: Int, _ color: Color, tolerance: Int = 6) -> Bool {
        let p = rgb(x, y)
        return abs(p.r - Int(color.red * 255)) <= tolerance && abs(p.g - Int(color.green * 255)) <= tolerance
            && abs(p.b - Int(color.blue * 255)) <= tolerance
    }

    /// Clearly orange-red (the palette's vermilion, even antialiased against white).
    func isReddish(_ x: Int, _ y: Int) -> Bool {
        let p = rgb(x, y)
        return p.r - p.b > 60
    }

    /// The dark grey of axis frames and text (antialiased: a 1-pixel line may cover two half pixels).
    func isInk(_ x: Int, _ y: Int) -> Bool {
        let p = rgb(x, y)
        return p.r < 180 && abs(p.r - p.g) < 12 && abs(p.g - p.b) < 12
    }

    /// The plot frame around pixel (x, y): the first ink pixels left, right, above and below it.
    func frame(around x: Int, _ y: Int) -> (left: Int, right: Int, top: Int, bottom: Int) {
        let left = stride(from: x, through: 0, by: -1).first { isInk($0, y) } ?? 0
        let right = (x ..< width).first { isInk($0, y) } ?? width - 1
        let top = stride(from: y, through: 0, by: -1).first { isInk(x, $0) } ?? 0
        let bottom = (y ..< height).first { isInk(x, $0) } ?? height - 1
        return (left, right, top, bottom)
    }
}
