import Autograd
import Foundation
import NN
import Testing
@testable import DeblurGAN

@Suite struct VGG {
    /// torchvision's vgg19.features convolutions: index → (in, out).
    static let convs: [Int: (Int, Int)] = [0: (3, 64), 2: (64, 64), 5: (64, 128), 7: (128, 128), 10: (128, 256),
                                           12: (256, 256), 14: (256, 256), 16: (256, 256), 19: (256, 512)]

    /// A file shaped like the converted torchvision weights: features up to index 19 (more than
    /// VGG19Features uses) and a classifier tensor, all random.
    func writeRandomVGG(to path: String, dropping: String? = nil, reshaping: String? = nil) throws {
        var rng = RandomGenerator(seed: 4)
        var tensors: [String: Tensor] = ["classifier.0.bias": .normal([16], using: &rng)]
        for (i, (cin, cout)) in Self.convs {
            tensors["features.\(i).weight"] = .normal([cout, cin, 3, 3], std: 0.05, using: &rng)
            tensors["features.\(i).bias"] = .normal([cout], std: 0.05, using: &rng)
        }
        if let dropping { tensors[dropping] = nil }
        if let reshaping { tensors[reshaping] = .zeros([1]) }
        try SafeTensors.write(tensors, to: path)
    }

    @Test func namesFollowTorchvision() {
        var rng = RandomGenerator(seed: 0)
        let before = VGG19Features(using: &rng), after = VGG19Features(cut: .afterReLU, using: &rng)
        #expect(before.namedParameters().map(\.name) == [0, 2, 5, 7, 10, 12, 14].flatMap { ["features.\($0).weight", "features.\($0).bias"] })
        #expect(before.features.layers.count == 15 && after.features.layers.count == 16)
        #expect(before.parameters().allSatisfy { !$0.requiresGrad })
    }

    @Test func loadsARandomFileWithTorchvisionNames() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/vgg19.safetensors"
        try writeRandomVGG(to: path)
        let vgg = try VGG19Features(contentsOf: path)
        let file = try SafeTensors.read(path).tensors
        for (name, t) in vgg.namedParameters() { #expect(t.data == file[name]!.data) }
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.uniform([1, 3, 16, 12], low: -1, high: 1, using: &rng)
        #expect(withNoGrad { vgg(x) }.shape == [1, 256, 4, 3])
        // Before the ReLU features can be negative; after it they cannot.
        #expect(withNoGrad { vgg(x) }.data.contains { $0 < 0 })
        let relu = try VGG19Features(contentsOf: path, cut: .afterReLU)
        #expect(withNoGrad { relu(x) }.data.allSatisfy { $0 >= 0 })
        // ImageNet normalisation changes the input, so the features.
        let normalised = try VGG19Features(contentsOf: path, imagenetNormalisation: true)
        #expect(withNoGrad { normalised(x) }.data != withNoGrad { vgg(x) }.data)
    }

    @Test func missingOrMisshapenLayersAreClearErrors() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/bad.safetensors"
        try writeRandomVGG(to: path, dropping: "features.12.bias")
        let missing = #expect(throws: DeblurGANError.self) { try VGG19Features(contentsOf: path) }
        #expect(missing?.description.contains("missing 1: features.12.bias") == true)
        try writeRandomVGG(to: path, reshaping: "features.5.weight")
        let shape = #expect(throws: DeblurGANError.self) { try VGG19Features(contentsOf: path) }
        #expect(shape?.description.contains("features.5.weight is [1]") == true)
    }

    @Test func perceptualLossIsZeroOnlyForEqualImagesAndDifferentiable() throws {
        var rng = RandomGenerator(seed: 2)
        let loss = ContentLoss.perceptual(VGG19Features(using: &rng))
        let sharp = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, using: &rng)
        #expect(loss(sharp, sharp).item == 0)
        let restored = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, using: &rng)
        restored.requiresGrad = true
        let value = loss(restored, sharp)
        #expect(value.item > 0)
        #expect(grad(of: value, wrt: [restored])[0].data.contains { $0 != 0 })
    }

    @Test func fallbackIsStatedWhenWeightsAreAbsent() {
        let (loss, message) = ContentLoss.standard(vggWeights: "/nonexistent/vgg19.safetensors")
        #expect(loss.name == "l1")
        #expect(message.contains("L1 on pixels"))
    }
}
