import Autograd
import NN

/// The block of NAFNet (Chen, Chu, Zhang & Sun 2022, "Simple Baselines for Image Restoration",
/// Fig. 3c and its `NAFBlock`), a restoration block that trains at Adam 1e-3 with no ReLU to die:
///
///     y = x + β · conv3(SCA(gate(dwconv2(conv1(LN(x))))))       spatial half
///     out = y + γ · conv5(gate(conv4(LN(y))))                    channel half (a gated MLP)
///
/// `gate` (SimpleGate) splits the channels in two halves and multiplies them: the nonlinearity is
/// a product, not a threshold, so no unit can stop passing gradient. `SCA` (simplified channel
/// attention) scales each channel by a 1×1 convolution of the channel means. conv1 and conv4
/// double the channels for the gate to halve; dwconv2 is the only spatial layer, a depthwise 3×3.
/// β and γ are per-channel and start at zero (NAFNet's init), so a new block is the identity.
/// NAFNet's dropout is 0 and left out.
public final class NAFBlock: Module {
    public let norm1: LayerNorm2d, conv1: Conv2d, conv2: DepthwiseConv2d, sca: Conv2d, conv3: Conv2d
    public let norm2: LayerNorm2d, conv4: Conv2d, conv5: Conv2d
    public let beta: Tensor, gamma: Tensor

    public init(channels c: Int, using rng: inout RandomGenerator) {
        norm1 = LayerNorm2d(c)
        conv1 = Conv2d(c, 2 * c, kernelSize: 1, using: &rng)
        conv2 = DepthwiseConv2d(2 * c, kernelSize: 3, padding: 1, using: &rng)
        sca = Conv2d(c, c, kernelSize: 1, using: &rng)
        conv3 = Conv2d(c, c, kernelSize: 1, using: &rng)
        norm2 = LayerNorm2d(c)
        conv4 = Conv2d(c, 2 * c, kernelSize: 1, using: &rng)
        conv5 = Conv2d(c, c, kernelSize: 1, using: &rng)
        beta = Tensor(shape: [1, c, 1, 1], data: .init(repeating: 0, count: c), requiresGrad: true)
        gamma = Tensor(shape: [1, c, 1, 1], data: .init(repeating: 0, count: c), requiresGrad: true)
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] { [("beta", beta), ("gamma", gamma)] }

    public override var children: [(name: String, module: Module)] {
        [("norm1", norm1), ("conv1", conv1), ("conv2", conv2), ("sca", sca), ("conv3", conv3),
         ("norm2", norm2), ("conv4", conv4), ("conv5", conv5)]
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = Self.gate(conv2(conv1(norm1(x))))
        h = h * sca(h.mean(axes: [2, 3], keepDims: true))
        let y = x + conv3(h) * beta
        return y + conv5(Self.gate(conv4(norm2(y)))) * gamma
    }

    /// SimpleGate: the first half of the channels times the second.
    static func gate(_ x: Tensor) -> Tensor {
        let half = x.shape[1] / 2
        return x.slice(axis: 1, 0..<half) * x.slice(axis: 1, half..<(2 * half))
    }
}
