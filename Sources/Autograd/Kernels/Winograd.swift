// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray 2016) for 3×3 stride-1 convolutions:
// each 2×2 block of outputs costs 16 multiplies per input channel instead of 36, as 16 GEMMs of
// [O, C] · [C, tiles] in the transformed domain:
//
//   y = Aᵀ [ (G w Gᵀ) ⊙ (Bᵀ d B) ] A      per 4×4 input tile d (stride 2) and 2×2 output block.
//
// The DeblurGAN ResBlocks' convolutions (87 of the generator's 99 GFLOP forward) are of this kind,
// and so are their input gradients (a 3×3 stride-1 convolution of the output gradient with the
// weights rotated by 180° and in/out channels swapped, padding 2 − p). Only the kernel changes:
// the ops and their derivatives stay those of ConvKernels.swift.

extension ConvGeometry {
    /// 3×3, stride 1, and enough channels and positions that the 16 GEMMs dominate the
    /// transforms (measured: a 64-channel 16×16 ResBlock of the small generator is faster direct).
    func winogradPays(outChannels o: Int) -> Bool {
        kh == 3 && kw == 3 && stride == 1 && padding <= 2 && c >= 16 && o >= 16 && positions >= 1024
    }
}

/// Gᵀ-side transform of 3×3 weights w [o, c, 3, 3] → u [16, o, c] (u[ξ] is a GEMM's left matrix).
func winogradWeights(_ w: UnsafePointer<Float>, outChannels o: Int, inChannels c: Int) -> [Float] {
    uninitialisedFloats(16 * o * c) { u in
        for p in 0..<(o * c) {
            let g = w + p * 9
            // rows of G·g (4 × 3), then each row times Gᵀ (4 × 4)
            let r0 = SIMD3(g[0], g[1], g[2]), r1 = SIMD3(g[3], g[4], g[5]), r2 = SIMD3(g[6], g[7], g[8])
            let gg = (r0, (r0 + r1 + r2) * 0.5, (r0 - r1 + r2) * 0.5, r2)
            func store(_ i: Int, _ r: SIMD3<Float>) {
                let row = SIMD4(r[0], (r[0] + r[1] + r[2]) * 0.5, (r[0] - r[1] + r[2]) * 0.5, r[2])
                for j in 0..<4 { u[(i * 4 + j) * o * c + p] = row[j] }
            }
            store(0, gg.0); store(1, gg.1); store(2, gg.2); store(3, gg.3)
        }
    }
}

/// 16 tiles side by side: the SIMD lanes are neighbouring tiles of one tile row, so the
/// transforms read and write contiguous memory.
typealias Lanes = SIMD16<Float>

