/// A Float32 tensor on the CPU: contiguous row-major storage, a shape, and — when it was made by an
/// op while gradients are being recorded — the inputs it came from and how to send a gradient
/// back to each of them. That pair is the whole autograd idea; see `Autodiff.swift` for its use.
public final class Tensor {
    public var data: [Float]
    public let shape: [Int]
    /// Leaves with `requiresGrad` collect gradients; op results inherit it from their inputs.
    public var requiresGrad: Bool
    /// Accumulated by `backward()`.
    public var grad: Tensor?
    /// For op results: each input and its vector–Jacobian product, `(upstream gradient, this
    /// output) -> gradient for that input`, written with differentiable tensor ops.
    var inputs: [(tensor: Tensor, vjp: VJP)] = []

    public typealias VJP = (_ gradient: Tensor, _ output: Tensor) -> Tensor

    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == data.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
    }

    /// A 0-d tensor holding one number.
    public convenience init(_ value: Float) { self.init(shape: [], data: [value]) }

    /// A 1-d tensor from values.
    public convenience init(_ values: [Float]) { self.init(shape: [values.count], data: values) }

    public var count: Int { data.count }
    public var rank: Int { shape.count }
    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(data.count == 1, "item needs a one-element tensor, shape is \(shape)")
        return data[0]
    }

    /// The result of an op: records its inputs only while gradients are recorded and some input needs one.
    static func make(_ shape: [Int], _ data: [Float], _ inputs: [(Tensor, VJP)]) -> Tensor {
        let t = Tensor(shape: shape, data: data)
        if GradMode.isEnabled && inputs.contains(where: { $0.0.requiresGrad }) {
            t.requiresGrad = true
            t.inputs = inputs.map { (tensor: $0.0, vjp: $0.1) }
        }
        return t
    }

    /// The same values, cut from the graph.
    public func detach() -> Tensor { Tensor(shape: shape, data: data) }
}

// MARK: - Creation

extension Tensor {
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }
    public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape) }
    public static func ones(like t: Tensor) -> Tensor { ones(t.shape) }

    /// start, start + step, … below end.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in low + (high - low) * rng.nextFloat() })
    }

    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in mean + std * rng.nextNormal() })
    }
}

/// A buffer of `count` floats that `fill` writes completely — skips zeroing memory that is about
/// to be overwritten anyway (outputs of elementwise ops, GEMMs, gathers).
@inline(__always)
func uninitialisedFloats(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
        fill(buffer)
        initialised = count
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = data.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(data.count > 8 ? ", …" : "")])"
    }
}
