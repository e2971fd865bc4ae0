import CKernels

// Convolution as three ops that are each other's derivatives, so gradients of gradients (WGAN-GP)
// stay inside the same three kernels:
//
//   convolve(x, w)          y  = W · cols(x)            x [N, C, H, W], w [O, C, kh, kw] → [N, O, H', W']
//   convolveInputGrad(g, w) dx = fold(Wᵀ · g)           g [N, O, H', W']                 → [N, C, H, W]
//   convolveWeightGrad(x, g) dw = Σₙ g · cols(x)ᵀ                                         → [O, C, kh, kw]
//
// cols(x) is im2col: row r = (c, ky, kx), column l = (oy, ox). It is never built whole: each kernel
// unfolds a tile of output rows at a time into a small buffer and hands it to sgemm, so the
// memory of a convolution is its input and output (a ResBlock's full im2col would be 9× its input,
// the 7×7 output layer's 49×), and only x and w are kept for the backward pass.
//
// Threads: a batch of images is spread over the engine's threads, one image per thread at a time;
// a single image has its products split over the threads instead (see `forEachTile`). A batch's
// results do not depend on the thread count; a single image's do only in the last digits, and only
// where OpenBLAS does the products (see `splitSGEMM`).

/// One convolution's shape: input planes c × h × w, kernel, stride, padding and output oh × ow.
struct ConvGeometry {
    let c, h, w, kh, kw, stride, padding, oh, ow: Int

    init(c: Int, h: Int, w: Int, window: Window) {
        (self.c, self.h, self.w) = (c, h, w)
        (kh, kw, stride, padding) = (window.kernel.h, window.kernel.w, window.stride, window.padding)
        (oh, ow) = window.output(h, w)
        precondition(oh > 0 && ow > 0, "window \(kh)×\(kw) does not fit input \(h)×\(w)")
    }

    /// im2col rows (c·kh·kw) and columns (output positions).
    var rows: Int { c * kh * kw }
    var positions: Int { oh * ow }

    /// Column-buffer budget of one tile, in floats. Large enough that the GEMMs keep their speed
    /// (n ≥ ~1000 for a ResBlock), small next to the activations.
    var tileFloats = 2 << 20

    /// Output rows per tile.
    var tileRows: Int { Swift.max(1, Swift.min(oh, tileFloats / Swift.max(1, rows * ow))) }

    /// The same shape for the C kernels (im2col.c, direct_conv.c).
    var cGeometry: conv_geometry {
        conv_geometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, pad: padding, oh: oh, ow: ow)
    }

    /// Copies x's windows for output rows `oys` into cols [rows, oys.count·ow] (im2col.c).
    func unfold(_ x: UnsafePointer<Float>, _ oys: Range<Int>, into cols: UnsafeMutablePointer<Float>, threads: Int) {
        withUnsafePointer(to: cGeometry) { g in
            parallelChunks(rows, grain: Swift.max(1, 16_384 / Swift.max(oys.count * ow, 1)), threads: threads) { rs in
                cunfold(g, x, oys.lowerBound, oys.upperBound, cols, rs.lowerBound, rs.upperBound)
            }
        }
    }

    /// unfold's adjoint: adds cols [rows, oys.count·ow] back onto the image planes of dx (im2col.c).
    func fold(_ cols: UnsafePointer<Float>, _ oys: Range<Int>, into dx: UnsafeMutablePointer<Float>, threads: Int) {
        withUnsafePointer(to: cGeometry) { g in
            parallelChunks(c, grain: Swift.max(1, 16_384 / Swift.max(oys.count * ow * kh * kw, 1)), threads: threads) { channels in
                cfold(g, cols, oys.lowerBound, oys.upperBound, dx, channels.lowerBound, channels.upperBound)
            }
        }
    }

    /// Calls `body(image, oys, cols, threads)` for every image and tile of output rows, with a
    /// column buffer that `body` fills or reads, and the threads its unfold/fold and product may
    /// use. With several images, the images are spread over the engine's threads, each running its
    /// tiles in turn on one thread; otherwise the tiles run in turn, each using all threads. Either
    /// way an image's outputs are computed by the same operations in the same order.
    func forEachTile(images: Int, _ body: (Int, Range<Int>, UnsafeMutablePointer<Float>, Int) -> Void) {
        let rowsPerTile = tileRows
        func run(_ images: Range<Int>, threads: Int) {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: rows * rowsPerTile * ow)
            defer { buffer.deallocate() }
            for i in images {
                for oy0 in Swift.stride(from: 0, to: oh, by: rowsPerTile) {
                    body(i, oy0..<Swift.min(oh, oy0 + rowsPerTile), buffer, threads)
                }
            }
        }
        let workers = Swift.min(Engine.threads, images)
        if workers <= 1 { run(0..<images, threads: Engine.threads); return }
        parallelFor(workers, threads: workers) { t in
            run((images * t / workers)..<(images * (t + 1) / workers), threads: 1)
        }
    }
}

