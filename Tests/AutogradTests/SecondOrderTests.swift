import Testing
@testable import Autograd

// Gradients of gradients. checkGradient differentiates the function numerically, and the function
// itself takes a gradient with createGraph: true, so every VJP is checked as a differentiable op.

/// x ↦ ∇ₓ Σ f(x)·r, kept in the graph.
func gradientOf(_ f: @escaping (Tensor) -> Tensor) -> (Tensor) -> Tensor {
    { x in
        var rng = RandomGenerator(seed: 7)
        let r = Tensor.uniform(f(x).shape, low: -1, high: 1, using: &rng)
        return grad(of: (f(x) * r).sum(), wrt: [x], createGraph: true)[0]
    }
}

@Suite struct SecondOrder {
    @Test func exp() { checkGradient([[5]]) { gradientOf { $0.exp() }($0[0]) } }
    @Test func log() { checkGradient([[5]], low: 0.5, high: 2) { gradientOf { $0.log() }($0[0]) } }
    @Test func sqrt() { checkGradient([[5]], low: 0.5, high: 2) { gradientOf { $0.sqrt() }($0[0]) } }
    @Test func pow() { checkGradient([[5]], low: 0.5, high: 2) { gradientOf { $0.pow(3) }($0[0]) } }
    @Test func sigmoid() { checkGradient([[5]], low: -3, high: 3) { gradientOf { $0.sigmoid() }($0[0]) } }
    @Test func tanh() { checkGradient([[5]], low: -2, high: 2) { gradientOf { $0.tanh() }($0[0]) } }
    @Test func softplus() { checkGradient([[5]], low: -3, high: 3) { gradientOf { $0.softplus() }($0[0]) } }
    @Test func div() { checkGradient([[4]], low: 0.5, high: 2) { gradientOf { 1 / $0 }($0[0]) } }
    @Test func instanceNorm() { checkGradient([[1, 2, 3, 3]]) { gradientOf { $0.instanceNorm() }($0[0]) } }
    @Test func matmul() {
        checkGradient([[3, 4], [4, 2]]) { t in gradientOf { Autograd.matmul($0, t[1]).square() }(t[0]) }
    }
    @Test func conv2d() {
        checkGradient([[1, 2, 4, 4], [2, 2, 3, 3]]) { t in gradientOf { Autograd.conv2d($0, weight: t[1], padding: 1).square() }(t[0]) }
    }
    @Test func convTranspose2d() {
        checkGradient([[1, 2, 3, 3], [2, 2, 3, 3]]) { t in
            gradientOf { Autograd.convTranspose2d($0, weight: t[1], stride: 2, padding: 1, outputPadding: 1).square() }(t[0])
        }
    }

    /// The WGAN-GP pattern: P(θ) = mean over samples of (‖∇ₓD(x)‖₂ − 1)², differentiated with respect to
    /// the critic's weights θ, for an MLP critic with LeakyReLU.
    @Test func gradientPenaltyOfMLP() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.normal([5, 2], using: &rng)
        x.requiresGrad = true
        // h small: a finite step must not carry a hidden unit across LeakyReLU's kink.
        checkGradient([[8, 2], [8], [8, 8], [8], [1, 8]], h: 1e-3) { p in
            func critic(_ x: Tensor) -> Tensor {
                var h = (Autograd.matmul(x, p[0], transB: true) + p[1]).leakyRelu(0.2)
                h = (Autograd.matmul(h, p[2], transB: true) + p[3]).leakyRelu(0.2)
                return Autograd.matmul(h, p[4], transB: true)
            }
            return penalty(critic, at: x)
        }
    }

    /// The same for a small conv critic with InstanceNorm, as the DeblurGAN critic is built.
    @Test func gradientPenaltyOfConvNet() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.normal([2, 2, 6, 6], using: &rng)
        x.requiresGrad = true
        checkGradient([[3, 2, 3, 3], [3], [1, 3, 3, 3]]) { p in
            func critic(_ x: Tensor) -> Tensor {
                let h = Autograd.conv2d(x, weight: p[0], bias: p[1], stride: 2, padding: 1).instanceNorm().leakyRelu(0.2)
                return Autograd.conv2d(h, weight: p[2], padding: 1).mean(axes: [1, 2, 3])
            }
            return penalty(critic, at: x)
        }
    }

    private func penalty(_ critic: (Tensor) -> Tensor, at x: Tensor) -> Tensor {
        let g = grad(of: critic(x).sum(), wrt: [x], createGraph: true)[0]
        let norms = (g.square().flatten().sum(axis: 1) + 1e-12).sqrt()
        return (norms - 1).square().mean()
    }
}
