// Convolutions, padding and pooling over NCHW tensors.
//
// What a convolution computes is `referenceConv2d` below: unfold every window into a column
// (im2col), multiply by the weights as an [O, C·kh·kw] matrix, add the bias. The kernels in
// Kernels/ compute the same without ever building the columns whole (ConvKernels.swift: tiles of
// im2col + GEMM, Winograd for 3×3, a direct loop for one output channel); tests check each fast
// path against the reference, values and gradients to second order, and
// `Engine.referenceConvolution` (COURSE_REFERENCE_CONV=1) runs every convolution the simple way.
//
// Padding and pooling are built from the plane gather/scatter pair (ShapeOps.swift) and the index
// maps below, so every backward pass is made of differentiable ops too, to any order.

/// conv2d the simple way: im2col, one matrix product, bias. Differentiable through its ops.
func referenceConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ win: Window) -> Tensor {
    let (n, o) = (x.shape[0], weight.shape[0])
    let (oh, ow) = win.output(x.shape[2], x.shape[3])
    let y = matmul(weight.reshape([o, -1]), x.im2col(win))                         // [N, O, oh·ow]
    return (bias.map { y + $0.reshape([1, o, 1]) } ?? y).reshape([n, o, oh, ow])
}

/// convTranspose2d the simple way, as conv2d's adjoint in its input: columns Wᵀ·x folded onto
/// the output (col2im), bias.
func referenceConvTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ win: Window, output: (h: Int, w: Int)) -> Tensor {
    let (n, cin, cout) = (x.shape[0], x.shape[1], weight.shape[1])
    let cols = matmul(weight.reshape([cin, -1]), x.reshape([n, cin, -1]), transA: true)  // [N, Cout·kh·kw, H·W]
    let y = cols.col2im(channels: cout, h: output.h, w: output.w, win)
    return bias.map { y + $0.reshape([1, cout, 1, 1]) } ?? y
}

/// 2-D geometry of a sliding window.
public struct Window: Hashable {
    public var kernel: (h: Int, w: Int)
    public var stride: Int
    public var padding: Int
    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernelH: kernel, kernelW: kernel, stride: stride, padding: padding)
    }
    public init(kernelH: Int, kernelW: Int, stride: Int = 1, padding: Int = 0) {
        precondition(kernelH > 0 && kernelW > 0 && stride > 0 && padding >= 0, "bad window \(kernelH)×\(kernelW) s\(stride) p\(padding)")
        kernel = (kernelH, kernelW); self.stride = stride; self.padding = padding
    }
    /// Output size for an input of `h × w`.
    public func output(_ h: Int, _ w: Int) -> (h: Int, w: Int) {
        ((h + 2 * padding - kernel.h) / stride + 1, (w + 2 * padding - kernel.w) / stride + 1)
    }
    public static func == (a: Window, b: Window) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding
    }
    public func hash(into h: inout Hasher) { h.combine(kernel.h); h.combine(kernel.w); h.combine(stride); h.combine(padding) }
}

enum IndexMaps {
    /// im2col for one plane of h × w: rows (ky, kx), columns the output positions; zero padding as −1.
    static func im2col(_ h: Int, _ w: Int, _ win: Window) -> PlaneMap {
        let (oh, ow) = win.output(h, w)
        var index = [Int32](repeating: -1, count: win.kernel.h * win.kernel.w * oh * ow)
        var i = 0
        for ky in 0..<win.kernel.h {
            for kx in 0..<win.kernel.w {
                for oy in 0..<oh {
                    let y = oy * win.stride - win.padding + ky
                    for ox in 0..<ow {
                        let x = ox * win.stride - win.padding + kx
                        if y >= 0 && y < h && x >= 0 && x < w { index[i] = Int32(y * w + x) }
                        i += 1
                    }
                }
            }
        }
        return PlaneMap(inputSize: h * w, index: index)
    }

