import Testing
@testable import Autograd

// The fast kernels against plain loops (llm.c style: each kernel checked against a simple reference).

func expectClose(_ a: [Float], _ b: [Float], tol: Float = 1e-4, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    let worst = zip(a, b).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
    #expect(worst <= tol, "\(what): largest relative difference \(worst)", sourceLocation: sourceLocation)
}

/// out[n, o, y, x] = b[o] + Σ w[o, c, ky, kx] · in[n, c, y·s − p + ky, x·s − p + kx], zero outside.
func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, padding p: Int) -> [Float] {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
    var out = [Float](repeating: 0, count: n * o * oh * ow)
    for i in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
        var acc = b.data[oc]
        for ic in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
            let iy = y * s - p + ky, ix = xx * s - p + kx
            if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                acc += w.data[((oc * c + ic) * kh + ky) * kw + kx] * x.data[((i * c + ic) * h + iy) * wd + ix]
            }
        } } }
        out[((i * o + oc) * oh + y) * ow + xx] = acc
    } } } }
    return out
}

/// Transposed convolution as a scatter: every input pixel adds w·x into the output window it maps to.
func naiveConvTranspose(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, padding p: Int, outputPadding op: Int) -> [Float] {
    let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
    let oh = (h - 1) * s - 2 * p + kh + op, ow = (wd - 1) * s - 2 * p + kw + op
    var out = [Float](repeating: 0, count: n * cout * oh * ow)
    for i in 0..<n { for oc in 0..<cout { for j in 0..<(oh * ow) { out[(i * cout + oc) * oh * ow + j] = b.data[oc] } } }
    for i in 0..<n { for ic in 0..<cin { for y in 0..<h { for xx in 0..<wd {
        let v = x.data[((i * cin + ic) * h + y) * wd + xx]
        for oc in 0..<cout { for ky in 0..<kh { for kx in 0..<kw {
            let oy = y * s - p + ky, ox = xx * s - p + kx
            if oy >= 0 && oy < oh && ox >= 0 && ox < ow {
                out[((i * cout + oc) * oh + oy) * ow + ox] += v * w.data[((ic * cout + oc) * kh + ky) * kw + kx]
            }
        } } }
    } } } }
    return out
}

