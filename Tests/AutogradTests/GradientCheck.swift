import Testing
@testable import Autograd

/// Random inputs of the given shapes, values in [low, high), each needing a gradient.
func randomInputs(_ shapes: [[Int]], low: Float = -1, high: Float = 1, seed: UInt64 = 1) -> [Tensor] {
    var rng = RandomGenerator(seed: seed)
    return shapes.map { s in
        let t = Tensor.uniform(s, low: low, high: high, using: &rng)
        t.requiresGrad = true
        return t
    }
}

/// Compares the engine's gradient of L = Σ f(x)·r (r a fixed random projection, so every output
/// element matters) with central differences, input by input, element by element.
/// The loss is accumulated in Double; h and the tolerances suit Float32 forward passes.
func checkGradient(_ shapes: [[Int]], low: Float = -1, high: Float = 1, h: Float = 1e-2,
                   rtol: Double = 2e-2, atol: Double = 2e-3, sourceLocation: SourceLocation = #_sourceLocation,
                   _ f: ([Tensor]) -> Tensor) {
    let inputs = randomInputs(shapes, low: low, high: high)
    var rng = RandomGenerator(seed: 99)
    let probe = f(inputs)
    let r = Tensor.uniform(probe.shape, low: -1, high: 1, using: &rng)
    let analytic = grad(of: (f(inputs) * r).sum(), wrt: inputs)

    func loss() -> Double {
        let y = f(inputs)  // graph recorded: f may itself take gradients (second-order checks)
        return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for (k, x) in inputs.enumerated() {
        #expect(analytic[k].shape == x.shape, "gradient shape of input \(k)", sourceLocation: sourceLocation)
        for i in 0..<x.count {
            let saved = x.data[i]
            x.data[i] = saved + h; let up = loss()
            x.data[i] = saved - h; let down = loss()
            x.data[i] = saved
            let numeric = (up - down) / Double(2 * h)
            let a = Double(analytic[k].data[i])
            #expect(abs(a - numeric) <= atol + rtol * abs(numeric),
                    "input \(k) element \(i): analytic \(a) vs numeric \(numeric)", sourceLocation: sourceLocation)
        }
    }
}
