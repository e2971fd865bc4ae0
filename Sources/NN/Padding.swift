import Autograd

/// Pads each image plane by mirroring it without repeating the edge, as PyTorch's
/// `nn.ReflectionPad2d`; DeblurGAN pads this way before its 7×7 and ResBlock convolutions to
/// avoid dark borders.
public final class ReflectionPad2d: Module {
    public let padding: Int

    public init(_ padding: Int) { self.padding = padding }

    public override func callAsFunction(_ x: Tensor) -> Tensor { x.reflectionPad2d(padding) }
}