    /// Reflection padding (edge not repeated, as PyTorch's ReflectionPad2d).
    static func reflect(_ h: Int, _ w: Int, _ pad: (top: Int, bottom: Int, left: Int, right: Int)) -> PlaneMap {
        func mirror(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
        let oh = h + pad.top + pad.bottom, ow = w + pad.left + pad.right
        var index = [Int32](repeating: 0, count: oh * ow)
        for y in 0..<oh { for x in 0..<ow { index[y * ow + x] = Int32(mirror(y - pad.top, h) * w + mirror(x - pad.left, w)) } }
        return PlaneMap(inputSize: h * w, index: index)
    }
}

/// Index maps depend only on geometry; training reuses a handful of them thousands of times.
final class MapCache {
    private var maps: [String: PlaneMap] = [:]
    private let lock = NSLock()
    static let shared = MapCache()
    func map(_ key: String, _ build: () -> PlaneMap) -> PlaneMap {
        lock.lock(); defer { lock.unlock() }
        if let m = maps[key] { return m }
        let m = build()
        maps[key] = m
        return m
    }
}

import Foundation

extension Tensor {
    private var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(rank == 4, "expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Unfolds every window into a column: [N, C, H, W] → [N, C·kh·kw, L], L = output positions.
    public func im2col(_ win: Window) -> Tensor {
        let (n, c, h, w) = nchw
        let (oh, ow) = win.output(h, w)
        precondition(oh > 0 && ow > 0, "window \(win.kernel.h)×\(win.kernel.w) does not fit input \(h)×\(w)")
        let map = MapCache.shared.map("im2col \(h) \(w) \(win.kernel) \(win.stride) \(win.padding)") { IndexMaps.im2col(h, w, win) }
        return gatherPlanes(map, shape: [n, c * win.kernel.h * win.kernel.w, oh * ow])
    }

    /// Folds columns back onto an image of `h × w`, adding where windows overlap (im2col's adjoint).
    public func col2im(channels c: Int, h: Int, w: Int, _ win: Window) -> Tensor {
        let map = MapCache.shared.map("im2col \(h) \(w) \(win.kernel) \(win.stride) \(win.padding)") { IndexMaps.im2col(h, w, win) }
        return scatterPlanes(map, shape: [shape[0], c, h, w])
    }

    public func reflectionPad2d(_ p: Int) -> Tensor { reflectionPad2d(top: p, bottom: p, left: p, right: p) }

    public func reflectionPad2d(top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        let (n, c, h, w) = nchw
        precondition(Swift.max(top, bottom) < h && Swift.max(left, right) < w,
                     "reflection padding must be smaller than the input (\(h)×\(w))")
        let map = MapCache.shared.map("reflect \(h) \(w) \(top) \(bottom) \(left) \(right)") {
            IndexMaps.reflect(h, w, (top, bottom, left, right))
        }
        return gatherPlanes(map, shape: [n, c, h + top + bottom, w + left + right])
    }

    /// Max over each window (zero padding is not allowed: it would compete with negative values).
    public func maxPool2d(_ win: Window) -> Tensor {
        precondition(win.padding == 0, "maxPool2d takes no padding")
        return pooled(win) { $0.max(axis: 2) }
    }

    public func avgPool2d(_ win: Window) -> Tensor { pooled(win) { $0.mean(axis: 2) } }

    private func pooled(_ win: Window, _ reduce: (Tensor) -> Tensor) -> Tensor {
        let (n, c, h, w) = nchw
        let (oh, ow) = win.output(h, w)
        let cols = reshape([n * c, 1, h, w]).im2col(win).reshape([n * c, win.kernel.h * win.kernel.w, oh * ow])
        return reduce(cols.transposed(1, 2).reshape([n * c, oh * ow, -1])).reshape([n, c, oh, ow])
    }
}

/// 2-D convolution (cross-correlation, as in PyTorch). x [N, C, H, W], weight [O, C, kh, kw],
/// bias [O] → [N, O, H', W']: `referenceConv2d`, computed by the kernels of Kernels/.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1],
                 "conv2d: input \(x.shape) does not match weight \(weight.shape) (O, C, kh, kw)")
    precondition(bias.map { $0.shape == [weight.shape[0]] } ?? true, "conv2d: bias must have shape [\(weight.shape[0])]")
    let win = Window(kernelH: weight.shape[2], kernelW: weight.shape[3], stride: stride, padding: padding)
    if Engine.referenceConvolution { return referenceConv2d(x, weight: weight, bias: bias, win) }
    return convolve(x, weight, bias: bias, ConvGeometry(c: x.shape[1], h: x.shape[2], w: x.shape[3], window: win))
}

/// Transposed convolution (the adjoint of conv2d's input map, as PyTorch's ConvTranspose2d).
/// x [N, Cin, H, W], weight [Cin, Cout, kh, kw], output (H−1)·s − 2p + kh + outputPadding.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                            padding: Int = 0, outputPadding: Int = 0) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[0] == x.shape[1],
                 "convTranspose2d: input \(x.shape) does not match weight \(weight.shape) (Cin, Cout, kh, kw)")
    precondition(outputPadding < stride, "output padding must be smaller than the stride")
    precondition(bias.map { $0.shape == [weight.shape[1]] } ?? true, "convTranspose2d: bias must have shape [\(weight.shape[1])]")
    let (h, w) = (x.shape[2], x.shape[3])
    let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
    let oh = (h - 1) * stride - 2 * padding + kh + outputPadding
    let ow = (w - 1) * stride - 2 * padding + kw + outputPadding
    precondition(oh > 0 && ow > 0, "convTranspose2d: output would be \(oh)×\(ow) for input \(h)×\(w)")
    // The conv2d whose input gradient this is maps [Cout, oh, ow] back to [Cin, h, w].
    let win = Window(kernelH: kh, kernelW: kw, stride: stride, padding: padding)
    if Engine.referenceConvolution { return referenceConvTranspose2d(x, weight: weight, bias: bias, win, output: (oh, ow)) }
    return convolveInputGrad(x, weight, bias: bias, ConvGeometry(c: cout, h: oh, w: ow, window: win))
}
