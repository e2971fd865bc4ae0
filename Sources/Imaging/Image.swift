import Autograd

/// A planar Float32 image: `channels × height × width`, values in [0, 1] (0 black, 1 white).
///
/// Pixel `(c, y, x)` is `pixels[(c * height + y) * width + x]`. One channel is gray, three are RGB.
/// The value type makes copies cheap to reason about; operations return new images.
public struct Image: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public var pixels: [Float]

    public init(channels: Int, height: Int, width: Int, pixels: [Float]) {
        precondition(channels > 0 && height > 0 && width > 0,
                     "image dimensions must be positive, got \(channels)×\(height)×\(width)")
        precondition(pixels.count == channels * height * width,
                     "\(channels)×\(height)×\(width) image needs \(channels * height * width) values, got \(pixels.count)")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    /// A constant image.
    public init(channels: Int, height: Int, width: Int, value: Float = 0) {
        self.init(channels: channels, height: height, width: width,
                  pixels: [Float](repeating: value, count: channels * height * width))
    }

    /// An image from a function of (channel, y, x) — for tests and synthetic examples, not hot paths.
    public init(channels: Int, height: Int, width: Int, _ f: (Int, Int, Int) -> Float) {
        var p = [Float](repeating: 0, count: channels * height * width)
        var i = 0
        for c in 0..<channels { for y in 0..<height { for x in 0..<width { p[i] = f(c, y, x); i += 1 } } }
        self.init(channels: channels, height: height, width: width, pixels: p)
    }

    public var planeSize: Int { height * width }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }

    /// One channel as a one-channel image.
    public func channel(_ c: Int) -> Image {
        precondition(c >= 0 && c < channels, "channel \(c) out of range 0..<\(channels)")
        let n = planeSize
        return Image(channels: 1, height: height, width: width, pixels: Array(pixels[c * n ..< (c + 1) * n]))
    }

    /// Stacks one-channel images (all the same size) into one image.
    public init(stacking planes: [Image]) {
        precondition(!planes.isEmpty, "need at least one plane")
        let h = planes[0].height, w = planes[0].width
        var p: [Float] = []
        p.reserveCapacity(planes.reduce(0) { $0 + $1.pixels.count })
        var c = 0
        for plane in planes {
            precondition(plane.height == h && plane.width == w, "planes must share one size")
            p += plane.pixels
            c += plane.channels
        }
        self.init(channels: c, height: h, width: w, pixels: p)
    }

    /// Values clamped to [0, 1].
    public func clamped() -> Image {
        var out = self
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = min(max(p[i], 0), 1) }
        }
        return out
    }

    /// Applies `f` to each channel plane (a one-channel image) and stacks the results.
    public func mapChannels(_ f: (Image) throws -> Image) rethrows -> Image {
        if channels == 1 { return try f(self) }
        return Image(stacking: try (0..<channels).map { try f(channel($0)) })
    }
}

// MARK: - Geometry

