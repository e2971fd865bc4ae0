import Autograd
import NN

/// ‖∇ₓf(x)‖ at each row of `points` [n, d]: the local slope of the critic. Its maximum over points
/// between the two distributions is a (lower-bound) estimate of the critic's Lipschitz constant K —
/// what weight clipping controls only indirectly, and what the gradient penalty pins to 1.
public func criticGradientNorms(_ critic: (Tensor) -> Tensor, at points: Tensor) -> [Double] {
    precondition(points.rank == 2, "gradient norms need points [n, d], got \(points.shape)")
    let x = points.detach()
    x.requiresGrad = true
    let g = grad(of: critic(x).sum(), wrt: [x])[0]
    let d = points.shape[1]
    return (0..<points.shape[0]).map { i in
        (0..<d).reduce(0.0) { $0 + Double(g.data[i * d + $1]) * Double(g.data[i * d + $1]) }.squareRoot()
    }
}

/// The norm of the gradient of the WGAN critic loss −(E_r f − E_g f) with respect to the output of
/// every Linear layer of `critic` (in order, the last one being the score itself), over the
/// batch of `real` and `fake` rows: Gulrajani et al. 2017, Fig. 1b. With weight clipping these
/// norms grow or shrink geometrically from the top layer down, so the first layers of a deep
/// clipped critic learn at exploding or vanishing rates.
///
/// The layers are run one by one so that their outputs — intermediate nodes of the graph — can be
/// named as targets of `grad(of:wrt:)`.
public func activationGradientNorms(_ critic: Sequential, real: Tensor, fake: Tensor) -> [Double] {
    precondition(real.rank == 2 && fake.rank == 2 && real.shape[1] == fake.shape[1], "real \(real.shape) and fake \(fake.shape) must be [n, d] batches")
    let n = real.shape[0]
    var x = Tensor.concat([real.detach(), fake.detach()], axis: 0)
    var outputs: [Tensor] = []
    for layer in critic.layers {
        x = layer(x)
        if layer is Linear { outputs.append(x) }
    }
    let scores = x
    let loss = -(scores.slice(axis: 0, 0..<n).mean() - scores.slice(axis: 0, n..<scores.shape[0]).mean())
    return grad(of: loss, wrt: outputs).map { g in g.data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
}
