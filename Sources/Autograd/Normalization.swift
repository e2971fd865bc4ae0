// Instance normalisation and dropout. Instance norm is one fused op (one pass for the statistics,
// one for the output) whose backward is a second fused op; the backward's own derivatives are
// composed from differentiable ops, so gradients of gradients (WGAN-GP through the DeblurGAN
// critic) work to any order while the first-order passes take two sweeps over the data each.

extension Tensor {
    /// Normalises each (sample, channel) plane of an NCHW tensor to zero mean and unit variance
    /// (biased variance, as PyTorch's InstanceNorm2d): y = (x − mean) · rstd, rstd = 1/√(var + eps).
    public func instanceNorm(eps: Float = 1e-5) -> Tensor {
        precondition(rank == 4, "instanceNorm expects NCHW, got \(shape)")
        let planes = shape[0] * shape[1], size = shape[2] * shape[3]
        var rstdValues = [Float](repeating: 0, count: planes)
        let y = data.withUnsafeBufferPointer { x in
            rstdValues.withUnsafeMutableBufferPointer { r in
                uninitialisedFloats(count) { y in
                    parallelChunks(planes, grain: Swift.max(1, 16_384 / Swift.max(size, 1))) { range in
                        for p in range {
                            let src = x.baseAddress! + p * size, dst = y.baseAddress! + p * size
                            let mean = Float(planeSum(src, size) / Double(size))
                            var ss = SIMD16<Float>(), tail: Float = 0
                            let vectors = size / 16
                            for v in 0..<vectors {
                                let d = UnsafeRawPointer(src + v * 16).loadUnaligned(as: SIMD16<Float>.self) - mean
                                ss += d * d
                            }
                            for j in (vectors * 16)..<size { tail += (src[j] - mean) * (src[j] - mean) }
                            let variance = (Double(ss.sum()) + Double(tail)) / Double(size)
                            let rstd = Float(1 / (variance + Double(eps)).squareRoot())
                            r[p] = rstd
                            for j in 0..<size { dst[j] = (src[j] - mean) * rstd }
                        }
                    }
                }
            }
        }
        // rstd as a node of the graph, so the backward's dependence on it is differentiated too.
        let rstd = Tensor.make([shape[0], shape[1], 1, 1], rstdValues, [(self, { g, r in
            let centred = self - self.mean(axes: [2, 3], keepDims: true)
            return -(g * r * r * r) * centred * (1 / Float(size))
        })])
        return Tensor.make(shape, y, [(self, { g, y in instanceNormBackward(g, y, rstd) })])
    }

    /// Zeroes each value with probability p and scales the rest by 1/(1−p) (inverted dropout).
    /// Zeroes each value with probability p and scales the rest by 1/(1−p) (inverted dropout).
    public func dropout(_ p: Float, using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        if p == 0 { return self }
        let scale = 1 / (1 - p)
        let keep = Tensor(shape: shape, data: uninitialisedFloats(count) { m in
            for i in 0..<m.count { m[i] = rng.nextFloat() < p ? 0 : scale }
        })
        return self * keep
    }
}

/// Σ of `n` floats, in 16 float lanes summed in Double at the end: vectorised, and accurate for
/// the plane sizes of a network (65,536 values are 4,096 per lane).
@inline(__always)
func planeSum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
    var acc = SIMD16<Float>(), tail = 0.0
    let vectors = n / 16
    for v in 0..<vectors { acc += UnsafeRawPointer(x + v * 16).loadUnaligned(as: SIMD16<Float>.self) }
    for j in (vectors * 16)..<n { tail += Double(x[j]) }
    return (0..<16).reduce(tail) { $0 + Double(acc[$1]) }
}

/// Instance norm's input gradient for upstream g, output y and per-plane rstd:
/// dx = rstd · (g − mean(g) − y · mean(g·y)), means over each plane. Fused (two sweeps); its own
/// VJPs: in g it is itself (the map is self-adjoint), in y and rstd they are composed ops.
func instanceNormBackward(_ g: Tensor, _ y: Tensor, _ rstd: Tensor) -> Tensor {
    let planes = rstd.count, size = y.count / Swift.max(planes, 1)
    let dx = g.data.withUnsafeBufferPointer { gp in
        y.data.withUnsafeBufferPointer { yp in
            uninitialisedFloats(y.count) { out in
                parallelChunks(planes, grain: Swift.max(1, 16_384 / Swift.max(size, 1))) { range in
                    for p in range {
                        let (gs, ys, o) = (gp.baseAddress! + p * size, yp.baseAddress! + p * size, out.baseAddress! + p * size)
                        var sg = SIMD16<Float>(), sgy = SIMD16<Float>(), tg = 0.0, tgy = 0.0
                        let vectors = size / 16
                        for v in 0..<vectors {
                            let a = UnsafeRawPointer(gs + v * 16).loadUnaligned(as: SIMD16<Float>.self)
                            let b = UnsafeRawPointer(ys + v * 16).loadUnaligned(as: SIMD16<Float>.self)
                            sg += a; sgy += a * b
                        }
                        for j in (vectors * 16)..<size { tg += Double(gs[j]); tgy += Double(gs[j] * ys[j]) }
                        let meanG = Float((0..<16).reduce(tg) { $0 + Double(sg[$1]) } / Double(size))
                        let meanGY = Float((0..<16).reduce(tgy) { $0 + Double(sgy[$1]) } / Double(size))
                        let r = rstd.data[p]
                        for j in 0..<size { o[j] = r * (gs[j] - meanG - ys[j] * meanGY) }
                    }
                }
            }
        }
    }
    let axes = [2, 3]
    return Tensor.make(y.shape, dx, [
        (g, { u, _ in instanceNormBackward(u, y, rstd) }),
        (y, { u, _ in
            -rstd * (u * (g * y).mean(axes: axes, keepDims: true) + g * (u * y).mean(axes: axes, keepDims: true))
        }),
        (rstd, { u, _ in
            (u * (g - g.mean(axes: axes, keepDims: true) - y * (g * y).mean(axes: axes, keepDims: true)))
                .sum(axes: axes, keepDims: true)
        }),
    ])
}