extension Image {
    /// The `width × height` rectangle whose top-left pixel is `(x, y)`; it must lie inside the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "crop \(w)×\(h) at (\(x), \(y)) does not fit a \(width)×\(height) image")
        var out = [Float](repeating: 0, count: channels * w * h)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for r in 0..<h {
                        let s = (c * height + y + r) * width + x
                        let d = (c * h + r) * w
                        for i in 0..<w { dst[d + i] = src[s + i] }
                    }
                }
            }
        }
        return Image(channels: channels, height: h, width: w, pixels: out)
    }

    /// The centred `width × height` crop.
    public func centreCropped(width w: Int, height h: Int) -> Image {
        cropped(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }

    /// A crop at a uniformly random position (every valid top-left corner equally likely).
    public func randomCrop(width w: Int, height h: Int, using rng: inout RandomGenerator) -> Image {
        precondition(w <= width && h <= height, "random crop \(w)×\(h) larger than the \(width)×\(height) image")
        let x = Int(rng.next() % UInt64(width - w + 1))
        let y = Int(rng.next() % UInt64(height - h + 1))
        return cropped(x: x, y: y, width: w, height: h)
    }

    /// Turned by 90° counter-clockwise (a square crop stays square; the size swaps otherwise).
    public func rotated90() -> Image {
        var out = pixels
        let (h, w) = (height, width)
        for c in 0..<channels {
            let o = c * h * w
            for y in 0..<h { for x in 0..<w { out[o + (w - 1 - x) * h + y] = pixels[o + y * w + x] } }
        }
        return Image(channels: channels, height: w, width: h, pixels: out)
    }

    /// Rounded to the nearest of 256 levels, as an 8-bit PNG stores it (values assumed in [0, 1]).
    public func quantised8Bit() -> Image {
        Image(channels: channels, height: height, width: width, pixels: pixels.map { ($0 * 255).rounded() / 255 })
    }

    /// Mirrored left–right.
    public func flippedHorizontally() -> Image {
        var out = pixels
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<(channels * height) {
                    let o = row * width
                    for x in 0..<width { dst[o + x] = src[o + width - 1 - x] }
                }
            }
        }
        return Image(channels: channels, height: height, width: width, pixels: out)
    }

    /// Luma weights used by `grayscale()`: ITU-R BT.601 (Y' = 0.299 R' + 0.587 G' + 0.114 B'),
    /// applied directly to the stored (gamma-encoded) values — the same as Pillow's `convert("L")`
    /// and OpenCV's `COLOR_RGB2GRAY`. (scikit-image's `rgb2gray` uses BT.709 weights
    /// 0.2125/0.7154/0.0721 instead; results differ by a few percent on saturated colours.)
    public static let lumaWeights: (r: Float, g: Float, b: Float) = (0.299, 0.587, 0.114)

    /// One-channel luma (BT.601, see `lumaWeights`). A gray image is returned unchanged; an image
    /// with another channel count than 1 or 3 is averaged over its channels.
    public func grayscale() -> Image {
        if channels == 1 { return self }
        let n = planeSize
        var out = [Float](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                if channels == 3 {
                    let (wr, wg, wb) = Image.lumaWeights
                    for i in 0..<n { o[i] = wr * p[i] + wg * p[n + i] + wb * p[2 * n + i] }
                } else {
                    let s = 1 / Float(channels)
                    for c in 0..<channels { for i in 0..<n { o[i] += s * p[c * n + i] } }
                }
            }
        }
        return Image(channels: 1, height: height, width: width, pixels: out)
    }

    /// Three identical channels from a gray image (an RGB image is returned unchanged).
    public func rgb() -> Image {
        if channels == 3 { return self }
        precondition(channels == 1, "rgb() needs a 1- or 3-channel image, got \(channels)")
        return Image(channels: 3, height: height, width: width, pixels: pixels + pixels + pixels)
    }

    public enum ResizeMethod: Sendable {
        /// Bilinear interpolation with pixel centres aligned (OpenCV `INTER_LINEAR`, PyTorch
        /// `align_corners=False`). Good for enlarging and mild shrinking; aliases when shrinking a lot.
        case bilinear
        /// Area averaging: each output pixel is the mean of the input area it covers (fractional
        /// pixels weighted by coverage), like OpenCV `INTER_AREA`. The right choice for downscaling photos.
        case area
    }

    /// Resized to `width × height`.
    public func resized(width w: Int, height h: Int, method: ResizeMethod = .area) -> Image {
        precondition(w > 0 && h > 0, "resize target must be positive, got \(w)×\(h)")
        if w == width && h == height { return self }
        // Separable: resample rows (x) then columns (y), each as a sparse weight list.
        let wx = Image.resampleWeights(from: width, to: w, method: method)
        let wy = Image.resampleWeights(from: height, to: h, method: method)
        var tmp = [Float](repeating: 0, count: channels * height * w)
        var out = [Float](repeating: 0, count: channels * h * w)
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for row in 0..<(channels * height) {
                    let s = row * width, d = row * w
                    for ox in 0..<w {
                        var acc: Float = 0
                        for (i, wt) in wx[ox] { acc += wt * src[s + i] }
                        t[d + ox] = acc
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for c in 0..<channels {
                    for oy in 0..<h {
                        let d = (c * h + oy) * w
                        for (i, wt) in wy[oy] {
                            let s = (c * height + i) * w
                            for ox in 0..<w { o[d + ox] += wt * t[s + ox] }
                        }
                    }
                }
            }
        }
        return Image(channels: channels, height: h, width: w, pixels: out)
    }

    /// For each output index, the input indices and weights (summing to 1).
    static func resampleWeights(from n: Int, to m: Int, method: ResizeMethod) -> [[(Int, Float)]] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { o -> [(Int, Float)] in
            if method == .area && m < n {
                let a = Double(o) * scale, b = Double(o + 1) * scale
                var list: [(Int, Float)] = []
                var i = Int(a.rounded(.down))
                while Double(i) < b && i < n {
                    let cover = min(b, Double(i + 1)) - max(a, Double(i))
                    if cover > 1e-12 { list.append((i, Float(cover / scale))) }
                    i += 1
                }
                return list
            }
            // Bilinear (also used by `.area` when enlarging, where area averaging degenerates to it).
            let x = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(n - 1))
            let i0 = Int(x.rounded(.down)), i1 = min(i0 + 1, n - 1)
            let f = Float(x - Double(i0))
            return f == 0 || i0 == i1 ? [(i0, Float(1))] : [(i0, 1 - f), (i1, f)]
        }
    }
}