// MARK: - Kernels

/// y [n, o, oh, ow] = bias + W [o, rows] · cols(x).
func convolveForward(_ x: [Float], _ w: [Float], bias: [Float]?, images n: Int, outChannels o: Int, _ g: ConvGeometry) -> [Float] {
    let (L, R) = (g.positions, g.rows)
    return x.withUnsafeBufferPointer { xp in
        w.withUnsafeBufferPointer { wp in
            uninitialisedFloats(n * o * L) { y in
                if g.winogradPays(outChannels: o) {
                    let u = winogradWeights(wp.baseAddress!, outChannels: o, inChannels: g.c)
                    winogradForward(xp.baseAddress!, u, bias: bias, images: n, outChannels: o, g, into: y.baseAddress!)
                    return
                }
                if let bias {
                    for p in 0..<(n * o) { (y.baseAddress! + p * L).update(repeating: bias[p % o], count: L) }
                }
                g.forEachTile(images: n) { i, oys, cols, threads in
                    let x = xp.baseAddress! + i * g.c * g.h * g.w, out = y.baseAddress! + i * o * L
                    if g.directPays(outChannels: o) {   // see DirectConvolution.swift
                        if bias == nil {
                            for oc in 0..<o { (out + oc * L + oys.lowerBound * g.ow).update(repeating: 0, count: oys.count * g.ow) }
                        }
                        g.directForward(x, wp.baseAddress!, outChannels: o, oys, into: out)
                        return
                    }
                    g.unfold(x, oys, into: cols, threads: threads)
                    sgemm(false, false, o, oys.count * g.ow, R, wp.baseAddress!, lda: R, cols, ldb: oys.count * g.ow,
                          out + oys.lowerBound * g.ow, ldc: L, beta: bias == nil ? 0 : 1, threads: threads)
                }
            }
        }
    }
}

/// dx [n, c, h, w] = bias + fold(Wᵀ · gy) for gy [n, o, oh, ow].
func convolveInputGradient(_ gy: [Float], _ w: [Float], bias: [Float]?, images n: Int, outChannels o: Int, _ g: ConvGeometry) -> [Float] {
    let (L, R, plane) = (g.positions, g.rows, g.h * g.w)
    if g.winogradPays(outChannels: o) {
        // The input gradient of a 3×3 stride-1 convolution is one too (see Winograd.swift).
        let flipped = Window(kernel: 3, stride: 1, padding: 2 - g.padding)
        let gT = ConvGeometry(c: o, h: g.oh, w: g.ow, window: flipped)
        return w.withUnsafeBufferPointer { wp in
            gy.withUnsafeBufferPointer { gp in
                let wT = rotatedTransposedKernels(wp.baseAddress!, outChannels: o, inChannels: g.c)
                let u = wT.withUnsafeBufferPointer { winogradWeights($0.baseAddress!, outChannels: g.c, inChannels: o) }
                return uninitialisedFloats(n * g.c * plane) { dx in
                    winogradForward(gp.baseAddress!, u, bias: bias, images: n, outChannels: g.c, gT, into: dx.baseAddress!)
                }
            }
        }
    }
    var dx = [Float](repeating: 0, count: n * g.c * plane)
    if let bias { for p in 0..<(n * g.c) { for j in 0..<plane { dx[p * plane + j] = bias[p % g.c] } } }
    gy.withUnsafeBufferPointer { gp in
        w.withUnsafeBufferPointer { wp in
            dx.withUnsafeMutableBufferPointer { dxp in
                g.forEachTile(images: n) { i, oys, cols, threads in
                    let tile = oys.count * g.ow, dxi = dxp.baseAddress! + i * g.c * plane
                    if g.directPays(outChannels: o) {   // see DirectConvolution.swift
                        g.directInputGradient(gp.baseAddress! + i * o * L, wp.baseAddress!, outChannels: o, oys, into: dxi)
                        return
                    }
                    sgemm(true, false, R, tile, o, wp.baseAddress!, lda: R, gp.baseAddress! + i * o * L + oys.lowerBound * g.ow,
                          ldb: L, cols, ldc: tile, beta: 0, threads: threads)
                    g.fold(cols, oys, into: dxi, threads: threads)
                }
            }
        }
    }
    return dx
}

