import Autograd
import Foundation
import Testing
@testable import Imaging

@Suite struct KernelFieldTests {
    static let field = SpatiallyVaryingBlur(kernels: [
        [.identity, Kernel.linearMotion(length: 5, angle: 0), Kernel.gaussian(sigma: 1)],
        [Kernel.disc(radius: 2), Kernel.linearMotion(length: 7, angle: 45), .identity],
        [Kernel.linearMotion(length: 4, angle: 90), Kernel.gaussian(sigma: 0.7), Kernel.disc(radius: 1.5)],
    ])

    @Test func localKernelReproducesTheBlurAtEveryInteriorPixel() {
        var rng = RandomGenerator(seed: 9)
        let h = 40, w = 36
        let image = Image(channels: 1, height: h, width: w) { _, _, _ in rng.nextFloat() }
        let blurred = Self.field.apply(to: image)
        for (y, x) in [(6, 6), (17, 23), (20, 18), (33, 29), (9, 30)] {
            let k = Self.field.localKernel(y: y, x: x, imageHeight: h, imageWidth: w)
            let cy = k.height / 2, cx = k.width / 2
            var direct = 0.0   // Σ k(i, j) · I(y + cy − i, x + cx − j), as Image.convolved defines it
            for i in 0..<k.height { for j in 0..<k.width {
                direct += Double(k[i, j]) * Double(image[0, y + cy - i, x + cx - j])
            } }
            #expect(abs(direct - Double(blurred[0, y, x])) < 1e-5, "pixel (\(y), \(x))")
            #expect(abs(k.sum - 1) < 1e-5)
        }
    }

    @Test func localKernelAtANodeIsThatNodesKernel() {
        let k = Self.field.localKernel(y: 0, x: 35, imageHeight: 40, imageWidth: 36)
        #expect(k == Kernel.gaussian(sigma: 1))
        let centre = Self.field.localKernel(y: 19, x: 17, imageHeight: 39, imageWidth: 35)
        #expect(centre == Kernel.linearMotion(length: 7, angle: 45))
    }

    @Test func pictureDimsThePhotoAndDrawsKernels() {
        let photo = Image(channels: 1, height: 50, width: 50, value: 0.8)
        let field = SpatiallyVaryingBlur(kernels: [[.identity]])
        let pic = field.picture(over: photo, cells: 1, zoom: 3, dim: 0.5, color: (1, 0, 0))
        #expect(pic.channels == 3 && pic.height == 50 && pic.width == 50)
        // away from the kernel: the dimmed photo
        #expect(abs(pic[0, 2, 2] - 0.4) < 1e-6 && abs(pic[2, 2, 2] - 0.4) < 1e-6)
        // the identity kernel drawn as one 3 × 3 block of full colour at the centre (25, 25)
        for y in 24...26 { for x in 24...26 {
            #expect(pic[0, y, x] == 1 && pic[1, y, x] == 0 && pic[2, y, x] == 0)
        } }
        #expect(abs(pic[1, 23, 25] - 0.4) < 1e-6 && abs(pic[1, 27, 25] - 0.4) < 1e-6)
    }
}
