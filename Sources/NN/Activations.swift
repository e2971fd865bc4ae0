import Autograd

// Parameter-free layers. They are modules (not bare functions) so that a Sequential gives them an
// index, as PyTorch does, and parameter names line up with PyTorch's state_dict.

public final class ReLU: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// max(x, 0) + slope·min(x, 0); PyTorch's default slope is 0.01, GAN critics usually take 0.2.
public final class LeakyReLU: Module {
    public let negativeSlope: Float
    public init(_ negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(negativeSlope) }
}

public final class Tanh: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

public final class Sigmoid: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}
