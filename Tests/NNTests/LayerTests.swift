import Autograd
import Testing
@testable import NN

extension NNTests {
    @Suite struct Layers {
        @Test func linearMatchesHandComputedValues() {
            var rng = RandomGenerator(seed: 1)
            let layer = Linear(3, 2, using: &rng)
            layer.weight.data = [1, 2, 3, -1, 0, 1]  // [[1, 2, 3], [-1, 0, 1]]
            layer.bias!.data = [0.5, -0.5]
            let y = layer(Tensor(shape: [2, 3], data: [1, 1, 1, 2, 0, -1]))
            // row 1: [1+2+3, -1+0+1] + b = [6.5, -0.5]; row 2: [2+0-3, -2+0-1] + b = [-0.5, -3.5]
            #expect(y.shape == [2, 2])
            #expect(y.data == [6.5, -0.5, -0.5, -3.5])
        }

        @Test func conv2dMatchesNaiveLoop() {
            var rng = RandomGenerator(seed: 2)
            let (n, c, o, h, w, k, s, p) = (2, 3, 4, 5, 4, 3, 2, 1)
            let layer = Conv2d(c, o, kernelSize: k, stride: s, padding: p, using: &rng)
            let x = Tensor.normal([n, c, h, w], using: &rng)
            let y = layer(x)
            let (oh, ow) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
            #expect(y.shape == [n, o, oh, ow])
            var expected = [Float](repeating: 0, count: n * o * oh * ow)
            for b in 0..<n { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
                var acc = layer.bias!.data[oc]
                for ic in 0..<c { for ky in 0..<k { for kx in 0..<k {
                    let (iy, ix) = (oy * s - p + ky, ox * s - p + kx)
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    acc += layer.weight.data[((oc * c + ic) * k + ky) * k + kx] * x.data[((b * c + ic) * h + iy) * w + ix]
                } } }
                expected[((b * o + oc) * oh + oy) * ow + ox] = acc
            } } } }
            #expect(maxDifference(y.data, expected) < 1e-5)
        }

        @Test func convTranspose2dMatchesNaiveScatter() {
            var rng = RandomGenerator(seed: 3)
            let (n, cin, cout, h, w, k, s, p, op) = (2, 3, 2, 3, 4, 3, 2, 1, 1)
            let layer = ConvTranspose2d(cin, cout, kernelSize: k, stride: s, padding: p, outputPadding: op, using: &rng)
            #expect(layer.weight.shape == [cin, cout, k, k])
            let x = Tensor.normal([n, cin, h, w], using: &rng)
            let y = layer(x)
            let (oh, ow) = ((h - 1) * s - 2 * p + k + op, (w - 1) * s - 2 * p + k + op)
            #expect(y.shape == [n, cout, oh, ow] && oh == 2 * h && ow == 2 * w)
            // Each input value is spread over the output through the kernel, then the bias added.
            var expected = [Float](repeating: 0, count: n * cout * oh * ow)
            for b in 0..<n { for ic in 0..<cin { for iy in 0..<h { for ix in 0..<w {
                let v = x.data[((b * cin + ic) * h + iy) * w + ix]
                for oc in 0..<cout { for ky in 0..<k { for kx in 0..<k {
                    let (oy, ox) = (iy * s - p + ky, ix * s - p + kx)
                    guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
                    expected[((b * cout + oc) * oh + oy) * ow + ox] += v * layer.weight.data[((ic * cout + oc) * k + ky) * k + kx]
                } } }
            } } } }
            for i in expected.indices { expected[i] += layer.bias!.data[(i / (oh * ow)) % cout] }
            #expect(maxDifference(y.data, expected) < 1e-5)
        }

        @Test func instanceNormGivesZeroMeanUnitVariancePerPlane() {
            var rng = RandomGenerator(seed: 4)
            let x = Tensor.normal([2, 3, 4, 5], mean: 3, std: 2, using: &rng)
            let y = InstanceNorm2d(3)(x)
            for plane in 0..<6 {
                let (mean, std) = meanAndStd(Array(y.data[(plane * 20)..<((plane + 1) * 20)]))
                #expect(abs(mean) < 1e-5)
                #expect(abs(std - 1) < 1e-3)  // biased variance + eps 1e-5
            }
        }

        /// One group normalises each sample over all its channels and pixels, keeping the channels'
        /// relative sizes; two groups split the channels in halves.
        @Test func groupNormNormalisesEachGroupOfEachSample() {
            var rng = RandomGenerator(seed: 5)
            let x = Tensor.normal([2, 4, 3, 3], mean: 1, std: 3, using: &rng)
            for groups in [1, 2] {
                let y = GroupNorm2d(groups: groups, 4)(x)
                #expect(y.shape == x.shape)
                let size = 36 / groups
                for g in 0..<(2 * groups) {
                    let (mean, std) = meanAndStd(Array(y.data[(g * size)..<((g + 1) * size)]))
                    #expect(abs(mean) < 1e-5 && abs(std - 1) < 1e-3)
                }
            }
            let one = GroupNorm2d(groups: 1, 4)(x).data, per = InstanceNorm2d(4)(x).data
            #expect(maxDifference(one, per) > 0.1)  // not an instance norm in disguise
            #expect(Identity()(x).data == x.data)
        }

        /// LayerNorm2d normalises the channels of each pixel: a pixel (1, 3) becomes (−1, 1), then
        /// ×weight +bias; a plane that is flat stays flat (InstanceNorm would zero it).
        @Test func layerNorm2dNormalisesEachPixelOverItsChannels() {
            let norm = LayerNorm2d(2)
            let x = Tensor(shape: [1, 2, 1, 3], data: [1, 5, 0, 3, 5, 4])
            #expect(maxDifference(norm(x).data, [-1, 0, -1, 1, 0, 1]) < 1e-4)
            norm.weight.data = [2, 3]
            norm.bias.data = [1, -1]
            #expect(maxDifference(norm(x).data, [-1, 1, -1, 2, -1, 2]) < 1e-4)
            #expect(norm.namedParameters().map(\.name) == ["weight", "bias"])
        }

        @Test func depthwiseConv2dFiltersEachChannelByItsOwnKernel() {
            var rng = RandomGenerator(seed: 1)
            let conv = DepthwiseConv2d(2, kernelSize: 3, padding: 1, using: &rng)
            conv.weight.data = [0, 0, 0, 0, 1, 0, 0, 0, 0,   0, 0, 0, 1, 0, 0, 0, 0, 0]  // identity; shift right
            conv.bias!.data = [0.5, 0]
            let x = Tensor(shape: [1, 2, 1, 3], data: [1, 2, 3, 4, 5, 6])
            #expect(conv(x).data == [1.5, 2.5, 3.5, 0, 4, 5])
            #expect(conv.parameterCount == 2 * 9 + 2)
        }

        @Test func affineInstanceNormScalesAndShifts() {
            let norm = InstanceNorm2d(2, affine: true)
            norm.weight!.data = [2, 3]
            norm.bias!.data = [1, -1]
            let y = norm(Tensor(shape: [1, 2, 1, 2], data: [0, 2, 5, 1]))
            // Each plane normalises to ±1/√(1 + 1e-5) ≈ ±1, then ×weight +bias.
            #expect(maxDifference(y.data, [-1, 3, 2, -4]) < 1e-4)
        }

        @Test func dropoutIsIdentityInEvalAndInvertedInTraining() {
            let x = Tensor.ones([100, 100])
            let dropout = Dropout(0.3, seed: 5)
            dropout.eval()
            #expect(dropout(x).data == x.data)
            dropout.train()
            let y = dropout(x).data
            let zeros = y.filter { $0 == 0 }.count
            #expect(abs(Double(zeros) / 10_000 - 0.3) < 0.02)
            #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
            // Its own generator moves on: the next mask differs, and one seed gives one mask.
            #expect(dropout(x).data != y)
            #expect(Dropout(0.3, seed: 5)(x).data == y)
        }

        @Test func reflectionPadMatchesPyTorchExample() {
            // PyTorch docs: ReflectionPad2d(1) of arange(9).reshape(1, 1, 3, 3)
            let y = ReflectionPad2d(1)(Tensor(shape: [1, 1, 3, 3], data: (0..<9).map(Float.init)))
            #expect(y.shape == [1, 1, 5, 5])
            #expect(Array(y.data[0..<5]) == [4, 3, 4, 5, 4])
            #expect(Array(y.data[5..<10]) == [1, 0, 1, 2, 1])
            #expect(Array(y.data[20..<25]) == [4, 3, 4, 5, 4])
        }

        @Test func activations() {
            let x = Tensor([-2, 0, 3])
            #expect(ReLU()(x).data == [0, 0, 3])
            #expect(LeakyReLU(0.2)(x).data == [-0.4, 0, 3])
            #expect(LeakyReLU().negativeSlope == 0.01)
            #expect(maxDifference(Tanh()(x).data, [-0.9640276, 0, 0.9950548]) < 1e-6)
            #expect(maxDifference(Sigmoid()(x).data, [0.1192029, 0.5, 0.9525741]) < 1e-6)
        }
    }
}