@Suite struct Kernels {
    @Test(arguments: [(1, 1, 1), (7, 5, 3), (64, 70, 50), (3, 129, 17)])
    func sgemmMatchesLoops(_ dims: (Int, Int, Int)) {
        let (m, k, n) = dims
        var rng = RandomGenerator(seed: 11)
        let a = Tensor.normal([m, k], using: &rng), b = Tensor.normal([k, n], using: &rng)
        var ref = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { var s: Float = 0; for t in 0..<k { s += a.data[i * k + t] * b.data[t * n + j] }; ref[i * n + j] = s } }
        expectClose(matmul(a, b).data, ref, "sgemm \(m)×\(k)×\(n)")
        expectClose(matmul(a.transposed(), b, transA: true).data, ref, "sgemm Aᵀ")
        expectClose(matmul(a, b.transposed(), transB: true).data, ref, "sgemm Bᵀ")
    }

    @Test(arguments: [(1, 0, 3), (2, 1, 3), (1, 2, 4), (2, 3, 7)])
    func conv2dMatchesDirect(_ g: (Int, Int, Int)) {
        let (s, p, k) = g
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.normal([2, 3, 9, 8], using: &rng), w = Tensor.normal([4, 3, k, k], using: &rng)
        let b = Tensor.normal([4], using: &rng)
        expectClose(conv2d(x, weight: w, bias: b, stride: s, padding: p).data,
                    naiveConv(x, w, b, stride: s, padding: p), "conv2d s\(s) p\(p) k\(k)")
    }

    /// Up to four output channels go through DirectConvolution.swift instead of im2col + GEMM: the
    /// same convolution padded with zero output channels to five goes the usual way. Values,
    /// gradients and a WGAN-GP-style second derivative must agree; with and without bias; strides
    /// 1 and 2; rows wide enough for the 16-column register blocks (37: two blocks and a tail,
    /// minus the padded edges) and narrower than one (10); and the channels-last loops that take
    /// 32 or more channels on rows narrower than two blocks (33 and 40 channels: vectors and a tail).
    @Test(arguments: [(1, 1, 2, 4, true, 37, 5), (3, 2, 2, 4, false, 37, 5), (3, 1, 0, 7, true, 37, 5),
                      (4, 1, 3, 7, false, 37, 5), (2, 2, 0, 3, true, 37, 5), (1, 1, 1, 3, false, 10, 5),
                      (3, 2, 1, 4, true, 10, 5), (1, 1, 2, 4, true, 10, 33), (2, 2, 1, 4, false, 20, 40)])
    func fewOutputChannelsMatchTheGEMMPath(_ g: (Int, Int, Int, Int, Bool, Int, Int)) {
        let (o, s, p, k, withBias, width, c) = g
        var rng = RandomGenerator(seed: 29)
        let x = Tensor.normal([2, c, 11, width], using: &rng), w = Tensor.normal([o, c, k, k], using: &rng)
        let b = withBias ? Tensor.normal([o], using: &rng) : nil
        func run(_ padded: Bool) -> [[Float]] {
            let xi = Tensor(shape: x.shape, data: x.data), wi = Tensor(shape: w.shape, data: w.data)
            xi.requiresGrad = true; wi.requiresGrad = true
            let zeros = 5 - o
            let weight = padded ? Tensor.concat([wi, Tensor.zeros([zeros, c, k, k])], axis: 0) : wi
            let bias = b.map { padded ? Tensor.concat([$0, Tensor.zeros([zeros])], axis: 0) : $0 }
            var y = conv2d(xi, weight: weight, bias: bias, stride: s, padding: p)
            if padded { y = y.slice(axis: 1, 0..<o) }
            let grads = grad(of: (y * y).sum(), wrt: [xi, wi], createGraph: true)
            let second = grad(of: (grads[0] * grads[0]).sum(), wrt: [wi])
            return [y.data] + grads.map(\.data) + second.map(\.data)
        }
        for (name, (direct, gemm)) in zip(["y", "dx", "dw", "d²w"], zip(run(false), run(true))) {
            // 7×7 windows over 5 channels: 245-term sums in another order, whose float rounding
            // reaches ~4e-4 of a gradient (as do 4×4 over 33); an indexing error would be of order 1.
            expectClose(direct, gemm, tol: c * k * k > 200 ? 1e-3 : 1e-4, "\(name) o\(o) s\(s) p\(p) k\(k) width \(width) c\(c)")
        }
    }

    @Test(arguments: [(1, 0, 0, 3), (2, 1, 1, 3), (2, 1, 0, 4), (3, 2, 2, 5)])
    func convTransposeMatchesScatter(_ g: (Int, Int, Int, Int)) {
        let (s, p, op, k) = g
        var rng = RandomGenerator(seed: 13)
        let x = Tensor.normal([2, 3, 5, 4], using: &rng), w = Tensor.normal([3, 2, k, k], using: &rng)
        let b = Tensor.normal([2], using: &rng)
        expectClose(convTranspose2d(x, weight: w, bias: b, stride: s, padding: p, outputPadding: op).data,
                    naiveConvTranspose(x, w, b, stride: s, padding: p, outputPadding: op), "convT s\(s) p\(p) op\(op) k\(k)")
    }

    /// Backward of conv2d against the direct loops' own derivative: d/dx Σ conv(x)·g by finite
    /// reasoning is the transposed convolution of g, and d/dw is the correlation of x with g.
    @Test func conv2dBackwardMatchesDirect() {
        var rng = RandomGenerator(seed: 14)
        let x = Tensor.normal([2, 3, 7, 6], using: &rng), w = Tensor.normal([4, 3, 3, 3], using: &rng)
        x.requiresGrad = true; w.requiresGrad = true
        let y = conv2d(x, weight: w, stride: 2, padding: 1)
        let g = Tensor.normal(y.shape, using: &rng)
        let (dx, dw) = { let r = grad(of: (y * g).sum(), wrt: [x, w]); return (r[0], r[1]) }()
        // dx is conv-transpose of g with the same weights (O→C), cropped to x's size.
        let full = naiveConvTranspose(g, w, .zeros([3]), stride: 2, padding: 1, outputPadding: 1)
        expectClose(dx.data, cropTo(full, from: [2, 3, 8, 6], to: x.shape), "conv2d dx")
        // dw[o, c, ky, kx] = Σ g[n, o, y, x] · x[n, c, 2y − 1 + ky, 2x − 1 + kx]
        var ref = [Float](repeating: 0, count: w.count)
        let (oh, ow) = (y.shape[2], y.shape[3])
        for n in 0..<2 { for o in 0..<4 { for c in 0..<3 { for ky in 0..<3 { for kx in 0..<3 { for yy in 0..<oh { for xx in 0..<ow {
            let iy = 2 * yy - 1 + ky, ix = 2 * xx - 1 + kx
            guard iy >= 0 && iy < 7 && ix >= 0 && ix < 6 else { continue }
            ref[((o * 3 + c) * 3 + ky) * 3 + kx] += g.data[((n * 4 + o) * oh + yy) * ow + xx] * x.data[((n * 3 + c) * 7 + iy) * 6 + ix]
        } } } } } } }
        expectClose(dw.data, ref, "conv2d dw")
    }

    /// Winograd F(2×2, 3×3) (taken for 3×3 stride-1 convolutions of ≥ 16 channels) against the
    /// direct loops, odd sizes included (cropped edge tiles), forward and input gradient.
    @Test(arguments: [(0, 35, 34), (1, 32, 33), (1, 33, 35), (2, 31, 30)])
    func winogradMatchesDirect(_ g: (Int, Int, Int)) {
        let (p, h, w) = g
        var rng = RandomGenerator(seed: 15)
        let x = Tensor.normal([2, 16, h, w], using: &rng), wt = Tensor.normal([17, 16, 3, 3], using: &rng)
        let b = Tensor.normal([17], using: &rng)
        let geometry = ConvGeometry(c: 16, h: h, w: w, window: Window(kernel: 3, padding: p))
        #expect(geometry.winogradPays(outChannels: 17))
        x.requiresGrad = true
        let y = conv2d(x, weight: wt, bias: b, padding: p)
        expectClose(y.data, naiveConv(x, wt, b, stride: 1, padding: p), "winograd p\(p) \(h)×\(w)")
        let gy = Tensor.normal(y.shape, using: &rng)
        let dx = grad(of: (y * gy).sum(), wrt: [x])[0]
        // dx = conv-transpose of gy with the same weights, which for stride 1 has exactly x's size
        expectClose(dx.data, naiveConvTranspose(gy, wt, .zeros([16]), stride: 1, padding: p, outputPadding: 0), "winograd dx p\(p)")
    }

    /// unfold against the readable im2col map (Convolution.swift), and fold against that map's
    /// scatter, for a tile of output rows in the middle: strides 1–3, rows narrower and wider than
    /// the kernels' 8-column steps, padding on every side. Both only copy and add, so they agree exactly.
    @Test(arguments: [(4, 2, 2, 37), (3, 1, 1, 20), (7, 1, 3, 9), (4, 3, 1, 23), (4, 2, 1, 6)])
    func unfoldAndFoldMatchTheIndexMap(_ shape: (Int, Int, Int, Int)) {
        let (k, s, p, w) = shape
        let win = Window(kernel: k, stride: s, padding: p), h = 13
        let g = ConvGeometry(c: 3, h: h, w: w, window: win)
        let oys = 1..<(g.oh - 1), tile = oys.count * g.ow, map = IndexMaps.im2col(h, w, win)
        var rng = RandomGenerator(seed: 19)
        let x = Tensor.normal([3 * h * w], using: &rng).data, c = Tensor.normal([g.rows * tile], using: &rng).data
        var cols = [Float](repeating: .nan, count: g.rows * tile)
        var dx = [Float](repeating: 0, count: x.count), expected = dx
        x.withUnsafeBufferPointer { xp in cols.withUnsafeMutableBufferPointer { g.unfold(xp.baseAddress!, oys, into: $0.baseAddress!, threads: 2) } }
        c.withUnsafeBufferPointer { cp in dx.withUnsafeMutableBufferPointer { g.fold(cp.baseAddress!, oys, into: $0.baseAddress!, threads: 2) } }
        for ci in 0..<3 { for r in 0..<(k * k) { for (j, oy) in oys.enumerated() { for ox in 0..<g.ow {
            let i = map.index[(r * g.oh + oy) * g.ow + ox], col = (ci * k * k + r) * tile + j * g.ow + ox
            #expect(cols[col] == (i < 0 ? 0 : x[ci * h * w + Int(i)]), "unfold k\(k) s\(s) p\(p) w\(w) at \(col)")
            if i >= 0 { expected[ci * h * w + Int(i)] += c[col] }
        } } } }
        // The same adds in another order round differently: compare to float accuracy.
        expectClose(dx, expected, tol: 1e-5, "fold k\(k) s\(s) p\(p) w\(w)")
    }

    /// Tiles of a few output rows give the same three kernels as one tile per image.
    @Test func tilesOfOutputRowsAgreeWithOneTile() {
        var rng = RandomGenerator(seed: 16)
        let x = Tensor.normal([2, 3, 40, 37], using: &rng), wt = Tensor.normal([5, 3, 4, 4], using: &rng)
        let b = Tensor.normal([5], using: &rng)
        let whole = ConvGeometry(c: 3, h: 40, w: 37, window: Window(kernel: 4, stride: 2, padding: 2))
        var tiled = whole
        tiled.tileFloats = 3 * whole.rows * whole.ow
        #expect(whole.tileRows == whole.oh && tiled.tileRows == 3)
        let y = convolveForward(x.data, wt.data, bias: b.data, images: 2, outChannels: 5, tiled)
        expectClose(y, naiveConv(x, wt, b, stride: 2, padding: 2), "tiled forward")
        let gy = Tensor.normal([2, 5, whole.oh, whole.ow], using: &rng)
        expectClose(convolveInputGradient(gy.data, wt.data, bias: nil, images: 2, outChannels: 5, tiled),
                    convolveInputGradient(gy.data, wt.data, bias: nil, images: 2, outChannels: 5, whole), "tiled input gradient")
        expectClose(convolveWeightGradient(x.data, gy.data, images: 2, outChannels: 5, tiled),
                    convolveWeightGradient(x.data, gy.data, images: 2, outChannels: 5, whole), "tiled weight gradient")
    }

    /// The fused instance norm and its fused backward against the composed definition
    /// (x − mean) / √(var + eps), values and input gradients.
    @Test func fusedInstanceNormMatchesComposed() {
        var rng = RandomGenerator(seed: 17)
        let x = Tensor.normal([2, 3, 7, 19], mean: 0.5, std: 2, using: &rng)  // 133 values: SIMD body and tail
        x.requiresGrad = true
        let centred = x - x.mean(axes: [2, 3], keepDims: true)
        let composed = centred / ((centred * centred).mean(axes: [2, 3], keepDims: true) + 1e-5).sqrt()
        let fused = x.instanceNorm()
        expectClose(fused.data, composed.data, "instance norm")
        let g = Tensor.normal(x.shape, using: &rng)
        expectClose(grad(of: (fused * g).sum(), wrt: [x])[0].data, grad(of: (composed * g).sum(), wrt: [x])[0].data,
                    "instance norm backward")
    }

    /// relu / leaky relu backward (read from the input) against the derivative written out.
    @Test func scaledWhereMatchesDerivative() {
        let x = Tensor([-2, -0.5, 0, 0.5, 3]), g = Tensor([1, 2, 3, 4, 5])
        #expect(g.scaled(where: x, otherwise: 0).data == [0, 0, 0, 4, 5])
        #expect(g.scaled(where: x, otherwise: 0.2).data == [0.2, 0.4, 0.6 as Float, 4, 5])
    }

    /// The per-plane broadcast path ([N, C, 1, 1] against [N, C, H, W]) against the general one.
    @Test func perPlaneBroadcastMatchesGeneral() {
        var rng = RandomGenerator(seed: 18)
        let big = Tensor.normal([2, 3, 4, 5], using: &rng), small = Tensor.normal([2, 3, 1, 1], using: &rng)
        #expect(perPlane(big.shape, small.shape)! == (6, 20))
        #expect(perPlane([1, 3, 4, 5], [2, 3, 1, 1]) == nil)
        var expected = [Float](repeating: 0, count: big.count)
        for i in 0..<big.count { expected[i] = big.data[i] - small.data[i / 20] }
        #expect((big - small).data == expected)
        #expect((small - big).data == expected.map { -$0 })
    }

    /// The engine's own parallel loops (im2col/col2im, Winograd transforms, a batch's images over
    /// threads, instance norm, elementwise ops) give the same bits at 1 and 2 threads. Every product
    /// here is below the size `sgemm` splits (2²⁰ multiply-adds), so it is one call either way
    /// (our kernel's split is bit-exact, OpenBLAS's is not: see SplitGEMM); each loop is big enough
    /// to split in two.
    @Test func ownLoopsSameBitsAtOneAndTwoThreads() {
        func run() -> [[Float]] {
            var rng = RandomGenerator(seed: 19)
            let x = Tensor.normal([1, 16, 48, 48], using: &rng), w3 = Tensor.normal([16, 16, 3, 3], using: &rng)
            let x2 = Tensor.normal([3, 2, 66, 66], using: &rng), w4 = Tensor.normal([5, 2, 4, 4], using: &rng)
            x.requiresGrad = true; x2.requiresGrad = true; w4.requiresGrad = true
            let h = conv2d(x, weight: w3, padding: 1).instanceNorm().leakyRelu(0.2)       // Winograd path
            let y = conv2d(x2, weight: w4, stride: 2, padding: 2).instanceNorm().relu()  // im2col path, a batch
            return [h.data, y.data] + grad(of: (y * y).sum() + (h * h).mean(), wrt: [x, x2, w4]).map(\.data)
        }
        func at(_ n: Int) -> [[Float]] { Engine.withThreads(n) { Engine.withLoopThreads(n, run) } }
        let one = at(1), two = at(2)
        for (name, (a, b)) in zip(["h", "y", "dx", "dx2", "dw4"], zip(one, two)) {
            let differing = zip(a, b).filter { $0 != $1 }.count
            #expect(differing == 0, "\(name): \(differing) of \(a.count) values differ")
        }
    }

    private func cropTo(_ v: [Float], from: [Int], to: [Int]) -> [Float] {
        var out: [Float] = []
        for n in 0..<to[0] { for c in 0..<to[1] { for y in 0..<to[2] { for x in 0..<to[3] {
            out.append(v[((n * from[1] + c) * from[2] + y) * from[3] + x])
        } } } }
        return out
    }

    @Test func reflectionPadMatchesPyTorch() {
        // torch.nn.ReflectionPad2d(1)(torch.arange(9.).reshape(1, 1, 3, 3))[0, 0, 0] == [4, 3, 4, 5, 4]
        let x = Tensor(shape: [1, 1, 3, 3], data: (0..<9).map(Float.init))
        let y = x.reflectionPad2d(1)
        #expect(y.shape == [1, 1, 5, 5])
        #expect(Array(y.data[0..<5]) == [4, 3, 4, 5, 4])
        #expect(Array(y.data[20..<25]) == [4, 3, 4, 5, 4])
    }

    @Test func broadcastingAndReductions() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect((a + Tensor([10, 20, 30])).data == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor(shape: [2, 1], data: [1, -1])).data == [1, 2, 3, -4, -5, -6])
        #expect(a.sum(axis: 0).data == [5, 7, 9])
        #expect(a.sum(axis: 1).data == [6, 15])
        #expect(a.mean().item == 3.5)
        #expect(a.max(axis: 1).data == [3, 6])
        #expect(a.permute([1, 0]).data == [1, 4, 2, 5, 3, 6])
        #expect(Tensor.concat([a, a], axis: 1).data == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
        #expect(a.slice(axis: 1, 1..<3).data == [2, 3, 5, 6])
        #expect(Tensor(shape: [1, 1, 2, 2], data: [1, 5, 3, 2]).maxPool2d(Window(kernel: 2)).data == [5])
        #expect(Tensor(shape: [1, 1, 2, 2], data: [1, 5, 3, 3]).avgPool2d(Window(kernel: 2)).data == [3])
    }

    @Test func stableLogSigmoidAndBCE() {
        let x = Tensor([-1000, -20, 0, 20, 1000])
        let ls = x.logSigmoid().data
        #expect(ls[0] == -1000 && ls.allSatisfy { $0.isFinite })
        #expect(Swift.abs(ls[2] - (-0.6931472)) < 1e-6)
        // BCE of logit 0 against any target is log 2.
        #expect(Swift.abs(binaryCrossEntropy(logits: .zeros([4]), targets: Tensor([0, 1, 0.5, 1])).item - 0.6931472) < 1e-6)
        #expect(binaryCrossEntropy(logits: Tensor([1000]), targets: Tensor([0])).item == 1000)
    }
}
