// Ops that move values without arithmetic: reshape, permute, slice and its adjoint, concat, and a
// gather/scatter pair over image planes on which im2col, col2im, reflection padding and pooling
// are built (Convolution.swift). Every op here is linear, so each VJP is the adjoint op.

extension Tensor {
    public func reshape(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            newShape[i] = known == 0 ? 0 : count / known
        }
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        if newShape == shape { return self }
        return Tensor.make(newShape, data, [(self, { g, _ in g.reshape(self.shape) })])
    }

    public func flatten(from axis: Int = 1) -> Tensor {
        reshape(Array(shape[..<axis]) + [shape[axis...].reduce(1, *)])
    }

    public func unsqueeze(_ axis: Int) -> Tensor {
        var s = shape
        s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshape(s)
    }

    public func squeeze(_ axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        precondition(shape[a] == 1, "cannot squeeze axis \(axis) of shape \(shape)")
        var s = shape
        s.remove(at: a)
        return reshape(s)
    }

    /// Reorders the axes: result axis i is input axis `order[i]`.
    public func permute(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) does not fit rank \(rank)")
        if order == Array(0..<rank) { return self }
        let newShape = order.map { shape[$0] }
        let inStrides = Tensor.strides(of: shape)
        let strides = order.map { inStrides[$0] }
        var index = [Int](repeating: 0, count: rank)
        let out = data.withUnsafeBufferPointer { x in
            uninitialisedFloats(count) { o in
                var src = 0
                for i in 0..<o.count {
                    o[i] = x[src]
                    var d = rank - 1
                    while d >= 0 {
                        index[d] += 1; src += strides[d]
                        if index[d] < newShape[d] { break }
                        src -= strides[d] * newShape[d]; index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in order.enumerated() { inverse[a] = i }
        return Tensor.make(newShape, out, [(self, { g, _ in g.permute(inverse) })])
    }

    /// Swaps two axes (the last two by default).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(a < 0 ? a + rank : a, b < 0 ? b + rank : b)
        return permute(order)
    }

    static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * shape[i + 1] }
        return s
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axesNormalised([axis])[0]
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) out of bounds for axis \(axis) of shape \(shape)")
        let (outer, n, inner) = split(at: axis)
        var newShape = shape
        newShape[axis] = range.count
        var out = [Float]()
        out.reserveCapacity(outer * range.count * inner)
        for o in 0..<outer {
            out.append(contentsOf: data[((o * n + range.lowerBound) * inner)..<((o * n + range.upperBound) * inner)])
        }
        let full = shape[axis]
        return Tensor.make(newShape, out, [(self, { g, _ in g.padded(axis: axis, before: range.lowerBound, after: full - range.upperBound) })])
    }

    /// Zeros added before and after along `axis` (the adjoint of `slice`).
    public func padded(axis: Int, before: Int, after: Int) -> Tensor {
        let axis = axesNormalised([axis])[0]
        let (outer, n, inner) = split(at: axis)
        var newShape = shape
        newShape[axis] = n + before + after
        var out = [Float](repeating: 0, count: newShape.reduce(1, *))
        for o in 0..<outer {
            let dst = (o * newShape[axis] + before) * inner
            out.replaceSubrange(dst..<(dst + n * inner), with: data[(o * n * inner)..<((o + 1) * n * inner)])
        }
        return Tensor.make(newShape, out, [(self, { g, _ in g.slice(axis: axis, before..<(before + n)) })])
    }

    /// Joins tensors along an existing axis.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat of no tensors")
        let first = tensors[0]
        let axis = first.axesNormalised([axis])[0]
        for t in tensors {
            var a = t.shape, b = first.shape
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "concat: shapes \(t.shape) and \(first.shape) differ off axis \(axis)")
        }
        let outer = first.shape[..<axis].reduce(1, *)
        var newShape = first.shape
        newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        var out = [Float]()
        out.reserveCapacity(newShape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let block = t.count / Swift.max(outer, 1)
                out.append(contentsOf: t.data[(o * block)..<((o + 1) * block)])
            }
        }
        var offsets: [Int] = [0]
        for t in tensors { offsets.append(offsets.last! + t.shape[axis]) }
        let inputs: [(Tensor, VJP)] = tensors.enumerated().map { i, t in
            (t, { g, _ in g.slice(axis: axis, offsets[i]..<offsets[i + 1]) })
        }
        return make(newShape, out, inputs)
    }

    /// Joins tensors of one shape along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        concat(tensors.map { $0.unsqueeze(axis) }, axis: axis)
    }
}

// MARK: - Plane gather / scatter

/// For every output position of one image plane, the input position it reads (−1: a zero).
/// The same map serves every plane of a batch, so it is small (one plane's worth) and shared.
public struct PlaneMap {
    public let inputSize: Int
    public let index: [Int32]
    public init(inputSize: Int, index: [Int32]) {
        precondition(index.allSatisfy { $0 < inputSize }, "plane map reads past its input")
        self.inputSize = inputSize
        self.index = index
    }
}

extension Tensor {
    /// Treats the tensor as `planes` planes of `map.inputSize` values and gathers each through the
    /// map: out[p, i] = in[p, map[i]] (0 where map[i] = −1). Its adjoint is `scatterPlanes`.
    public func gatherPlanes(_ map: PlaneMap, shape newShape: [Int]) -> Tensor {
        let planes = count / map.inputSize, m = map.index.count
        precondition(planes * map.inputSize == count && newShape.reduce(1, *) == planes * m,
                     "gatherPlanes: \(shape) does not split into planes of \(map.inputSize) for \(newShape)")
        let out = data.withUnsafeBufferPointer { x in
            map.index.withUnsafeBufferPointer { idx in
                uninitialisedFloats(planes * m) { o in
                    let (xp, op) = (x.baseAddress!, o.baseAddress!)
                    parallelChunks(planes, grain: Swift.max(1, 65_536 / Swift.max(m, 1))) { range in
                        for p in range {
                            let src = xp + p * map.inputSize, dst = op + p * m
                            for i in 0..<m { let j = Int(idx[i]); dst[i] = j >= 0 ? src[j] : 0 }
                        }
                    }
                }
            }
        }
        let inShape = shape
        return Tensor.make(newShape, out, [(self, { g, _ in g.scatterPlanes(map, shape: inShape) })])
    }

    /// The adjoint of `gatherPlanes`: out[p, map[i]] += in[p, i].
    public func scatterPlanes(_ map: PlaneMap, shape newShape: [Int]) -> Tensor {
        let m = map.index.count, planes = count / Swift.max(m, 1)
        precondition(planes * m == count && newShape.reduce(1, *) == planes * map.inputSize,
                     "scatterPlanes: \(shape) does not split into planes of \(m) for \(newShape)")
        var out = [Float](repeating: 0, count: planes * map.inputSize)
        data.withUnsafeBufferPointer { x in
            map.index.withUnsafeBufferPointer { idx in
                out.withUnsafeMutableBufferPointer { o in
                    let (xp, op) = (x.baseAddress!, o.baseAddress!)
                    parallelChunks(planes, grain: Swift.max(1, 65_536 / Swift.max(m, 1))) { range in
                        for p in range {
                            let src = xp + p * m, dst = op + p * map.inputSize
                            for i in 0..<m { let j = Int(idx[i]); if j >= 0 { dst[j] += src[i] } }
                        }
                    }
                }
            }
        }
        let inShape = shape
        return Tensor.make(newShape, out, [(self, { g, _ in g.gatherPlanes(map, shape: inShape) })])
    }
}
