import Autograd

/// 2-D convolution over NCHW tensors, as PyTorch's `nn.Conv2d` (square kernel, zero padding):
/// weight [out, in, k, k], bias [out].
public final class Conv2d: WeightedLayer {
    public let stride: Int
    public let padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, initialiser: Initialiser = .pytorchDefault, using rng: inout RandomGenerator) {
        self.stride = stride
        self.padding = padding
        super.init(weightShape: [outChannels, inChannels, kernelSize, kernelSize],
                   biasCount: bias ? outChannels : nil, fanIn: inChannels * kernelSize * kernelSize,
                   initialiser: initialiser, using: &rng)
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Transposed 2-D convolution, as PyTorch's `nn.ConvTranspose2d`: weight stored [in, out, k, k],
/// output size (H − 1)·stride − 2·padding + k + outputPadding.
public final class ConvTranspose2d: WeightedLayer {
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, initialiser: Initialiser = .pytorchDefault,
                using rng: inout RandomGenerator) {
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        // PyTorch computes the fan-in from weight.shape[1], which for a transposed convolution is
        // the number of *output* channels; we follow it so initial weights have PyTorch's spread.
        super.init(weightShape: [inChannels, outChannels, kernelSize, kernelSize],
                   biasCount: bias ? outChannels : nil, fanIn: outChannels * kernelSize * kernelSize,
                   initialiser: initialiser, using: &rng)
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}

/// Depthwise 2-D convolution (PyTorch's `nn.Conv2d` with `groups` = channels): each channel is
/// filtered by its own k×k kernel, stride 1, zero padding; weight [C, 1, k, k], bias [C].
/// It costs k² multiply-adds per value instead of a full convolution's k²·C, which is why
/// NAFNet and MobileNet use it for the spatial part of a block and 1×1 convolutions for the rest.
public final class DepthwiseConv2d: WeightedLayer {
    public let padding: Int

    public init(_ channels: Int, kernelSize: Int, padding: Int = 0, bias: Bool = true,
                initialiser: Initialiser = .pytorchDefault, using rng: inout RandomGenerator) {
        self.padding = padding
        super.init(weightShape: [channels, 1, kernelSize, kernelSize], biasCount: bias ? channels : nil,
                   fanIn: kernelSize * kernelSize, initialiser: initialiser, using: &rng)
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let y = depthwiseConv2d(x, weight: weight, padding: padding)
        return bias.map { y + $0.reshape([1, weight.shape[0], 1, 1]) } ?? y
    }
}
