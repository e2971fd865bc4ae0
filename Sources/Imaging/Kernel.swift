import Foundation

/// A 2-D blur kernel (point-spread function): non-negative weights on an odd-sized grid whose
/// centre pixel is the origin. The constructors below return kernels that sum to 1, so blurring
/// keeps the mean brightness; `Image.convolved(with:)` computes a true convolution
/// (the kernel is flipped), as `scipy.signal.convolve` does.
///
/// Weight `(i, j)` (row i, column j) is `weights[i * width + j]`; the origin is `(height/2, width/2)`.
public struct Kernel: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public var weights: [Float]

    public init(height: Int, width: Int, weights: [Float]) {
        precondition(height > 0 && width > 0 && height % 2 == 1 && width % 2 == 1,
                     "kernel sides must be odd so that the centre is a pixel, got \(height)×\(width)")
        precondition(weights.count == height * width, "kernel \(height)×\(width) needs \(height * width) weights, got \(weights.count)")
        self.height = height
        self.width = width
        self.weights = weights
    }

    /// A square kernel from rows of weights (normalised to sum 1 unless `normalize` is false).
    public init(_ rows: [[Float]], normalize: Bool = true) {
        self.init(height: rows.count, width: rows.first?.count ?? 0, weights: rows.flatMap { $0 })
        if normalize { self = normalized() }
    }

    public subscript(i: Int, j: Int) -> Float {
        get { weights[i * width + j] }
        set { weights[i * width + j] = newValue }
    }

    /// The identity: a single 1 in a 1 × 1 kernel.
    public static let identity = Kernel(height: 1, width: 1, weights: [1])

    public var sum: Float { weights.reduce(0, +) }

    /// Scaled to sum 1.
    public func normalized() -> Kernel {
        let s = Double(weights.reduce(0.0) { $0 + Double($1) })
        precondition(s > 0, "cannot normalise a kernel whose weights sum to \(s)")
        var k = self
        let inv = Float(1 / s)
        for i in 0..<k.weights.count { k.weights[i] *= inv }
        return k
    }

    /// Rotated by 180°: convolving with the flipped kernel is correlating with the original
    /// (the adjoint of the blur, used by Richardson–Lucy).
    public func flipped() -> Kernel {
        Kernel(height: height, width: width, weights: weights.reversed())
    }

    /// The number of non-zero weights (the direct convolution skips zeros).
    public var nonZeroCount: Int { weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Centre of mass relative to the centre pixel, (dy, dx), in pixels.
    public var centreOfMass: (dy: Double, dx: Double) {
        var s = 0.0, sy = 0.0, sx = 0.0
        for i in 0..<height { for j in 0..<width {
            let w = Double(weights[i * width + j]); s += w; sy += w * Double(i); sx += w * Double(j)
        } }
        return (sy / s - Double(height / 2), sx / s - Double(width / 2))
    }

    /// Zero-padded (centred) to a larger odd size.
    public func padded(height h: Int, width w: Int) -> Kernel {
        precondition(h >= height && w >= width && h % 2 == 1 && w % 2 == 1, "pad to a larger odd size")
        var out = [Float](repeating: 0, count: h * w)
        let oy = (h - height) / 2, ox = (w - width) / 2
        for i in 0..<height { for j in 0..<width { out[(i + oy) * w + j + ox] = weights[i * width + j] } }
        return Kernel(height: h, width: w, weights: out)
    }

    /// A picture of the kernel for figures: one channel, scaled so the largest weight is white.
    public func image(scaledTo side: Int? = nil) -> Image {
        let m = weights.max() ?? 1
        let im = Image(channels: 1, height: height, width: width, pixels: weights.map { m > 0 ? $0 / m : 0 })
        guard let side else { return im }
        // nearest-neighbour enlargement keeps the pixels visible
        return Image(channels: 1, height: side, width: side) { _, y, x in
            im[0, y * height / side, x * width / side]
        }
    }

    /// Cuts a kernel out of a larger array (`rows × cols`, e.g. a trajectory canvas): the result
    /// is the smallest odd-sized window that holds every non-zero weight and whose centre pixel is
    /// the (rounded) centre of mass — so blurring with it shifts the image by less than half a pixel.
    public static func cropToSupport(_ a: [Float], rows: Int, cols: Int) -> Kernel {
        var minY = rows, maxY = -1, minX = cols, maxX = -1
        var s = 0.0, sy = 0.0, sx = 0.0
        for y in 0..<rows { for x in 0..<cols {
            let w = a[y * cols + x]
            if w != 0 {
                minY = min(minY, y); maxY = max(maxY, y); minX = min(minX, x); maxX = max(maxX, x)
                s += Double(w); sy += Double(w) * Double(y); sx += Double(w) * Double(x)
            }
        } }
        precondition(maxY >= 0, "cannot crop an all-zero kernel")
        let cy = Int((sy / s).rounded()), cx = Int((sx / s).rounded())
        let hy = max(cy - minY, maxY - cy), hx = max(cx - minX, maxX - cx)
        let h = 2 * hy + 1, w = 2 * hx + 1
        var out = [Float](repeating: 0, count: h * w)
        for i in 0..<h {
            let y = cy - hy + i
            guard y >= 0 && y < rows else { continue }
            for j in 0..<w {
                let x = cx - hx + j
                if x >= 0 && x < cols { out[i * w + j] = a[y * cols + x] }
            }
        }
        return Kernel(height: h, width: w, weights: out).normalized()
    }
}

