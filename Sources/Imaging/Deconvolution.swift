import Foundation

/// Non-blind deconvolution baselines: the kernel is given (the true one, or a wrong guess — a
/// lesson shows both). Results are clamped to [0, 1].
public enum Deconvolution {
    /// What the Fourier-domain method assumes beyond the image edges.
    public enum Edges: Sendable {
        /// The image is periodic (the FFT's own assumption). Exact for images blurred with
        /// `Boundary.circular`; on real photos the wrap-around jump at the borders rings.
        case circular
        /// Pad and taper (the default): the image is extended by mirror reflection by the kernel
        /// size on every side (and up to a fast FFT size), then the padding is edge-tapered as
        /// MATLAB's `edgetaper` does — blended with its own circularly blurred copy, the weight of
        /// the blurred copy rising from 0 at the image edge to 1 at the outer border as a raised
        /// cosine — so the periodic extension has no jump the blur model cannot explain. The
        /// deconvolved padded image is cropped back to the original size.
        case taper
    }

    /// Wiener filter in the Fourier domain:  X̂ = conj(K) · Y / (|K|² + nsr),
    /// with K the kernel's transfer function (centred, as MATLAB's `psf2otf`) and `nsr` the
    /// noise-to-signal power ratio, taken constant over frequencies (σ²_noise / σ²_signal is a good
    /// first guess; larger values smooth more, 0 is the plain inverse filter).
    public static func wiener(_ blurred: Image, kernel: Kernel, nsr: Double = 1e-3, edges: Edges = .taper) -> Image {
        precondition(nsr >= 0, "noise-to-signal ratio must be non-negative")
        let h = blurred.height, w = blurred.width
        let my = edges == .taper ? kernel.height : 0, mx = edges == .taper ? kernel.width : 0
        let (rows, cols) = edges == .taper ? (FFT.goodSize(h + 2 * my), FFT.goodSize(w + 2 * mx)) : (h, w)
        let kf = FFT.kernelSpectrum(kernel, rows: rows, cols: cols, originY: kernel.height / 2, originX: kernel.width / 2)
        // filter G = conj(K) / (|K|² + nsr)
        var g = kf
        let eps = Float(nsr)
        g.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                let re = p[i], im = p[i + 1]
                let d = re * re + im * im + eps
                let s: Float = d > 0 ? 1 / d : 0
                p[i] = re * s; p[i + 1] = -im * s
                i += 2
            }
        }
        // Taper weights (weight of the blurred copy) along each axis of the padded array.
        func ramp(_ n: Int, _ inside: Range<Int>) -> [Float] {
            (0..<n).map { i -> Float in
                if inside.contains(i) { return 0 }
                // distance outside the image, over the shorter way round the periodic array
                let d = i < inside.lowerBound ? inside.lowerBound - i : i - inside.upperBound + 1
                let gap = n - inside.count   // total padding along this axis
                let t = min(Float(d) / Float(max(gap / 2, 1)), 1)
                return 0.5 - 0.5 * cos(Float.pi * t)
            }
        }
        let ry = ramp(rows, my..<(my + h)), rx = ramp(cols, mx..<(mx + w))
        return blurred.mapChannels { plane in
            var ext = plane.pixels.withUnsafeBufferPointer {
                Image.pad($0, height: h, width: w, top: my, left: mx, paddedHeight: rows, paddedWidth: cols,
                          boundary: edges == .taper ? .symmetric : .circular)
            }
            if edges == .taper {
                var f = ext.withUnsafeBufferPointer { FFT.forward($0, rows: rows, cols: cols) }
                Image.multiplySpectra(&f, kf)
                let blurredExt = f.withUnsafeBufferPointer { FFT.inverse($0, rows: rows, cols: cols) }
                for y in 0..<rows { for x in 0..<cols {
                    let a = 1 - (1 - ry[y]) * (1 - rx[x])
                    ext[y * cols + x] = (1 - a) * ext[y * cols + x] + a * blurredExt[y * cols + x]
                } }
            }
            var f = ext.withUnsafeBufferPointer { FFT.forward($0, rows: rows, cols: cols) }
            Image.multiplySpectra(&f, g)
            let x = f.withUnsafeBufferPointer { FFT.inverse($0, rows: rows, cols: cols) }
            var out = [Float](repeating: 0, count: h * w)
            for y in 0..<h { for xx in 0..<w { out[y * w + xx] = min(max(x[(y + my) * cols + xx + mx], 0), 1) } }
            return Image(channels: 1, height: h, width: w, pixels: out)
        }
    }

    /// Richardson–Lucy: the multiplicative EM iteration for Poisson noise,
    ///     x ← x · ( k̃ ∗ ( y / (k ∗ x) ) ),  k̃ the flipped kernel,
    /// started from the blurred image itself (as MATLAB's `deconvlucy`; scikit-image starts from a
    /// constant 0.5), with convolutions using `boundary` (default symmetric). More iterations
    /// sharpen more and amplify noise more: the iteration count is the regulariser.
    ///
    /// `onIteration(n, estimate)` (if given) sees the clamped estimate after each iteration n =
    /// 1…iterations, so one run traces quality against iteration count (RL's semi-convergence)
    /// and a long loop can report progress or stop by throwing.
    public static func richardsonLucy(_ blurred: Image, kernel: Kernel, iterations: Int = 30,
                                      boundary: Boundary = .symmetric,
                                      onIteration: ((_ iteration: Int, _ estimate: Image) throws -> Void)? = nil) rethrows -> Image {
        precondition(iterations >= 0, "iterations must be non-negative")
        let flipped = kernel.flipped()
        let tiny: Float = 1e-6
        let y = blurred.clamped()
        var x = y
        for n in stride(from: 1, through: iterations, by: 1) {
            var ratio = x.convolved(with: kernel, boundary: boundary)
            ratio.pixels.withUnsafeMutableBufferPointer { r in
                y.pixels.withUnsafeBufferPointer { yy in
                    for i in 0..<r.count { r[i] = yy[i] / max(r[i], tiny) }
                }
            }
            let correction = ratio.convolved(with: flipped, boundary: boundary)
            x.pixels.withUnsafeMutableBufferPointer { p in
                correction.pixels.withUnsafeBufferPointer { c in
                    for i in 0..<p.count { p[i] *= c[i] }
                }
            }
            try onIteration?(n, x.clamped())
        }
        return x.clamped()
    }
}
