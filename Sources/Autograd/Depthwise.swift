// Depthwise convolution: each channel filtered by its own k×k kernel, stride 1, zero padding p
// (PyTorch's conv2d with groups = channels). Two ops close it under differentiation:
//
//   y = depthwise(x, w, p)        ∂x = depthwise(∂y, w flipped, k − 1 − p)   ∂w = weightGrad(x, ∂y)
//   v = weightGrad(x, g, p)       ∂x = depthwise(g, ∂v flipped, k − 1 − p)   ∂g = depthwise(x, ∂v, p)
//
// weightGrad is bilinear in (x, g), so its gradients are depthwise convolutions again, and every
// order of derivative stays inside the pair. A flipped kernel is a flag, not a copy.

/// Depthwise convolution of x [N, C, H, W] with weight [C, 1, k, k] → [N, C, H + 2p − k + 1, …].
public func depthwiseConv2d(_ x: Tensor, weight: Tensor, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[0] == x.shape[1] && weight.shape[1] == 1
                 && weight.shape[2] == weight.shape[3], "depthwiseConv2d: input \(x.shape) does not match weight \(weight.shape) (C, 1, k, k)")
    precondition(padding >= 0 && padding < weight.shape[2], "depthwiseConv2d: padding must be in 0..<k, got \(padding)")
    precondition(x.shape[2] + 2 * padding >= weight.shape[2] && x.shape[3] + 2 * padding >= weight.shape[2],
                 "depthwiseConv2d: a \(weight.shape[2])×\(weight.shape[2]) kernel does not fit \(x.shape) with padding \(padding)")
    return depthwise(x, weight, padding: padding, flipped: false)
}

private func depthwise(_ x: Tensor, _ w: Tensor, padding p: Int, flipped: Bool) -> Tensor {
    let t = DepthwiseTaps(x.shape, k: w.shape[2], padding: p, flipped: flipped)
    var out = [Float](repeating: 0, count: t.planes * t.oh * t.ow)
    x.data.withUnsafeBufferPointer { xs in w.data.withUnsafeBufferPointer { ws in out.withUnsafeMutableBufferPointer { ys in
        t.forEach { plane, tap, inRow, outRow, cols in
            let wv = ws[(plane % t.c) * t.k * t.k + tap]
            for i in 0..<cols.count { ys[outRow + cols.lowerBound + i] += wv * xs[inRow + cols.lowerBound + i] }
        }
    } } }
    return Tensor.make([x.shape[0], t.c, t.oh, t.ow], out, [
        (x, { g, _ in depthwise(g, w, padding: t.k - 1 - p, flipped: !flipped) }),
        (w, { g, _ in depthwiseWeightGrad(x, g, k: t.k, padding: p, flipped: flipped) }),
    ])
}

/// Σ over images and output positions of x(padded, shifted by the tap) · g, per channel and tap.
private func depthwiseWeightGrad(_ x: Tensor, _ g: Tensor, k: Int, padding p: Int, flipped: Bool) -> Tensor {
    let t = DepthwiseTaps(x.shape, k: k, padding: p, flipped: flipped)
    var out = [Float](repeating: 0, count: t.c * k * k)
    x.data.withUnsafeBufferPointer { xs in g.data.withUnsafeBufferPointer { gs in out.withUnsafeMutableBufferPointer { vs in
        t.forEach { plane, tap, inRow, outRow, cols in
            var acc: Float = 0
            for i in 0..<cols.count { acc += xs[inRow + cols.lowerBound + i] * gs[outRow + cols.lowerBound + i] }
            vs[(plane % t.c) * k * k + tap] += acc
        }
    } } }
    return Tensor.make([t.c, 1, k, k], out, [
        (x, { v, _ in depthwise(g, v, padding: k - 1 - p, flipped: !flipped) }),
        (g, { v, _ in depthwise(x, v, padding: p, flipped: flipped) }),
    ])
}

/// The loop both kernels share: for every plane, tap (i, j) and output row, the run of columns
/// where the shifted input lies inside the image. `forEach` gives the weight index of the tap (the
/// mirrored one when flipped) and the starts of the input and output rows, offset so that the same
/// column index addresses both.
private struct DepthwiseTaps {
    let planes: Int, c: Int, h: Int, w: Int, k: Int, p: Int, oh: Int, ow: Int, flipped: Bool

    init(_ shape: [Int], k: Int, padding p: Int, flipped: Bool) {
        (planes, c, h, w) = (shape[0] * shape[1], shape[1], shape[2], shape[3])
        (self.k, self.p, self.flipped) = (k, p, flipped)
        (oh, ow) = (h + 2 * p - k + 1, w + 2 * p - k + 1)
    }

    func forEach(_ body: (_ plane: Int, _ tap: Int, _ inRow: Int, _ outRow: Int, _ cols: Range<Int>) -> Void) {
        for plane in 0..<planes {
            for i in 0..<k {
                for j in 0..<k {
                    let tap = flipped ? (k - 1 - i) * k + (k - 1 - j) : i * k + j
                    let cols = max(0, p - j)..<min(ow, w + p - j)
                    guard !cols.isEmpty else { continue }
                    for oy in max(0, p - i)..<min(oh, h + p - i) {
                        // Output column ox reads input column ox + j − p of input row oy + i − p.
                        body(plane, tap, (plane * h + oy + i - p) * w + j - p, (plane * oh + oy) * ow, cols)
                    }
                }
            }
        }
    }
}
