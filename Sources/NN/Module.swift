import Autograd

/// A layer or a network of layers, in the manner of PyTorch's `nn.Module`: a forward pass,
/// named parameters, named children, and a training flag shared by the whole tree.
///
/// Children and parameters are listed explicitly by each subclass (no reflection), in the order
/// PyTorch registers them, so `namedParameters()` yields exactly the keys of PyTorch's
/// `state_dict()` — `model.1.weight`, `model.10.conv_block.1.bias` — and released PyTorch weights
/// load by name.
open class Module {
    /// Whether the module is in training mode (dropout active). Changed for a whole tree at once
    /// by `train()` / `eval()`. New modules start in training mode, as in PyTorch.
    public fileprivate(set) var isTraining = true

    public init() {}

    /// Sub-modules in registration order, named as in PyTorch (`"0"`, `"conv_block"`, …).
    open var children: [(name: String, module: Module)] { [] }

    /// This module's own parameters, not its children's, named as in PyTorch (`"weight"`, `"bias"`).
    open var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// The forward pass. Every concrete module overrides it (Swift has no abstract methods).
    open func callAsFunction(_ x: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) does not override callAsFunction(_:)")
    }
}

extension Module {
    /// This module and all its descendants, depth first, with dotted names ("" for `self`), like
    /// PyTorch's `named_modules()`. Useful to find layers of one kind, e.g. to re-initialise them.
    public func namedModules() -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [("", self)]
        for (name, child) in children {
            result += child.namedModules().map { (dotted(name, $0.name), $0.module) }
        }
        return result
    }

    /// Every parameter with its full dotted name: own parameters first, then each child's, the
    /// order of PyTorch's `named_parameters()`.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { prefix, module in
            module.ownParameters.map { (dotted(prefix, $0.name), $0.tensor) }
        }
    }

    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// The number of trainable values.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Forgets accumulated gradients (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters() { p.grad = nil }
    }

    /// Sets training mode on this module and every descendant.
    public func train(_ on: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = on }
    }

    /// Inference mode: the same as `train(false)`.
    public func eval() { train(false) }
}

private func dotted(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : name.isEmpty ? prefix : "\(prefix).\(name)"
}

/// Marks a freshly initialised tensor as a trainable leaf.
func parameter(_ t: Tensor) -> Tensor {
    t.requiresGrad = true
    return t
}

/// The common part of Linear and the convolutions: a weight, an optional bias, both drawn by one
/// `Initialiser` for units that each see `fanIn` inputs.
public class WeightedLayer: Module {
    public let weight: Tensor
    public let bias: Tensor?

    init(weightShape: [Int], biasCount: Int?, fanIn: Int, initialiser: Initialiser,
         using rng: inout RandomGenerator) {
        weight = parameter(initialiser.weight(weightShape, fanIn: fanIn, using: &rng))
        bias = biasCount.map { parameter(initialiser.bias($0, fanIn: fanIn, using: &rng)) }
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
