import Foundation

/// Looking inside a `SpatiallyVaryingBlur`: the kernel that actually acts at one pixel, and a
/// picture of the field — local kernels drawn over the photo — for the k(M) of I_B = k(M) ∗ I_S + N.
extension SpatiallyVaryingBlur {
    /// The exact point-spread function at output pixel (y, x) of an `imageHeight × imageWidth` image.
    /// Because the blending weights depend only on the output pixel,
    ///     I_B(p) = Σ_g w_g(p) · (k_g ∗ I_S)(p) = ((Σ_g w_g(p) · k_g) ∗ I_S)(p),
    /// so the local kernel is the weighted sum of the node kernels (centred, padded to a common size).
    public func localKernel(y: Int, x: Int, imageHeight: Int, imageWidth: Int) -> Kernel {
        precondition(y >= 0 && y < imageHeight && x >= 0 && x < imageWidth, "pixel (\(y), \(x)) outside the image")
        let all = kernels.flatMap { $0 }
        let h = all.map(\.height).max()!, w = all.map(\.width).max()!
        var sum = [Float](repeating: 0, count: h * w)
        for r in 0..<rows {
            let wy = SpatiallyVaryingBlur.hat(r, of: rows, at: y, size: imageHeight)
            if wy == 0 { continue }
            for c in 0..<cols {
                let weight = wy * SpatiallyVaryingBlur.hat(c, of: cols, at: x, size: imageWidth)
                if weight == 0 { continue }
                let k = kernels[r][c].padded(height: h, width: w)
                for i in 0..<sum.count { sum[i] += weight * k.weights[i] }
            }
        }
        return Kernel(height: h, width: w, weights: sum).trimmed()
    }

    /// The photo, dimmed, with the local kernels at the centres of a `cells × cells` tiling drawn
    /// over it in `color` (RGB in [0, 1]), each enlarged `zoom` times with crisp pixels. A kernel's
    /// opacity at a pixel is √(weight / largest weight), so the faint tails of a long path stay visible.
    public func picture(over image: Image, cells: Int = 5, zoom: Int = 2, dim: Float = 0.45,
                        color: (Float, Float, Float) = (1, 0.85, 0.1)) -> Image {
        precondition(cells > 0 && zoom > 0, "cells and zoom must be positive")
        var out = image.rgb()
        for i in 0..<out.pixels.count { out.pixels[i] *= dim }
        let (h, w, n) = (image.height, image.width, image.planeSize)
        let ink = [color.0, color.1, color.2]
        for cy in 0..<cells {
            for cx in 0..<cells {
                let py = (2 * cy + 1) * h / (2 * cells), px = (2 * cx + 1) * w / (2 * cells)
                let k = localKernel(y: py, x: px, imageHeight: h, imageWidth: w)
                let peak = k.weights.max() ?? 0
                guard peak > 0 else { continue }
                for i in 0..<k.height { for j in 0..<k.width {
                    let a = (k[i, j] / peak).squareRoot()
                    if a <= 0 { continue }
                    let top = py + (i - k.height / 2) * zoom - zoom / 2, left = px + (j - k.width / 2) * zoom - zoom / 2
                    let (y0, y1, x0, x1) = (max(top, 0), min(top + zoom, h), max(left, 0), min(left + zoom, w))
                    if y0 >= y1 || x0 >= x1 { continue }
                    for yy in y0..<y1 {
                        for xx in x0..<x1 {
                            for ch in 0..<3 {
                                let idx = ch * n + yy * w + xx
                                out.pixels[idx] = (1 - a) * out.pixels[idx] + a * ink[ch]
                            }
                        }
                    }
                } }
            }
        }
        return out
    }
}
