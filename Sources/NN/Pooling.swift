import Autograd

/// Max pooling over k×k windows with stride k, as PyTorch's `nn.MaxPool2d(kernel_size=k)` (VGG's pooling).
public final class MaxPool2d: Module {
    public let kernelSize: Int

    public init(_ kernelSize: Int) { self.kernelSize = kernelSize }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.maxPool2d(Window(kernel: kernelSize, stride: kernelSize))
    }
}
