// Instance normalisation and dropout, composed from differentiable ops (so their gradients can be
// differentiated again, as WGAN-GP needs through the DeblurGAN critic).

extension Tensor {
    /// Normalises each (sample, channel) plane of an NCHW tensor to zero mean and unit variance
    /// (biased variance, as PyTorch's InstanceNorm2d).
    public func instanceNorm(eps: Float = 1e-5) -> Tensor {
        precondition(rank == 4, "instanceNorm expects NCHW, got \(shape)")
        let centred = self - mean(axes: [2, 3], keepDims: true)
        let variance = (centred * centred).mean(axes: [2, 3], keepDims: true)
        return centred / (variance + eps).sqrt()
    }

    /// Zeroes each value with probability p and scales the rest by 1/(1−p) (inverted dropout).
    public func dropout(_ p: Float, using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        if p == 0 { return self }
        let keep = Tensor(shape: shape, data: (0..<count).map { _ in rng.nextFloat() < p ? 0 : 1 / (1 - p) })
        return self * keep
    }
}