/// dw [o, rows] = Σ over images of gy [o, L] · cols(x)ᵀ: one partial sum per image, added up in
/// image order, so the sums are the same whether the images ran on one thread or several.
func convolveWeightGradient(_ x: [Float], _ gy: [Float], images n: Int, outChannels o: Int, _ g: ConvGeometry) -> [Float] {
    let (L, R) = (g.positions, g.rows)
    var partials = [Float](repeating: 0, count: n * o * R)
    x.withUnsafeBufferPointer { xp in
        gy.withUnsafeBufferPointer { gp in
            partials.withUnsafeMutableBufferPointer { pp in
                g.forEachTile(images: n) { i, oys, cols, threads in
                    let tile = oys.count * g.ow, x = xp.baseAddress! + i * g.c * g.h * g.w
                    if g.directPays(outChannels: o) {   // see DirectConvolution.swift
                        g.directWeightGradient(x, gp.baseAddress! + i * o * L, outChannels: o, oys, into: pp.baseAddress! + i * o * R)
                        return
                    }
                    g.unfold(x, oys, into: cols, threads: threads)
                    sgemm(false, true, o, R, tile, gp.baseAddress! + i * o * L + oys.lowerBound * g.ow, lda: L,
                          cols, ldb: tile, pp.baseAddress! + i * o * R, ldc: R, beta: 1, threads: threads)
                }
            }
        }
    }
    if n == 1 { return partials }
    var dw = Array(partials[0..<(o * R)])
    for i in 1..<n { for j in 0..<(o * R) { dw[j] += partials[i * o * R + j] } }
    return dw
}

// MARK: - Ops

/// A per-channel bias of an NCHW result as an op input: its gradient sums over N, H and W.
private func channelBias(_ bias: Tensor?) -> [(Tensor, Tensor.VJP)] {
    bias.map { [($0, { g, _ in g.sum(axes: [0, 2, 3]) })] } ?? []
}

/// x [n, c, h, w] ⊛ w [o, c, kh, kw] (+ bias [o]) → [n, o, oh, ow].
func convolve(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let (n, o) = (x.shape[0], w.shape[0])
    let y = convolveForward(x.data, w.data, bias: bias?.data, images: n, outChannels: o, g)
    return Tensor.make([n, o, g.oh, g.ow], y, [
        (x, { gy, _ in convolveInputGrad(gy, w, bias: nil, g) }),
        (w, { gy, _ in convolveWeightGrad(x, gy, g) }),
    ] + channelBias(bias))
}

/// The adjoint of `convolve` in x: gy [n, o, oh, ow], w [o, c, kh, kw] (+ bias [c]) → [n, c, h, w].
/// Also the transposed convolution.
func convolveInputGrad(_ gy: Tensor, _ w: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let (n, o) = (gy.shape[0], w.shape[0])
    let dx = convolveInputGradient(gy.data, w.data, bias: bias?.data, images: n, outChannels: o, g)
    return Tensor.make([n, g.c, g.h, g.w], dx, [
        (gy, { up, _ in convolve(up, w, bias: nil, g) }),
        (w, { up, _ in convolveWeightGrad(up, gy, g) }),
    ] + channelBias(bias))
}

/// The adjoint of `convolve` in w: x [n, c, h, w], gy [n, o, oh, ow] → [o, c, kh, kw].
func convolveWeightGrad(_ x: Tensor, _ gy: Tensor, _ g: ConvGeometry) -> Tensor {
    let o = gy.shape[1]
    let dw = convolveWeightGradient(x.data, gy.data, images: x.shape[0], outChannels: o, g)
    return Tensor.make([o, g.c, g.kh, g.kw], dw, [
        (x, { up, _ in convolveInputGrad(gy, up, bias: nil, g) }),
        (gy, { up, _ in convolve(x, up, bias: nil, g) }),
    ])
}