// MARK: - Tensors

extension Image {
    /// The image as a `[C, H, W]` tensor with values mapped from [0, 1] to [−1, 1] (v ↦ 2v − 1),
    /// the range of DeblurGAN's tanh output.
    public func tensor() -> Tensor {
        var d = pixels
        d.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = 2 * p[i] - 1 } }
        return Tensor(shape: [channels, height, width], data: d)
    }

    /// An image from a `[C, H, W]` (or `[1, C, H, W]`) tensor in [−1, 1]: v ↦ (v + 1)/2, clamped
    /// to [0, 1] (a network's output can stray outside its range).
    public init(tensor t: Tensor) {
        let s = t.shape
        precondition(s.count == 3 || (s.count == 4 && s[0] == 1),
                     "Image(tensor:) needs shape [C, H, W] or [1, C, H, W], got \(s)")
        let (c, h, w) = s.count == 3 ? (s[0], s[1], s[2]) : (s[1], s[2], s[3])
        var d = t.data
        d.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = min(max((p[i] + 1) * 0.5, 0), 1) }
        }
        self.init(channels: c, height: h, width: w, pixels: d)
    }

    /// Images of one size stacked into an `[N, C, H, W]` tensor in [−1, 1].
    public static func batch(_ images: [Image]) -> Tensor {
        precondition(!images.isEmpty, "cannot batch zero images")
        let (c, h, w) = (images[0].channels, images[0].height, images[0].width)
        var d = [Float]()
        d.reserveCapacity(images.count * c * h * w)
        for im in images {
            precondition(im.channels == c && im.height == h && im.width == w,
                         "batched images must share one shape: \(c)×\(h)×\(w) vs \(im.channels)×\(im.height)×\(im.width)")
            for v in im.pixels { d.append(2 * v - 1) }
        }
        return Tensor(shape: [images.count, c, h, w], data: d)
    }

    /// The images of an `[N, C, H, W]` tensor in [−1, 1] (clamped to [0, 1] after mapping).
    public static func unbatch(_ t: Tensor) -> [Image] {
        precondition(t.shape.count == 4, "unbatch needs shape [N, C, H, W], got \(t.shape)")
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        let m = c * h * w
        return (0..<n).map { i in
            var d = Array(t.data[i * m ..< (i + 1) * m])
            for j in 0..<m { d[j] = min(max((d[j] + 1) * 0.5, 0), 1) }
            return Image(channels: c, height: h, width: w, pixels: d)
        }
    }
}
