// Reductions over axes and their adjoint, broadcasting a tensor to a larger shape.
// sum's VJP is expand; expand's VJP is sum — each the other's transpose.

extension Tensor {
    /// Normalises axes (negative counts from the end), sorted, unique.
    func axesNormalised(_ axes: [Int]) -> [Int] {
        let result = Set(axes.map { $0 < 0 ? $0 + rank : $0 }).sorted()
        precondition(result.allSatisfy { $0 >= 0 && $0 < rank }, "axes \(axes) out of range for shape \(shape)")
        return result
    }

    /// Views the shape as (outer, n, inner) around one axis — the layout every reduction kernel uses.
    func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum over `axes` (all when nil); reduced axes kept as size 1 when `keepDims`.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = axesNormalised(axes ?? Array(0..<rank))
        var kept = shape
        for a in axes { kept[a] = 1 }
        let out = Tensor.make(kept, sumKernel(axes), [(self, { g, _ in g.expand(to: self.shape) })])
        return keepDims ? out : out.reshape(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = axesNormalised(axes ?? Array(0..<rank))
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Sums a broadcast result back to `target` (a shape `self` was broadcast from).
    public func sum(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "cannot sum shape \(shape) to larger shape \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshape(target)
    }

    /// Broadcasts to `target` by repeating along size-1 (or missing leading) dimensions.
    public func expand(to target: [Int]) -> Tensor {
        if shape == target { return self }
        guard broadcastShape(shape, target) == target else {
            preconditionFailure("cannot expand shape \(shape) to \(target)")
        }
        let out = zipBroadcast(self, Tensor.zeros(target)) { x, _ in x }.1
        return Tensor.make(target, out, [(self, { g, _ in g.sum(to: self.shape) })])
    }

    /// Largest value along `axis`; the gradient flows to the first position holding it.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = axesNormalised([axis])[0]
        let (outer, n, inner) = split(at: axis)
        precondition(n > 0, "max over an empty axis \(axis) of shape \(shape)")
        var values = [Float](repeating: -.infinity, count: outer * inner)
        var mask = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { x in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = 0
                    for k in 1..<n where x[(o * n + k) * inner + i] > x[(o * n + best) * inner + i] { best = k }
                    values[o * inner + i] = x[(o * n + best) * inner + i]
                    mask[(o * n + best) * inner + i] = 1
                }
            }
        }
        var kept = shape
        kept[axis] = 1
        let argmax = Tensor(shape: shape, data: mask)
        let out = Tensor.make(kept, values, [(self, { g, _ in g.expand(to: self.shape) * argmax })])
        return keepDims ? out : out.reshape(shape.enumerated().filter { $0.offset != axis }.map(\.element))
    }

    public func max() -> Tensor { reshape([count]).max(axis: 0) }

    /// Sum kernel: one axis at a time, (outer, n, inner) loops, in a fixed order.
    private func sumKernel(_ axes: [Int]) -> [Float] {
        var values = data
        var current = shape
        for axis in axes.reversed() {
            let outer = current[..<axis].reduce(1, *), n = current[axis], inner = current[(axis + 1)...].reduce(1, *)
            var reduced = [Float](repeating: 0, count: outer * inner)
            values.withUnsafeBufferPointer { x in
                reduced.withUnsafeMutableBufferPointer { r in
                    if inner == 1 {  // a full row: accumulate in Double, long sums stay accurate
                        for o in 0..<outer {
                            var acc = 0.0
                            for k in 0..<n { acc += Double(x[o * n + k]) }
                            r[o] = Float(acc)
                        }
                        return
                    }
                    for o in 0..<outer {
                        for k in 0..<n {
                            let src = (o * n + k) * inner, dst = o * inner
                            for i in 0..<inner { r[dst + i] += x[src + i] }
                        }
                    }
                }
            }
            values = reduced
            current[axis] = 1
        }
        return values
    }
}
