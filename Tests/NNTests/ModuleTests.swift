import Autograd
import Testing
@testable import NN

extension NNTests {
    @Suite struct ModuleNames {
        @Test func sequentialNamesMatchPyTorch() {
            var rng = RandomGenerator(seed: 1)
            // PyTorch: nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8), nn.ReLU(), nn.Linear(8, 2))
            let model = Sequential(Conv2d(3, 8, kernelSize: 3, using: &rng), InstanceNorm2d(8), ReLU(),
                                   Linear(8, 2, using: &rng))
            #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias"])
            // 8·3·3·3 + 8 + 2·8 + 2
            #expect(model.parameterCount == 216 + 8 + 16 + 2)
            #expect(model.parameters().allSatisfy { $0.requiresGrad })
        }

        @Test func nestedSequentialAndAffineNorm() {
            var rng = RandomGenerator(seed: 2)
            let model = Sequential(
                ReflectionPad2d(1),
                Sequential(Conv2d(2, 4, kernelSize: 3, bias: false, using: &rng), InstanceNorm2d(4, affine: true)),
                ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, using: &rng))
            #expect(model.namedParameters().map(\.name) == ["1.0.weight", "1.1.weight", "1.1.bias", "2.weight", "2.bias"])
            #expect(model.namedParameters().map(\.tensor.shape) == [[4, 2, 3, 3], [4], [4], [4, 2, 3, 3], [2]])
            #expect(model.parameterCount == 72 + 4 + 4 + 72 + 2)
            #expect(model.namedModules().map(\.name) == ["", "0", "1", "1.0", "1.1", "2"])
        }

        /// A module with a named child, as DeblurGAN's ResBlock (`model.10.conv_block.1.weight`).
        final class Residual: Module {
            let block: Sequential
            init(_ block: Sequential) { self.block = block }
            override var children: [(name: String, module: Module)] { [("conv_block", block)] }
            override func callAsFunction(_ x: Tensor) -> Tensor { x + block(x) }
        }

        @Test func customChildNames() {
            var rng = RandomGenerator(seed: 3)
            let res = Residual(Sequential(ReflectionPad2d(1), Conv2d(2, 2, kernelSize: 3, using: &rng)))
            let model = Sequential(ReLU(), res)
            #expect(model.namedParameters().map(\.name) == ["1.conv_block.1.weight", "1.conv_block.1.bias"])
            let y = model(Tensor.ones([1, 2, 4, 4]))
            #expect(y.shape == [1, 2, 4, 4])
        }

        /// DeblurGAN's ResNet generator, built as the official code does (REFERENCES.md): its names
        /// and its parameter count must be those of the released state_dict.
        @Test func deblurGANGeneratorMatchesTheReleasedStateDict() {
            final class Generator: Module {
                let model: Sequential
                init(_ model: Sequential) { self.model = model }
                override var children: [(name: String, module: Module)] { [("model", model)] }
                override func callAsFunction(_ x: Tensor) -> Tensor { model(x) }
            }
            var rng = RandomGenerator(seed: 5)
            func conv(_ i: Int, _ o: Int, _ k: Int, stride: Int = 1, padding: Int = 0) -> Conv2d {
                Conv2d(i, o, kernelSize: k, stride: stride, padding: padding, using: &rng)
            }
            func up(_ i: Int, _ o: Int) -> ConvTranspose2d {
                ConvTranspose2d(i, o, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, using: &rng)
            }
            func block() -> Residual {
                Residual(Sequential(ReflectionPad2d(1), conv(256, 256, 3), InstanceNorm2d(256), ReLU(), Dropout(0.5, seed: 1),
                                    ReflectionPad2d(1), conv(256, 256, 3), InstanceNorm2d(256)))
            }
            var layers: [Module] = [ReflectionPad2d(3), conv(3, 64, 7), InstanceNorm2d(64), ReLU(),
                                    conv(64, 128, 3, stride: 2, padding: 1), InstanceNorm2d(128), ReLU(),
                                    conv(128, 256, 3, stride: 2, padding: 1), InstanceNorm2d(256), ReLU()]
            layers += (0..<9).map { _ in block() }
            layers += [up(256, 128), InstanceNorm2d(128), ReLU(), up(128, 64), InstanceNorm2d(64), ReLU(),
                       ReflectionPad2d(3), conv(64, 3, 7), Tanh()]
            let generator = Generator(Sequential(layers))

            #expect(generator.parameterCount == 11_378_179)
            let names = generator.namedParameters().map(\.name)
            #expect(names.count == 2 * (4 + 2 * 9 + 2))
            #expect(Array(names.prefix(2)) == ["model.1.weight", "model.1.bias"])
            #expect(names.contains("model.10.conv_block.1.bias") && names.contains("model.18.conv_block.6.weight"))
            #expect(Array(names.suffix(6)) == ["model.19.weight", "model.19.bias", "model.22.weight", "model.22.bias",
                                               "model.26.weight", "model.26.bias"])
            generator.eval()
            #expect(generator(Tensor.zeros([1, 3, 16, 16])).shape == [1, 3, 16, 16])
        }

        @Test func trainAndEvalReachEveryDescendant() {
            let inner = Dropout(0.5, seed: 1)
            let model = Sequential(ReLU(), Sequential(inner))
            #expect(model.isTraining && inner.isTraining)
            model.eval()
            #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
            model.train()
            #expect(model.namedModules().allSatisfy { $0.module.isTraining })
        }

        @Test func zeroGradClearsEveryGradient() {
            var rng = RandomGenerator(seed: 4)
            let model = Sequential(Linear(3, 2, using: &rng), Tanh(), Linear(2, 1, using: &rng))
            model(Tensor.ones([4, 3])).sum().backward()
            #expect(model.parameters().allSatisfy { $0.grad != nil })
            model.zeroGrad()
            #expect(model.parameters().allSatisfy { $0.grad == nil })
        }
    }
}