/// y [n, o, oh, ow] = bias + conv3×3(x) for stride 1, through F(2×2, 3×3). `u` from `winogradWeights`.
func winogradForward(_ x: UnsafePointer<Float>, _ u: UnsafePointer<Float>, bias: [Float]?, images n: Int,
                     outChannels o: Int, _ g: ConvGeometry, into y: UnsafeMutablePointer<Float>) {
    let (c, h, w, p) = (g.c, g.h, g.w, g.padding)
    let (oh, ow) = (g.oh, g.ow)
    let (th, tw) = ((oh + 1) / 2, (ow + 1) / 2)
    let tiles = th * tw
    // A zero-padded copy of one plane per thread: every 4×4 tile (and a SIMD load's overrun) inside.
    let (ph, pw) = (2 * th + 2, 2 * tw + 36)
    let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * c * tiles)
    let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * o * tiles + 16)
    defer { v.deallocate(); m.deallocate() }
    (m + 16 * o * tiles).update(repeating: 0, count: 16)  // lanes past the last tile are read, never used
    for i in 0..<n {
        let image = x + i * c * h * w
        // Bᵀ d B for every channel and tile: v[ξ, c, t].
        parallelChunks(c, grain: Swift.max(1, 4096 / tiles), threads: Engine.threads) { channels in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: ph * pw)
            defer { padded.deallocate() }
            padded.update(repeating: 0, count: ph * pw)
            for ci in channels {
                let plane = image + ci * h * w
                for yy in 0..<Swift.min(h, ph - p) {
                    (padded + (yy + p) * pw + p).update(from: plane + yy * w, count: Swift.min(w, pw - 32 - p))
                }
                for ty in 0..<th {
                    for tx in Swift.stride(from: 0, to: tw, by: 16) {
                        let base = padded + 2 * ty * pw + 2 * tx
                        func row(_ r: Int) -> (Lanes, Lanes, Lanes, Lanes) {
                            let a = UnsafeRawPointer(base + r * pw).loadUnaligned(as: SIMD32<Float>.self)
                            let b = UnsafeRawPointer(base + r * pw + 2).loadUnaligned(as: SIMD32<Float>.self)
                            return (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
                        }
                        let (d0, d1, d2, d3) = (row(0), row(1), row(2), row(3))
                        let t = ty * tw + tx, count = Swift.min(16, tw - tx), step = c * tiles
                        func store(_ k: Int, _ r: (Lanes, Lanes, Lanes, Lanes)) {
                            let values = (r.0 - r.2, r.1 + r.2, r.2 - r.1, r.1 - r.3)
                            let q = v + 4 * k * step + ci * tiles + t
                            put(values.0, q, count); put(values.1, q + step, count)
                            put(values.2, q + 2 * step, count); put(values.3, q + 3 * step, count)
                        }
                        store(0, (d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3))
                        store(1, (d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3))
                        store(2, (d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3))
                        store(3, (d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3))
                    }
                }
            }
        }
        for xi in 0..<16 {
            sgemm(false, false, o, tiles, c, u + xi * o * c, lda: c, v + xi * c * tiles, ldb: tiles,
                  m + xi * o * tiles, ldc: tiles, beta: 0)
        }
        // Aᵀ M A per output channel and group of tiles, cropped at the right and bottom edges.
        let out = y + i * o * oh * ow
        parallelChunks(o, grain: Swift.max(1, 4096 / tiles), threads: Engine.threads) { channels in
            for oc in channels {
                let b0 = bias?[oc] ?? 0
                let plane = out + oc * oh * ow
                for ty in 0..<th {
                    for tx in Swift.stride(from: 0, to: tw, by: 16) {
                        let q = m + oc * tiles + ty * tw + tx, step = o * tiles
                        func load(_ k: Int) -> Lanes { UnsafeRawPointer(q + k * step).loadUnaligned(as: Lanes.self) }
                        let s0 = (load(0) + load(4) + load(8), load(1) + load(5) + load(9),
                                  load(2) + load(6) + load(10), load(3) + load(7) + load(11))
                        let s1 = (load(4) - load(8) - load(12), load(5) - load(9) - load(13),
                                  load(6) - load(10) - load(14), load(7) - load(11) - load(15))
                        let top = (s0.0 + s0.1 + s0.2 + b0, s0.1 - s0.2 - s0.3 + b0)
                        let bottom = (s1.0 + s1.1 + s1.2 + b0, s1.1 - s1.2 - s1.3 + b0)
                        let oy = 2 * ty
                        for l in 0..<Swift.min(16, tw - tx) {
                            let ox = 2 * (tx + l)
                            plane[oy * ow + ox] = top.0[l]
                            if ox + 1 < ow { plane[oy * ow + ox + 1] = top.1[l] }
                            if oy + 1 < oh {
                                plane[(oy + 1) * ow + ox] = bottom.0[l]
                                if ox + 1 < ow { plane[(oy + 1) * ow + ox + 1] = bottom.1[l] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Stores the first `count` lanes at q (all 16 with one vector store when they fit).
@inline(__always)
private func put(_ x: Lanes, _ q: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == 16 { UnsafeMutableRawPointer(q).storeBytes(of: x, as: Lanes.self) }
    else { for l in 0..<count { q[l] = x[l] } }
}

/// The weights of the 3×3 stride-1 convolution that is `convolveInputGradient`: w [o, c, 3, 3] →
/// w' [c, o, 3, 3], w'[c, o, ky, kx] = w[o, c, 2 − ky, 2 − kx].
func rotatedTransposedKernels(_ w: UnsafePointer<Float>, outChannels o: Int, inChannels c: Int) -> [Float] {
    uninitialisedFloats(o * c * 9) { r in
        for oc in 0..<o { for ci in 0..<c { for k in 0..<9 { r[(ci * o + oc) * 9 + k] = w[(oc * c + ci) * 9 + 8 - k] } } }
    }
}
