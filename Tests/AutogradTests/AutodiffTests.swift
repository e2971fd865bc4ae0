import Testing
@testable import Autograd

@Suite struct Autodiff {
    @Test func backwardAccumulatesIntoLeaves() {
        let x = Tensor([1, 2, 3]); x.requiresGrad = true
        (x * x).sum().backward()
        #expect(x.grad?.data == [2, 4, 6])
        (x * 3).sum().backward()
        #expect(x.grad?.data == [5, 7, 9])
        #expect(x.grad?.requiresGrad == false, "gradients from backward() carry no graph")
    }

    @Test func reusedNodeGetsSummedGradient() {
        let x = Tensor([2]); x.requiresGrad = true
        let y = x * x
        let z = y * y + y   // x⁴ + x², dz/dx = 4x³ + 2x = 36
        #expect(grad(of: z.sum(), wrt: [x])[0].data == [36])
    }

    @Test func noGradAndDetachCutTheGraph() {
        let x = Tensor([1, 2]); x.requiresGrad = true
        let y = withNoGrad { x * 2 }
        #expect(!y.requiresGrad)
        #expect(!(x.detach() * 2).requiresGrad)
        #expect(grad(of: (x * x.detach()).sum(), wrt: [x])[0].data == [1, 2])
    }

    @Test func gradOfUnrelatedInputIsZero() {
        let x = Tensor([1, 2]), u = Tensor([5]); x.requiresGrad = true; u.requiresGrad = true
        let g = grad(of: x.sum(), wrt: [x, u])
        #expect(g[1].data == [0])
    }

    @Test func valueAndGradLikeMLX() {
        let f = valueAndGrad { args in (args[0] * args[1]).sum() }
        let (v, g) = f([Tensor([1, 2]), Tensor([3, 4])])
        #expect(v.item == 11)
        #expect(g[0].data == [3, 4] && g[1].data == [1, 2])
        #expect(Autograd.grad({ $0.square().sum() })(Tensor([3])).data == [6])
    }

    @Test func secondDerivativeOfCube() {
        let x = Tensor([2]); x.requiresGrad = true
        let dy = grad(of: x.pow(3).sum(), wrt: [x], createGraph: true)[0]   // 3x² = 12
        #expect(dy.data == [12] && dy.requiresGrad)
        let d2y = grad(of: dy.sum(), wrt: [x])[0]                              // 6x = 12
        #expect(d2y.data == [12])
    }

    @Test func seededGeneratorsRepeat() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let x = Tensor.normal([100], using: &a)
        #expect(x.data == Tensor.normal([100], using: &b).data)
        #expect(x.data != Tensor.normal([100], using: &c).data)
        let m = x.data.reduce(0, +) / 100
        #expect(Swift.abs(m) < 0.3)
    }
}
