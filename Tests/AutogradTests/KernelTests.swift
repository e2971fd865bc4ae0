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
