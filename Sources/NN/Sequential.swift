import Autograd

/// Layers applied in order, named "0", "1", … as PyTorch's `nn.Sequential`. Parameter-free layers
/// take an index too, so `model.26.weight` here is `model.26.weight` in PyTorch.
public final class Sequential: Module {
    public let layers: [Module]

    public init(_ layers: [Module]) { self.layers = layers }

    public convenience init(_ layers: Module...) { self.init(layers) }

    public subscript(index: Int) -> Module { layers[index] }

    public override var children: [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}
