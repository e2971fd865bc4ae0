import Autograd

/// y = x·Wᵀ + b over the last axis, as PyTorch's `nn.Linear`: weight [out, in], bias [out].
public final class Linear: WeightedLayer {
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                initialiser: Initialiser = .pytorchDefault, using rng: inout RandomGenerator) {
        super.init(weightShape: [outFeatures, inFeatures], biasCount: bias ? outFeatures : nil,
                   fanIn: inFeatures, initialiser: initialiser, using: &rng)
    }

    /// x [..., in] (rank ≥ 2) → [..., out].
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let y = matmul(x, weight, transB: true)
        return bias.map { y + $0 } ?? y
    }
}
