import Foundation

// Elementwise ops. Each op is its forward kernel and, next to it, the vector–Jacobian product of
// each input, itself written with tensor ops (so it can be differentiated again). Binary ops
// broadcast NumPy-style; the engine sums gradients back to each input's shape.

// MARK: - Kernels

extension Tensor {
    /// Applies `f` to every value.
    @inline(__always)
    func mapValues(_ f: (Float) -> Float) -> [Float] {
        data.withUnsafeBufferPointer { x in
            uninitialisedFloats(x.count) { y in
                parallelChunks(x.count) { range in for i in range { y[i] = f(x[i]) } }
            }
        }
    }
}

/// The broadcast shape of two shapes (NumPy rules), or nil when they do not broadcast.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let da = i < n - a.count ? 1 : a[i - (n - a.count)]
        let db = i < n - b.count ? 1 : b[i - (n - b.count)]
        guard da == db || da == 1 || db == 1 else { return nil }
        out[i] = da == 1 ? db : da
    }
    return out
}

/// Strides of `shape` seen inside the larger broadcast shape `to`: 0 along broadcast dimensions.
func broadcastStrides(_ shape: [Int], to: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: to.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        let j = i + to.count - shape.count
        strides[j] = shape[i] == 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

/// When one shape is the other with trailing axes set to 1 (and the same leading axes), e.g.
/// [N, C, 1, 1] against [N, C, H, W]: the number of per-plane values and the plane size.
func perPlane(_ a: [Int], _ b: [Int]) -> (planes: Int, size: Int)? {
    guard a.count == b.count else { return nil }
    let (big, small) = a.reduce(1, *) >= b.reduce(1, *) ? (a, b) : (b, a)
    let k = small.lastIndex(where: { $0 != 1 }).map { $0 + 1 } ?? 0
    guard big[..<k] == small[..<k] else { return nil }
    return (big[..<k].reduce(1, *), big[k...].reduce(1, *))
}

/// `f(a, b)` for every element of the broadcast shape. Fast paths for equal shapes and scalars;
/// otherwise an odometer over the outer dimensions and a strided inner loop.
@inline(__always)
func zipBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> ([Int], [Float]) {
    guard let shape = broadcastShape(a.shape, b.shape) else {
        preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let n = shape.reduce(1, *)
    let out = a.data.withUnsafeBufferPointer { x in
        b.data.withUnsafeBufferPointer { y in
            uninitialisedFloats(n) { o in
                if a.shape == b.shape {
                    parallelChunks(n) { range in for i in range { o[i] = f(x[i], y[i]) } }
                } else if b.count == 1 {
                    let v = y[0]; parallelChunks(n) { range in for i in range { o[i] = f(x[i], v) } }
                } else if a.count == 1 {
                    let v = x[0]; parallelChunks(n) { range in for i in range { o[i] = f(v, y[i]) } }
                } else if let (planes, size) = perPlane(a.shape, b.shape) {
                    // [.., C, 1, 1]-shaped per-channel values against [.., C, H, W] planes (bias, norms).
                    let aIsPlanes = a.count > b.count
                    parallelChunks(planes, grain: Swift.max(1, 32_768 / Swift.max(size, 1))) { range in
                        for p in range {
                            let v = aIsPlanes ? y[p] : x[p]
                            if aIsPlanes { for j in (p * size)..<((p + 1) * size) { o[j] = f(x[j], v) } }
                            else { for j in (p * size)..<((p + 1) * size) { o[j] = f(v, y[j]) } }
                        }
                    }
                } else {
                    let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
                    let inner = shape.last!, ia = sa.last!, ib = sb.last!
                    var index = [Int](repeating: 0, count: shape.count)
                    var offA = 0, offB = 0
                    for row in 0..<(n / max(inner, 1)) {
                        let base = row * inner
                        for j in 0..<inner { o[base + j] = f(x[offA + j * ia], y[offB + j * ib]) }
                        // advance the odometer over the outer dimensions
                        var d = shape.count - 2
                        while d >= 0 {
                            index[d] += 1; offA += sa[d]; offB += sb[d]
                            if index[d] < shape[d] { break }
                            offA -= sa[d] * shape[d]; offB -= sb[d] * shape[d]; index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
    }
    return (shape, out)
}

// MARK: - Arithmetic

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, +)
        return make(shape, out, [(a, { g, _ in g }), (b, { g, _ in g })])
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, -)
        return make(shape, out, [(a, { g, _ in g }), (b, { g, _ in -g })])
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, *)
        return make(shape, out, [(a, { g, _ in g * b }), (b, { g, _ in g * a })])
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, /)
        return make(shape, out, [(a, { g, _ in g / b }), (b, { g, y in -g * y / b })])
    }

    public static prefix func - (x: Tensor) -> Tensor {
        make(x.shape, x.mapValues { -$0 }, [(x, { g, _ in -g })])
    }

    /// Elementwise larger / smaller of two tensors; the gradient goes to the one chosen (to `a` on ties).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b) { Swift.max($0, $1) }
        let pickA = Tensor(shape: shape, data: zipBroadcast(a, b) { $0 >= $1 ? 1 : 0 }.1)
        return make(shape, out, [(a, { g, _ in g * pickA }), (b, { g, _ in g * (1 - pickA) })])
    }

    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { -maximum(-a, -b) }

    // Scalars on either side.
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Tensor, b: Float) -> Tensor { a * (1 / b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
}

// MARK: - Unary functions

extension Tensor {
    /// A tensor of `shape` holding `f(x)` but no gradient path: masks and signs used inside VJPs.
    func constant(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, data: mapValues(f)) }

    public func exp() -> Tensor { Tensor.make(shape, mapValues { Foundation.exp($0) }, [(self, { g, y in g * y })]) }

    public func log() -> Tensor { Tensor.make(shape, mapValues { Foundation.log($0) }, [(self, { g, _ in g / self })]) }

    public func sqrt() -> Tensor {
        Tensor.make(shape, mapValues { $0.squareRoot() }, [(self, { g, y in g / (2 * y) })])
    }

    /// xᵖ for a constant exponent.
    public func pow(_ p: Float) -> Tensor {
        if p == 1 { return self }
        return Tensor.make(shape, mapValues { Foundation.pow($0, p) }, [(self, { g, _ in g * p * self.pow(p - 1) })])
    }

    public func square() -> Tensor { self * self }

    public func abs() -> Tensor {
        let sign = constant { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        return Tensor.make(shape, mapValues { Swift.abs($0) }, [(self, { g, _ in g * sign })])
    }

    /// Values limited to [low, high]; the gradient passes only where the value was inside.
    public func clamp(_ low: Float, _ high: Float) -> Tensor {
        precondition(low <= high, "clamp bounds \(low) > \(high)")
        let inside = constant { $0 >= low && $0 <= high ? 1 : 0 }
        return Tensor.make(shape, mapValues { Swift.min(Swift.max($0, low), high) }, [(self, { g, _ in g * inside })])
    }

    public func relu() -> Tensor {
        Tensor.make(shape, mapValues { Swift.max($0, 0) }, [(self, { g, _ in g.scaled(where: self, otherwise: 0) })])
    }

    public func leakyRelu(_ slope: Float = 0.2) -> Tensor {
        Tensor.make(shape, mapValues { $0 > 0 ? $0 : slope * $0 }, [(self, { g, _ in g.scaled(where: self, otherwise: slope) })])
    }

    /// self where `x` > 0, `slope`·self elsewhere: the VJP of relu and leaky relu, read from their
    /// input (which the graph keeps anyway) instead of a stored mask. Linear in self, so its own
    /// VJP is itself; x only selects (its derivative is zero almost everywhere).
    func scaled(where x: Tensor, otherwise slope: Float) -> Tensor {
        precondition(x.shape == shape, "scaled(where:): shapes \(shape) and \(x.shape) differ")
        let out = data.withUnsafeBufferPointer { g in
            x.data.withUnsafeBufferPointer { v in
                uninitialisedFloats(count) { o in
                    parallelChunks(count) { range in for i in range { o[i] = v[i] > 0 ? g[i] : slope * g[i] } }
                }
            }
        }
        return Tensor.make(shape, out, [(self, { u, _ in u.scaled(where: x, otherwise: slope) })])
    }

    public func sigmoid() -> Tensor {
        let out = mapValues { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }
        return Tensor.make(shape, out, [(self, { g, y in g * y * (1 - y) })])
    }

    public func tanh() -> Tensor {
        Tensor.make(shape, mapValues { Foundation.tanh($0) }, [(self, { g, y in g * (1 - y * y) })])
    }

    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so it never overflows.
    public func softplus() -> Tensor {
        let out = mapValues { Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }
        return Tensor.make(shape, out, [(self, { g, _ in g * self.sigmoid() })])
    }

    /// log σ(x) = −softplus(−x), stable for large |x|.
    public func logSigmoid() -> Tensor { -(-self).softplus() }
}

/// Mean binary cross-entropy of logits against targets in [0, 1]:
/// mean(softplus(x) − t·x), the stable form of −t·log σ(x) − (1 − t)·log(1 − σ(x)).
public func binaryCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    (logits.softplus() - targets * logits).mean()
}
