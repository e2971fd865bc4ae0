// Depthwise convolution: each channel filtered by its own k×k kernel, stride 1, zero padding p
// (PyTorch's conv2d with groups = channels). Two ops close it under differentiation:
//
//   y = depthwise(x, w, p)        ∂x = depthwise(∂y, w flipped, k − 1 − p)   ∂w = weightGrad(x, ∂y)
//   v = weightGrad(x, g, p)       ∂x = depthwise(g, ∂v flipped, k − 1 − p)   ∂g = depthwise(x, ∂v, p)
//
// weightGrad is bilinear in (x, g), so its gradients are depthwise convolutions again, and every
// order of derivative stays inside the pair. A flipped kernel is a flag, not a copy. The loops are
// CKernels/depthwise.c's; tests check them against conv2d with a diagonal weight.

import CKernels

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
    let g = geometry(x.shape, k: w.shape[2], padding: p, flipped: flipped)
    var out = [Float](repeating: 0, count: g.planes * g.conv.oh * g.conv.ow)
    withUnsafePointer(to: g) { g in x.data.withUnsafeBufferPointer { xs in w.data.withUnsafeBufferPointer { ws in
        out.withUnsafeMutableBufferPointer { ys in
            parallelChunks(g.pointee.planes, grain: max(1, 32_768 / (g.pointee.conv.oh * g.pointee.conv.ow)), threads: Engine.threads) {
                cdepthwise_forward(g, xs.baseAddress, ws.baseAddress, ys.baseAddress, $0.lowerBound, $0.upperBound)
            }
        }
    } } }
    return Tensor.make([x.shape[0], g.conv.c, g.conv.oh, g.conv.ow], out, [
        (x, { gy, _ in depthwise(gy, w, padding: g.conv.kh - 1 - p, flipped: !flipped) }),
        (w, { gy, _ in depthwiseWeightGrad(x, gy, k: g.conv.kh, padding: p, flipped: flipped) }),
    ])
}

/// Σ over images and output positions of x (padded, shifted by the tap) · g, per channel and tap.
private func depthwiseWeightGrad(_ x: Tensor, _ gy: Tensor, k: Int, padding p: Int, flipped: Bool) -> Tensor {
    let g = geometry(x.shape, k: k, padding: p, flipped: flipped)
    var out = [Float](repeating: 0, count: g.conv.c * k * k)
    let perChannel = g.planes / g.conv.c * g.conv.oh * g.conv.ow * k * k
    withUnsafePointer(to: g) { g in x.data.withUnsafeBufferPointer { xs in gy.data.withUnsafeBufferPointer { gs in
        out.withUnsafeMutableBufferPointer { vs in
            parallelChunks(g.pointee.conv.c, grain: max(1, 32_768 / perChannel), threads: Engine.threads) {
                cdepthwise_weight_grad(g, xs.baseAddress, gs.baseAddress, vs.baseAddress, $0.lowerBound, $0.upperBound)
            }
        }
    } } }
    return Tensor.make([g.conv.c, 1, k, k], out, [
        (x, { v, _ in depthwise(gy, v, padding: k - 1 - p, flipped: !flipped) }),
        (gy, { v, _ in depthwise(x, v, padding: p, flipped: flipped) }),
    ])
}

/// The kernels' description of x [N, C, H, W] under a k×k depthwise convolution with padding p.
private func geometry(_ shape: [Int], k: Int, padding p: Int, flipped: Bool) -> dw_geometry {
    let (h, w) = (shape[2], shape[3])
    let conv = conv_geometry(c: shape[1], h: h, w: w, kh: k, kw: k, stride: 1, pad: p, oh: h + 2 * p - k + 1, ow: w + 2 * p - k + 1)
    return dw_geometry(conv: conv, planes: shape[0] * shape[1], flipped: flipped ? 1 : 0)
}
