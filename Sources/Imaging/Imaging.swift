/// # Imaging
///
/// Everything the course needs about pictures, in plain Swift over Float32 arrays:
///
/// - `Image` — channels × height × width in [0, 1]; crop, random crop, flip, BT.601 grayscale,
///   area/bilinear resize; `tensor()` / `Image(tensor:)` / `Image.batch` to and from [−1, 1] tensors.
/// - `PNG` — read (any colour type, 1–16 bits, alpha composited on white) and atomic write
///   (8- or 16-bit gray/RGB) through libpng's simplified API; every bad file is an `ImagingError`.
/// - `Kernel` — blur kernels: `linearMotion`, `disc`, `gaussian`, and camera shake from
///   `CameraShake` (Boracchi & Foi 2012 trajectories, as in DeblurGAN).
/// - `Image.convolved(with:boundary:method:)` — per-channel convolution, direct or FFTW;
///   `SpatiallyVaryingBlur` for non-uniform blur k(M); Gaussian and Poisson noise.
/// - `Deconvolution.wiener` and `Deconvolution.richardsonLucy` — non-blind baselines.
/// - `Metrics.psnr`, `Metrics.ssim` — Wang et al. 2004 SSIM, checked against scikit-image.
/// - `BlurPatchDataset` — seeded (blurred, sharp) patch pairs for DeblurGAN.
///
/// The blur model of lesson 1:  I_B = k(M) ∗ I_S + N.
public enum Imaging {
    /// The course photos' folder relative to the package root.
    public static let dataFolder = "Data"
}
