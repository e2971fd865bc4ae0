// Convolutions with one output channel — the PatchGAN critic's last layer — done directly on the
// image. Through im2col, such a layer copies its input kh·kw times (the full critic's last layer:
// 10 M values per image, 45 % of all its im2col traffic) only to feed GEMMs with a single row;
// here each window row is one axpy or dot product over a row of the image instead.
//
// Each output, input-gradient or weight-gradient element sums its terms in im2col row order
// r = (c, ky, kx), then output row, so results do not depend on how images go to threads.

extension ConvGeometry {
    /// For output rows `oys`: every im2col row r = (c, ky, kx) and output row oy whose input row
    /// lies in the image, as `body(r, oy, xs, at)`: xs are the output columns whose input column
    /// does too, `at` the index in the c×h×w image under xs.lowerBound (the next every `stride`).
    @inline(__always)
    func forEachWindowRow(_ oys: Range<Int>, _ body: (Int, Int, Range<Int>, Int) -> Void) {
        for r in 0..<rows {
            let (ci, ky, kx) = (r / (kh * kw), (r / kw) % kh, r % kw)
            let xs = valid(kx, size: w, outSize: ow)
            guard !xs.isEmpty else { continue }
            for oy in oys {
                let iy = oy * stride - padding + ky
                guard iy >= 0 && iy < h else { continue }
                body(r, oy, xs, (ci * h + iy) * w + xs.lowerBound * stride - padding + kx)
            }
        }
    }

    /// y[oy, ox] += Σ_r w[r] · x[window r at (oy, ox)] for oy in `oys`, one image.
    func directForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ oys: Range<Int>,
                       into y: UnsafeMutablePointer<Float>) {
        forEachWindowRow(oys) { r, oy, xs, at in
            let (d, s, a) = (y + oy * ow + xs.lowerBound, x + at, w[r])
            if stride == 1 {
                for j in 0..<xs.count { d[j] += a * s[j] }
            } else {
                for j in 0..<xs.count { d[j] += a * s[j * stride] }
            }
        }
    }

    /// dx[window r at (oy, ox)] += w[r] · gy[oy, ox] for oy in `oys`, one image.
    func directInputGradient(_ gy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ oys: Range<Int>,
                             into dx: UnsafeMutablePointer<Float>) {
        forEachWindowRow(oys) { r, oy, xs, at in
            let (d, s, a) = (dx + at, gy + oy * ow + xs.lowerBound, w[r])
            if stride == 1 {
                for j in 0..<xs.count { d[j] += a * s[j] }
            } else {
                for j in 0..<xs.count { d[j * stride] += a * s[j] }
            }
        }
    }

    /// dw[r] += Σ_(oy, ox) gy[oy, ox] · x[window r at (oy, ox)] for oy in `oys`, one image.
    func directWeightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ oys: Range<Int>,
                              into dw: UnsafeMutablePointer<Float>) {
        forEachWindowRow(oys) { r, oy, xs, at in
            dw[r] += dot(gy + oy * ow + xs.lowerBound, x + at, stride: stride, count: xs.count)
        }
    }
}

/// Σ a[j] · b[j·stride] for j < count; for stride 1 in 16 lanes (the order is fixed by count).
@inline(__always)
private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, stride: Int, count: Int) -> Float {
    var j = 0, sum: Float = 0
    if stride == 1 && count >= 16 {
        var lanes = SIMD16<Float>()
        while j + 16 <= count {
            lanes += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
                * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
            j += 16
        }
        sum = lanes.sum()
    }
    while j < count { sum += a[j] * b[j * stride]; j += 1 }
    return sum
}