// MARK: - Parametric kernels

extension Kernel {
    /// Uniform linear motion: a segment of `length` pixels through the centre at `angle` degrees
    /// (counter-clockwise from the +x axis, y pointing up as in a photo), anti-aliased by sampling
    /// the segment 16 times per pixel and splatting each sample bilinearly; sum 1.
    /// `length` ≤ 1 gives (nearly) the identity.
    public static func linearMotion(length: Double, angle: Double) -> Kernel {
        precondition(length >= 0, "motion length must be non-negative")
        let r = Int((length / 2).rounded(.up)) + 1
        let side = 2 * r + 1
        var a = [Float](repeating: 0, count: side * side)
        let t = angle * .pi / 180
        let (dx, dy) = (cos(t), -sin(t))
        let samples = max(1, Int((length * 16).rounded(.up)))
        for s in 0..<samples {
            let u = samples == 1 ? 0 : (Double(s) / Double(samples - 1) - 0.5) * length
            splat(&a, cols: side, y: Double(r) + u * dy, x: Double(r) + u * dx, weight: 1)
        }
        return Kernel(height: side, width: side, weights: a).normalized().trimmed()
    }

    /// Defocus: a uniform disc ("pillbox") of `radius` pixels, each pixel weighted by the fraction of
    /// its area inside the disc (8 × 8 sub-samples), like MATLAB's `fspecial('disk')`; sum 1.
    public static func disc(radius: Double) -> Kernel {
        precondition(radius > 0, "disc radius must be positive")
        let r = Int(radius.rounded(.up))
        let side = 2 * r + 1, sub = 8
        var a = [Float](repeating: 0, count: side * side)
        for i in 0..<side { for j in 0..<side {
            var inside = 0
            for p in 0..<sub { for q in 0..<sub {
                let y = Double(i - r) - 0.5 + (Double(p) + 0.5) / Double(sub)
                let x = Double(j - r) - 0.5 + (Double(q) + 0.5) / Double(sub)
                if x * x + y * y <= radius * radius { inside += 1 }
            } }
            a[i * side + j] = Float(inside) / Float(sub * sub)
        } }
        return Kernel(height: side, width: side, weights: a).normalized().trimmed()
    }

    /// Isotropic Gaussian exp(−(x² + y²)/2σ²) sampled at pixel centres on a
    /// `(2·radius + 1)²` grid (default radius ⌈3σ⌉), normalised to sum 1.
    public static func gaussian(sigma: Double, radius: Int? = nil) -> Kernel {
        precondition(sigma > 0, "sigma must be positive")
        let r = radius ?? max(1, Int((3 * sigma).rounded(.up)))
        let side = 2 * r + 1
        var a = [Float](repeating: 0, count: side * side)
        for i in 0..<side { for j in 0..<side {
            let y = Double(i - r), x = Double(j - r)
            a[i * side + j] = Float(exp(-(x * x + y * y) / (2 * sigma * sigma)))
        } }
        return Kernel(height: side, width: side, weights: a).normalized()
    }

