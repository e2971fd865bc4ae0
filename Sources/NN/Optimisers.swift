import Autograd
import Foundation

/// Updates a fixed list of parameters from their gradients, as PyTorch's `torch.optim`.
///
/// Steps write `parameter.data` in place with plain loops and record no graph, so a module's
/// parameters stay the same objects (and keep their names) for the whole training.
/// Per-parameter state lives in named buffers ("0.exp_avg", …, PyTorch's names prefixed by the
/// parameter's index) so that `state()` / `load(state:)` can checkpoint it.
public class Optimiser {
    public let parameters: [Tensor]
    /// Mutable, so schedules (e.g. DeblurGAN's linear decay) can change it between steps.
    public var learningRate: Float
    /// Steps taken so far (Adam's bias correction uses it).
    public private(set) var stepCount = 0
    /// Buffer names, and for each name one zero-initialised tensor per parameter.
    private var buffers: [(name: String, tensors: [Tensor])]

    init(parameters: [Tensor], learningRate: Float, bufferNames: [String]) {
        precondition(Set(parameters.map(ObjectIdentifier.init)).count == parameters.count,
                     "a parameter appears twice in the optimiser's list")
        self.parameters = parameters
        self.learningRate = learningRate
        buffers = bufferNames.map { name in (name, parameters.map { Tensor.zeros(like: $0) }) }
    }

    /// One update of every parameter that has a gradient (the others are left alone, as PyTorch).
    public func step() {
        stepCount += 1
        withNoGrad {
            for (i, p) in parameters.enumerated() {
                guard let g = p.grad else { continue }
                precondition(g.shape == p.shape, "gradient shape \(g.shape) ≠ parameter shape \(p.shape)")
                let state = buffers.map { $0.tensors[i] }
                g.data.withUnsafeBufferPointer { g in
                    withMutableData([p] + state) { update(parameter: $0[0], gradient: g, state: Array($0.dropFirst())) }
                }
            }
        }
    }

    /// The rule of one optimiser for one parameter: `state` holds its buffers in `bufferNames` order.
    func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                state: [UnsafeMutableBufferPointer<Float>]) {
        preconditionFailure("\(type(of: self)) does not override update")
    }

    /// Forgets the parameters' gradients (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    /// Clamps every parameter, biases included, to [−c, c]: the original WGAN's crude way to keep
    /// the critic Lipschitz. Call after `step()`.
    public func clipParameters(to c: Float) {
        precondition(c > 0, "clip value must be positive, got \(c)")
        for p in parameters {
            p.data.withUnsafeMutableBufferPointer { x in
                for j in x.indices { x[j] = Swift.min(Swift.max(x[j], -c), c) }
            }
        }
    }

    /// The step count ("step", a 0-d tensor) and every buffer ("<parameter index>.<buffer name>").
    public func state() -> [String: Tensor] {
        var result = ["step": Tensor(Float(stepCount))]
        for (name, tensors) in buffers {
            for (i, t) in tensors.enumerated() { result["\(i).\(name)"] = t.detach() }
        }
        return result
    }

    /// Restores what `state()` returned; names and shapes must match exactly, and on any error
    /// nothing changes.
    public func load(state: [String: Tensor]) throws {
        if let step = state["step"], step.count == 1, !(Int(exactly: step.data[0]).map { $0 >= 0 } ?? false) {
            throw CheckpointError(kind: .corrupt, source: "optimiser state", problem: "step \(step.data[0]) is not a count")
        }
        let step = Tensor(0)
        var targets = [(name: "step", tensor: step)]
        for (name, tensors) in buffers {
            targets += tensors.enumerated().map { ("\($0.offset).\(name)", $0.element) }
        }
        try assign(state, to: targets, strict: true, ignoring: [], source: "optimiser state")
        stepCount = Int(step.item)
    }
}

/// Runs `body` with mutable views of the tensors' storage, all at once, without copying.
private func withMutableData(_ tensors: [Tensor], _ views: [UnsafeMutableBufferPointer<Float>] = [],
                             _ body: ([UnsafeMutableBufferPointer<Float>]) -> Void) {
    guard let first = tensors.first else { return body(views) }
    first.data.withUnsafeMutableBufferPointer { withMutableData(Array(tensors.dropFirst()), views + [$0], body) }
}

/// Stochastic gradient descent with optional momentum, PyTorch's form (no dampening):
/// buf ← μ·buf + g;  p ← p − lr·buf  (plain p ← p − lr·g when μ = 0).
public final class SGD: Optimiser {
    public let momentum: Float

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0) {
        self.momentum = momentum
        super.init(parameters: parameters, learningRate: learningRate,
                   bufferNames: momentum == 0 ? [] : ["momentum_buffer"])
    }

    override func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         state: [UnsafeMutableBufferPointer<Float>]) {
        let lr = learningRate, mu = momentum
        guard let buf = state.first else {
            for j in p.indices { p[j] -= lr * g[j] }
            return
        }
        for j in p.indices {
            buf[j] = mu * buf[j] + g[j]
            p[j] -= lr * buf[j]
        }
    }
}

/// RMSProp with PyTorch's defaults (lr 0.01, α 0.99, ε 1e-8; ε added *outside* the root):
/// v ← α·v + (1 − α)·g²;  p ← p − lr·g / (√v + ε). The original WGAN trains with it (lr 5e-5).
public final class RMSProp: Optimiser {
    public let alpha: Float
    public let eps: Float

    public init(parameters: [Tensor], learningRate: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8) {
        self.alpha = alpha
        self.eps = eps
        super.init(parameters: parameters, learningRate: learningRate, bufferNames: ["square_avg"])
    }

    override func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         state: [UnsafeMutableBufferPointer<Float>]) {
        let lr = learningRate, a = alpha, eps = eps, v = state[0]
        for j in p.indices {
            v[j] = a * v[j] + (1 - a) * g[j] * g[j]
            p[j] -= lr * g[j] / (v[j].squareRoot() + eps)
        }
    }
}

/// Adam with PyTorch's bias correction (lr 1e-3, β (0.9, 0.999), ε 1e-8 by default):
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).  DeblurGAN: lr 1e-4, β (0.5, 0.999).
public final class Adam: Optimiser {
    public let beta1: Float
    public let beta2: Float
    public let eps: Float

    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8) {
        (beta1, beta2) = betas
        self.eps = eps
        super.init(parameters: parameters, learningRate: learningRate, bufferNames: ["exp_avg", "exp_avg_sq"])
    }

    override func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         state: [UnsafeMutableBufferPointer<Float>]) {
        let (b1, b2, eps, m, v) = (beta1, beta2, eps, state[0], state[1])
        let t = Float(stepCount)
        let stepSize = learningRate / (1 - pow(b1, t))
        let rootCorrection = (1 - pow(b2, t)).squareRoot()
        for j in p.indices {
            m[j] = b1 * m[j] + (1 - b1) * g[j]
            v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
            p[j] -= stepSize * m[j] / (v[j].squareRoot() / rootCorrection + eps)
        }
    }
}
