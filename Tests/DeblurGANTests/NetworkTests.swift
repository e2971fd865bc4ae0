import Autograd
import Foundation
import NN
import Testing
@testable import DeblurGAN

/// A fixture file from Tests/DeblurGANTests/Fixtures (made by make_fixtures.py).
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
    return url.path
}

func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct Networks {
    @Test func generatorHasThePapersCountAndNames() {
        var rng = RandomGenerator(seed: 1)
        let g = ResnetGenerator(ngf: 64, blocks: 9, using: &rng)
        #expect(g.parameterCount == 11_378_179)
        let names = g.namedParameters().map(\.name)
        for name in ["model.1.weight", "model.1.bias", "model.4.weight", "model.7.bias",
                     "model.10.conv_block.1.weight", "model.10.conv_block.6.bias", "model.18.conv_block.6.weight",
                     "model.19.weight", "model.22.bias", "model.26.weight", "model.26.bias"] {
            #expect(names.contains(name), "missing \(name)")
        }
        #expect(names.count == 2 + 2 + 2 + 9 * 4 + 2 + 2 + 2)
        #expect(g.namedParameters().first { $0.name == "model.19.weight" }?.tensor.shape == [256, 128, 3, 3])
        // N(0, 0.02) weights, zero biases.
        let w = g.namedParameters().first { $0.name == "model.10.conv_block.1.weight" }!.tensor.data
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.001)
        #expect(g.namedParameters().filter { $0.name.hasSuffix("bias") }.allSatisfy { $0.tensor.data.allSatisfy { $0 == 0 } })
    }

    @Test func indicesShiftWithTheBlockCount() {
        var rng = RandomGenerator(seed: 1)
        let g = ResnetGenerator(ngf: 8, blocks: 2, using: &rng)
        let names = g.namedParameters().map(\.name)
        #expect(names.contains("model.11.conv_block.6.weight"))
        #expect(names.contains("model.12.weight"))  // first ConvTranspose right after 10 + 2 blocks
        #expect(names.last == "model.19.bias")
        #expect(g.dropouts.count == 2)
    }

    /// `zeroLastLayer`: the untrained residual generator returns its input exactly, in training
    /// mode too (dropout acts before the zero convolution), and the option changes no other weight.
    @Test func zeroLastLayerStartsAtTheIdentity() {
        var rng = RandomGenerator(seed: 5), rng2 = RandomGenerator(seed: 5)
        let g = ResnetGenerator(ngf: 4, blocks: 2, zeroLastLayer: true, using: &rng)
        let plain = ResnetGenerator(ngf: 4, blocks: 2, using: &rng2)
        let x = Tensor.uniform([2, 3, 16, 12], low: -1, high: 1, using: &rng)
        for training in [false, true] {
            g.train(training)
            #expect(withNoGrad { g(x) }.data == x.data)
        }
        let last = g.namedParameters().suffix(2)
        #expect(last.map(\.name) == ["model.19.weight", "model.19.bias"])
        #expect(last.allSatisfy { $0.tensor.data.allSatisfy { $0 == 0 } })
        for (a, b) in zip(g.namedParameters().dropLast(2), plain.namedParameters().dropLast(2)) { #expect(a.tensor.data == b.tensor.data) }
        // The gradient still reaches the last layer, so training moves away from the identity.
        g.train()
        let loss = (g(x) - x.detach() * 0.5).square().mean()
        loss.backward()
        #expect(g.namedParameters().last { $0.name == "model.19.weight" }!.tensor.grad!.data.contains { $0 != 0 })
    }

    /// `liveChannels` counts, per ReLU of the main path, the channels that fire somewhere: all of
    /// them at a fresh start, none of the last ReLU's once the transposed convolution before it
    /// has a large negative bias (the dead-unit failure of the recipe search), the others unchanged.
    @Test func liveChannelsFindADeadLastLayer() {
        var rng = RandomGenerator(seed: 8)
        let g = ResnetGenerator(ngf: 4, blocks: 1, norm: .none, using: &rng)
        let x = Tensor.uniform([2, 3, 16, 16], low: -1, high: 1, using: &rng)
        let fresh = g.liveChannels(on: x)
        #expect(fresh.map(\.layer) == [3, 6, 9, 13, 16])
        #expect(fresh.map(\.channels) == [4, 8, 16, 8, 4])
        #expect(fresh.last!.live == 4)
        let bias = g.namedParameters().first { $0.name == "model.14.bias" }!.tensor
        for i in bias.data.indices { bias.data[i] = -100 }
        let killed = g.liveChannels(on: x)
        #expect(killed.last!.live == 0)
        #expect(killed.dropLast().map(\.live) == fresh.dropLast().map(\.live))
    }

    /// `skips`: no new parameters or names, and the full-size encoder activation reaches the last
    /// convolution — with both transposed convolutions at zero, the decoder carries exactly it.
    @Test func skipsAddTheEncoderActivationsWithoutNewParameters() {
        var rng = RandomGenerator(seed: 6), rng2 = RandomGenerator(seed: 6)
        let g = ResnetGenerator(ngf: 4, blocks: 0, learnResidual: false, norm: .none, skips: true, using: &rng)
        let plain = ResnetGenerator(ngf: 4, blocks: 0, learnResidual: false, norm: .none, using: &rng2)
        #expect(g.namedParameters().map(\.name) == plain.namedParameters().map(\.name))
        for name in ["model.10.weight", "model.10.bias", "model.13.weight", "model.13.bias"] {
            let p = g.namedParameters().first { $0.name == name }!.tensor
            for i in p.data.indices { p.data[i] = 0 }
        }
        let x = Tensor.uniform([1, 3, 16, 12], low: -1, high: 1, using: &rng)
        let layers = g.model.layers
        let encoder = layers[0...3].reduce(x) { $1($0) }
        let expected = layers[16...18].reduce(encoder) { $1($0) }
        let y = withNoGrad { g(x) }
        #expect(zip(y.data, expected.data).allSatisfy { abs($0 - $1) < 1e-6 })
        // A configuration recorded before the option existed decodes as "no skips".
        var config = DeblurGANConfig.lesson
        config.skips = nil
        let json = String(decoding: try! JSONEncoder().encode(config), as: UTF8.self)
        #expect(!json.contains("skips") && DeblurGANConfig(metadata: ["config": json]) == config)
    }

    /// `scales`: no new parameters or names; at the identity start the output is the input
    /// exactly; and the output is pass(x + up(pass(down x) − down x)) with one set of weights.
    @Test func coarseToFineSharesOneNetworkOverScales() {
        var rng = RandomGenerator(seed: 9), rng2 = RandomGenerator(seed: 9)
        let g = ResnetGenerator(ngf: 4, blocks: 1, dropout: 0, norm: .none, scales: 2, using: &rng)
        let single = ResnetGenerator(ngf: 4, blocks: 1, dropout: 0, norm: .none, using: &rng2)
        #expect(g.namedParameters().map(\.name) == single.namedParameters().map(\.name))
        #expect(zip(g.parameters(), single.parameters()).allSatisfy { $0.data == $1.data })
        #expect(g.sizeMultiple == 8 && single.sizeMultiple == 4 && ResnetGenerator(ngf: 4, blocks: 0, scales: 3, using: &rng).sizeMultiple == 16)
        let x = Tensor.uniform([2, 3, 16, 24], low: -1, high: 1, using: &rng)
        let outputs = withNoGrad { g.coarseToFine(x) }
        #expect(outputs.map(\.shape) == [[2, 3, 8, 12], [2, 3, 16, 24]])
        let coarse = withNoGrad { single(downsampled2x(x)) }
        let expected = withNoGrad { single(x + upsampled2xBilinear(coarse - downsampled2x(x))) }
        #expect(outputs[0].data == coarse.data)
        #expect(maxAbsDifference(outputs[1], expected) < 1e-6)
        let again = withNoGrad { g(x) }
        #expect(again.data == outputs[1].data, "max difference \(maxAbsDifference(again, outputs[1]))")

        var rng3 = RandomGenerator(seed: 3)
        let identity = ResnetGenerator(ngf: 4, blocks: 1, zeroLastLayer: true, scales: 2, using: &rng3)
        #expect(withNoGrad { identity(x) }.data == x.data)
        // A configuration recorded before the option existed decodes as one scale.
        var config = DeblurGANConfig.lesson
        config.scales = nil
        let json = String(decoding: try! JSONEncoder().encode(config), as: UTF8.self)
        #expect(!json.contains("scales") && DeblurGANConfig(metadata: ["config": json]) == config)
    }

    /// `downsamplings`: each level doubles the channels on the way down and halves them on the way
    /// up, the blocks run at 1/2^d size on ngf·2^d channels, and the paper's network is d = 2. With
    /// skips and every transposed convolution at zero, the decoder carries exactly the full-size
    /// encoder activation through all three levels; at the identity start the output is the input.
    @Test func deeperEncoderDecoderDoublesChannelsPerLevel() {
        var rng = RandomGenerator(seed: 4), rng2 = RandomGenerator(seed: 4)
        let paper = ResnetGenerator(ngf: 4, blocks: 1, using: &rng)
        let two = ResnetGenerator(ngf: 4, blocks: 1, downsamplings: 2, using: &rng2)
        #expect(paper.namedParameters().map(\.name) == two.namedParameters().map(\.name))

        let g = ResnetGenerator(ngf: 4, blocks: 1, learnResidual: false, norm: .none, skips: true, downsamplings: 3, using: &rng)
        #expect(g.sizeMultiple == 8)
        let shapes = g.namedParameters().filter { $0.name.hasSuffix("weight") }.map(\.tensor.shape)
        #expect(shapes == [[4, 3, 7, 7], [8, 4, 3, 3], [16, 8, 3, 3], [32, 16, 3, 3], [32, 32, 3, 3], [32, 32, 3, 3],
                           [32, 16, 3, 3], [16, 8, 3, 3], [8, 4, 3, 3], [3, 4, 7, 7]])
        for m in g.namedModules().compactMap({ $0.module as? ConvTranspose2d }) {
            for p in m.parameters() { for i in p.data.indices { p.data[i] = 0 } }
        }
        let x = Tensor.uniform([1, 3, 16, 24], low: -1, high: 1, using: &rng)
        let layers = g.model.layers
        let encoder = layers[0...3].reduce(x) { $1($0) }
        let expected = layers[(layers.count - 3)...].reduce(encoder) { $1($0) }
        #expect(zip(withNoGrad { g(x) }.data, expected.data).allSatisfy { abs($0 - $1) < 1e-6 })

        let identity = ResnetGenerator(ngf: 4, blocks: 1, zeroLastLayer: true, skips: true, downsamplings: 3, using: &rng)
        #expect(withNoGrad { identity(x) }.data == x.data)
    }

    /// NAFNet's block: its layers and parameter count, the identity at start (β = γ = 0), and the
    /// first gradient reaching β and γ — the only parameters that can move the output then.
    @Test func nafBlocksStartAtTheIdentityAndLearnThroughTheirScales() {
        var rng = RandomGenerator(seed: 6)
        let block = NAFBlock(channels: 4, using: &rng)
        // conv1 4→8, dw 3×3 on 8, sca 4→4, conv3 4→4, conv4 4→8, conv5 4→4, two LayerNorms, β, γ.
        #expect(block.parameterCount == 40 + 80 + 20 + 20 + 40 + 20 + 16 + 8)
        #expect(block.namedParameters().prefix(4).map(\.name) == ["beta", "gamma", "norm1.weight", "norm1.bias"])
        let x = Tensor.uniform([2, 4, 6, 6], low: -1, high: 1, using: &rng)
        #expect(withNoGrad { block(x) }.data == x.data)
        let g = grad(of: block(x).square().sum(), wrt: [block.beta, block.gamma, block.conv3.weight])
        #expect(g[0].data.contains { $0 != 0 } && g[1].data.contains { $0 != 0 })
        #expect(g[2].data.allSatisfy { $0 == 0 })

        let generator = ResnetGenerator(ngf: 4, blocks: 2, zeroLastLayer: true, norm: .none, block: .naf, using: &rng)
        #expect(generator.model.layers[10] is NAFBlock && generator.model.layers[11] is NAFBlock)
        #expect(!generator.namedModules().contains { $0.module is ResnetBlock })
        let image = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, using: &rng)
        #expect(withNoGrad { generator(image) }.data == image.data)
        // The count of Benchmarks/torch_recipe.py's PyTorch NAF generator (groups=2c for the depthwise conv).
        #expect(ResnetGenerator(ngf: 16, blocks: 3, norm: .none, block: .naf, using: &rng).parameterCount == 143_299)
    }

    @Test func criticHasThePapersCountAndNames() {
        var rng = RandomGenerator(seed: 1)
        let d = PatchCritic(using: &rng)
        #expect(d.parameterCount == 2_764_737)
        #expect(d.namedParameters().map(\.name) == [0, 2, 5, 8, 11].flatMap { ["model.\($0).weight", "model.\($0).bias"] })
    }

    /// Official-named PyTorch weights load by name, and both networks reproduce PyTorch's outputs.
    @Test func forwardPassesMatchPyTorch() throws {
        let io = try SafeTensors.read(try fixture("io_2x3x16x12")).tensors
        var rng = RandomGenerator(seed: 0)
        let g = ResnetGenerator(ngf: 4, blocks: 1, using: &rng)
        // The file also has InstanceNorm running statistics, like the released weights.
        try Checkpoint.load(into: g, from: try fixture("generator_ngf4_b1"), ignoring: ["running_mean", "running_var"])
        g.eval()
        let d = PatchCritic(ndf: 4, using: &rng)
        try Checkpoint.load(into: d, from: try fixture("critic_ndf4_l3"))

        let x = io["input"]!
        withNoGrad {
            #expect(maxAbsDifference(g(x), io["generator_residual"]!) < 1e-4)
            #expect(maxAbsDifference(g.model(x), io["generator_plain"]!) < 1e-4)
            #expect(maxAbsDifference(d(x), io["critic"]!) < 1e-4)
        }
    }

    @Test func dropoutIsActiveOnlyInTraining() {
        var rng = RandomGenerator(seed: 3)
        let g = ResnetGenerator(ngf: 4, blocks: 1, using: &rng)
        let x = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, using: &rng)
        g.eval()
        let a = withNoGrad { g(x) }, b = withNoGrad { g(x) }
        #expect(a.data == b.data)
        g.train()
        g.reseedDropout(1); let c = withNoGrad { g(x) }
        g.reseedDropout(1); let d = withNoGrad { g(x) }
        g.reseedDropout(2); let e = withNoGrad { g(x) }
        #expect(c.data == d.data)
        #expect(c.data != e.data)
    }
}