    /// Removes all-zero border rows/columns symmetrically (keeps odd size and the centre).
    public func trimmed() -> Kernel {
        var t = 0
        while 2 * (t + 1) < height {
            let top = weights[(t * width)..<((t + 1) * width)].allSatisfy { $0 == 0 }
            let b = height - 1 - t
            let bottom = weights[(b * width)..<((b + 1) * width)].allSatisfy { $0 == 0 }
            if top && bottom { t += 1 } else { break }
        }
        var l = 0
        while 2 * (l + 1) < width {
            let left = (0..<height).allSatisfy { weights[$0 * width + l] == 0 }
            let right = (0..<height).allSatisfy { weights[$0 * width + width - 1 - l] == 0 }
            if left && right { l += 1 } else { break }
        }
        if t == 0 && l == 0 { return self }
        let h = height - 2 * t, w = width - 2 * l
        var out = [Float](repeating: 0, count: h * w)
        for i in 0..<h { for j in 0..<w { out[i * w + j] = weights[(i + t) * width + j + l] } }
        return Kernel(height: h, width: w, weights: out)
    }

    /// Adds `weight` at the real position (y, x) with bilinear (triangle) weights on the 4 neighbours.
    static func splat(_ a: inout [Float], cols: Int, y: Double, x: Double, weight: Double) {
        let rows = a.count / cols
        let y0 = Int(y.rounded(.down)), x0 = Int(x.rounded(.down))
        let fy = y - Double(y0), fx = x - Double(x0)
        for (yy, wy) in [(y0, 1 - fy), (y0 + 1, fy)] where wy > 0 && yy >= 0 && yy < rows {
            for (xx, wx) in [(x0, 1 - fx), (x0 + 1, fx)] where wx > 0 && xx >= 0 && xx < cols {
                a[yy * cols + xx] += Float(weight * wy * wx)
            }
        }
    }
}

// MARK: - Sub-pixel centring

extension Kernel {
    /// The centre of mass relative to the centre pixel, (dy, dx) in pixels. `cropToSupport` keeps
    /// it within half a pixel; blurring with a kernel translates the image by this much.
    public var centroidOffset: (dy: Double, dx: Double) {
        var s = 0.0, sy = 0.0, sx = 0.0
        for y in 0..<height { for x in 0..<width { let w = Double(self[y, x]); s += w; sy += w * Double(y); sx += w * Double(x) } }
        return (sy / s - Double(height - 1) / 2, sx / s - Double(width - 1) / 2)
    }

    /// Turned a quarter turn as `Image.rotated90()` turns an image, so that blurring commutes with
    /// the turn: (I ⊛ k).rotated90() = I.rotated90() ⊛ k.rotated90() (the centre stays the centre).
    public func rotated90() -> Kernel {
        var w = [Float](repeating: 0, count: weights.count)
        for i in 0..<height { for j in 0..<width { w[(width - 1 - j) * height + i] = self[i, j] } }
        return Kernel(height: width, width: height, weights: w)
    }

    /// Mirrored left to right, as `Image.flippedHorizontally()`: blurring commutes with the flip.
    public func flippedHorizontally() -> Kernel {
        var w = weights
        for i in 0..<height { for j in 0..<width { w[i * width + width - 1 - j] = self[i, j] } }
        return Kernel(height: height, width: width, weights: w)
    }

    /// The kernel moved by its sub-pixel centroid offset (bilinear splatting, one pixel of margin
    /// added on each side) so that its centre of mass lies exactly on the centre pixel: blurring
    /// with it does not translate the image at all. Sum 1. (Bilinear splatting also widens the
    /// kernel by up to one pixel.) A translation is invisible in a single blurred photo, so no
    /// blind method can undo it; without this, up to half a pixel of shift is part of the "blur".
    public func subpixelCentred() -> Kernel {
        let (dy, dx) = centroidOffset
        let h = height + 2, w = width + 2
        var out = [Float](repeating: 0, count: h * w)
        for y in 0..<height { for x in 0..<width {
            let v = self[y, x]
            if v == 0 { continue }
            let ty = Double(y) + 1 - dy, tx = Double(x) + 1 - dx
            let y0 = Int(ty.rounded(.down)), x0 = Int(tx.rounded(.down))
            let fy = ty - Double(y0), fx = tx - Double(x0)
            for (yy, wy) in [(y0, 1 - fy), (y0 + 1, fy)] { for (xx, wx) in [(x0, 1 - fx), (x0 + 1, fx)] {
                if wy * wx > 0, yy >= 0, yy < h, xx >= 0, xx < w { out[yy * w + xx] += v * Float(wy * wx) }
            } }
        } }
        return Kernel(height: h, width: w, weights: out).normalized()
    }
}
