import Foundation

/// Non-uniform blur k(M) in I_B = k(M) ∗ I_S + N: a coarse grid of kernels, each valid at one
/// grid node, blended with partition-of-unity bilinear weights ("efficient filter flow", Hirsch
/// et al. 2010):
///
///     I_B(p) = Σ_g w_g(p) · (k_g ∗ I_S)(p),   Σ_g w_g(p) = 1,
///
/// where w_g is the bilinear "hat" centred on node g. Nodes sit on a regular `rows × cols` grid
/// spanning the image corners, so a 1 × 1 grid is uniform blur, and a constant image stays
/// constant (every k_g sums to 1 and the weights sum to 1).
public struct SpatiallyVaryingBlur: Sendable {
    /// `kernels[r][c]` is the kernel at node (r, c); node (0, 0) is the top-left corner of the image.
    public let kernels: [[Kernel]]

    public init(kernels: [[Kernel]]) {
        precondition(!kernels.isEmpty && !kernels[0].isEmpty && kernels.allSatisfy { $0.count == kernels[0].count },
                     "need a non-empty rectangular grid of kernels")
        self.kernels = kernels
    }

    public var rows: Int { kernels.count }
    public var cols: Int { kernels[0].count }

    /// The bilinear weight of grid line `g` (of `n`) at position `p` in a line of `size` pixels.
    static func hat(_ g: Int, of n: Int, at p: Int, size: Int) -> Float {
        if n == 1 { return 1 }
        let u = Double(p) / Double(max(size - 1, 1)) * Double(n - 1)   // position in grid units
        return Float(max(0, 1 - abs(u - Double(g))))
    }

    /// Blurs each channel (boundary as in `Image.convolved`).
    public func apply(to image: Image, boundary: Boundary = .symmetric) -> Image {
        var out = [Float](repeating: 0, count: image.pixels.count)
        let (h, w, n) = (image.height, image.width, image.planeSize)
        for r in 0..<rows {
            let wy = (0..<h).map { SpatiallyVaryingBlur.hat(r, of: rows, at: $0, size: h) }
            for c in 0..<cols {
                let wx = (0..<w).map { SpatiallyVaryingBlur.hat(c, of: cols, at: $0, size: w) }
                let blurred = image.convolved(with: kernels[r][c], boundary: boundary)
                out.withUnsafeMutableBufferPointer { o in
                    blurred.pixels.withUnsafeBufferPointer { b in
                        for ch in 0..<image.channels {
                            for y in 0..<h where wy[y] > 0 {
                                let base = ch * n + y * w
                                for x in 0..<w { o[base + x] += wy[y] * wx[x] * b[base + x] }
                            }
                        }
                    }
                }
            }
        }
        return Image(channels: image.channels, height: h, width: w, pixels: out)
    }

    /// Blur from a camera rotating (rolling) about the optical axis through `centre` (fractions of
    /// the width and height; default the middle): at each grid node a linear-motion kernel tangent
    /// to the circle around the centre, of length `angle` (radians) × distance in pixels — no blur
    /// at the centre, more towards the corners. A smooth, physically meaningful k(M).
    public static func cameraRoll(imageHeight: Int, imageWidth: Int, rows: Int = 5, cols: Int = 5,
                                  angle: Double, centre: (x: Double, y: Double) = (0.5, 0.5)) -> SpatiallyVaryingBlur {
        let grid = (0..<rows).map { r in
            (0..<cols).map { c -> Kernel in
                let y = rows == 1 ? 0.5 : Double(r) / Double(rows - 1)
                let x = cols == 1 ? 0.5 : Double(c) / Double(cols - 1)
                let dx = (x - centre.x) * Double(imageWidth - 1), dy = (y - centre.y) * Double(imageHeight - 1)
                let dist = (dx * dx + dy * dy).squareRoot()
                let length = abs(angle) * dist
                if length < 1 { return .identity }
                // tangent direction (−dy, dx) in image coordinates (y down); Kernel angles have y up.
                let deg = atan2(-dx, -dy) * 180 / .pi
                return Kernel.linearMotion(length: length, angle: deg)
            }
        }
        return SpatiallyVaryingBlur(kernels: grid)
    }
}

extension Image {
    /// Non-uniform blur, see `SpatiallyVaryingBlur`.
    public func blurred(by field: SpatiallyVaryingBlur, boundary: Boundary = .symmetric) -> Image {
        field.apply(to: self, boundary: boundary)
    }
}
