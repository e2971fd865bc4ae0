import Autograd

/// Halves each image plane by averaging 2×2 blocks: [N, C, H, W] → [N, C, H/2, W/2] (H, W even).
public func downsampled2x(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4 && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0, "downsampled2x needs [N, C, H, W] with H and W even, got \(x.shape)")
    return x.avgPool2d(Window(kernel: 2, stride: 2))
}

/// Doubles each image plane by bilinear interpolation, as PyTorch's `interpolate(scale_factor=2,
/// mode="bilinear", align_corners=False)` away from the edges: output pixel 2i is ¾·x[i] + ¼·x[i−1],
/// 2i+1 is ¾·x[i] + ¼·x[i+1]. That is a stride-2 transposed convolution of each plane with the
/// separable kernel (¼, ¾, ¾, ¼). Edges are mirrored (PyTorch repeats them instead), so the first
/// output pixel is ¾·x[0] + ¼·x[1]. [N, C, H, W] → [N, C, 2H, 2W], H and W at least 2.
public func upsampled2xBilinear(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4 && x.shape[2] >= 2 && x.shape[3] >= 2, "upsampled2xBilinear needs [N, C, H, W] with H, W ≥ 2, got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let taps: [Float] = [0.25, 0.75, 0.75, 0.25]
    let kernel = Tensor(shape: [1, 1, 4, 4], data: taps.flatMap { a in taps.map { a * $0 } })
    // Padding the plane by one mirrored pixel and the transposed convolution by three leaves
    // exactly 2H × 2W: (H + 1)·2 − 6 + 4.
    let planes = x.reshape([n * c, 1, h, w]).reflectionPad2d(1)
    return convTranspose2d(planes, weight: kernel, stride: 2, padding: 3).reshape([n, c, 2 * h, 2 * w])
}
