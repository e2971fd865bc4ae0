/// Reverse-mode differentiation. Every op result remembers its inputs and one vector–Jacobian
/// product per input (`Tensor.inputs`). To differentiate we visit the graph from the output back to
/// the leaves in reverse topological order, handing each node's gradient to its inputs' VJPs.
///
/// The VJPs are themselves written with tensor ops. With `createGraph: true` they run while the
/// graph is recorded, so the gradients they return can be differentiated again — the gradient
/// penalty of WGAN-GP differentiates ‖∇ₓD(x̂)‖ with respect to D's weights this way.

/// Whether ops record the graph. Off inside `withNoGrad` (inference, optimiser steps) and while
/// gradients are computed without `createGraph`.
public enum GradMode {
    /// Task-local (and so thread-local outside tasks): concurrent work, such as tests running in
    /// parallel, cannot switch recording off for each other.
    @TaskLocal static var recording = true

    public static var isEnabled: Bool { recording }

    static func with<T>(_ enabled: Bool, _ body: () throws -> T) rethrows -> T {
        try $recording.withValue(enabled, operation: body)
    }
}

/// Runs `body` without recording the graph.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T { try GradMode.with(false, body) }

/// The nodes that lead to `root`, every node after its inputs. Depth-first over `inputs` in their
/// order, keyed by identity, so the order — and the summation order of gradients — is reproducible.
func topologicalOrder(_ root: Tensor) -> [Tensor] {
    var order: [Tensor] = []
    var seen = Set<ObjectIdentifier>()
    var stack: [(Tensor, Int)] = [(root, 0)]
    seen.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.inputs.count {
            stack.append((node, next + 1))
            let input = node.inputs[next].tensor
            if input.requiresGrad, seen.insert(ObjectIdentifier(input)).inserted {
                stack.append((input, 0))
            }
        } else {
            order.append(node)
        }
    }
    return order
}

/// Gradients of `root` with respect to every node that needs one, restricted to nodes on a path to
/// `targets` when given (so ∇ₓD(x) does not also pay for D's weight gradients).
func backpropagate(_ root: Tensor, seed: Tensor, targets: [Tensor]?, createGraph: Bool)
    -> (order: [Tensor], grads: [ObjectIdentifier: Tensor])
{
    precondition(seed.shape == root.shape, "gradient seed shape \(seed.shape) ≠ output shape \(root.shape)")
    let order = topologicalOrder(root)
    var needed: Set<ObjectIdentifier>? = nil
    if let targets {
        var wanted = Set(targets.map(ObjectIdentifier.init))
        for node in order where node.inputs.contains(where: { wanted.contains(ObjectIdentifier($0.tensor)) }) {
            wanted.insert(ObjectIdentifier(node))  // inputs come first in `order`, so one pass suffices
        }
        needed = wanted
    }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
    GradMode.with(createGraph) {
        for node in order.reversed() {
            guard let g = grads[ObjectIdentifier(node)] else { continue }
            for (input, vjp) in node.inputs where input.requiresGrad {
                let id = ObjectIdentifier(input)
                if let needed, !needed.contains(id) { continue }
                var gi = vjp(g, node)
                // Broadcasting in the forward pass is undone here, once for every op.
                if gi.shape != input.shape { gi = gi.sum(to: input.shape) }
                grads[id] = grads[id].map { $0 + gi } ?? gi
            }
        }
    }
    return (order, grads)
}

extension Tensor {
    /// Accumulates d(self)/d(leaf) into `.grad` of every leaf that requires a gradient.
    /// `self` must hold one value unless a `gradient` of its shape is given.
    public func backward(_ gradient: Tensor? = nil) {
        let seed = gradient ?? Tensor.ones(shape)
        precondition(gradient != nil || count == 1, "backward() of a tensor with shape \(shape) needs a gradient")
        let (order, grads) = backpropagate(self, seed: seed, targets: nil, createGraph: false)
        for node in order where node.inputs.isEmpty && node.requiresGrad {
            guard let g = grads[ObjectIdentifier(node)] else { continue }
            node.grad = node.grad.map { old in withNoGrad { old + g } } ?? g
        }
    }
}

/// Gradients of the scalar `output` with respect to each of `inputs` (zeros where it does not
/// depend on one). With `createGraph` the results are part of the graph and can be differentiated
/// again, like PyTorch's `autograd.grad(..., create_graph=True)`.
public func grad(of output: Tensor, wrt inputs: [Tensor], createGraph: Bool = false) -> [Tensor] {
    precondition(output.count == 1, "grad(of:) needs a one-element output, got shape \(output.shape)")
    // Inside withNoGrad the forward pass recorded nothing, so every gradient would silently be zero.
    precondition(GradMode.isEnabled || !createGraph, "grad(of:createGraph: true) inside withNoGrad: no graph was recorded")
    let grads = backpropagate(output, seed: .ones(output.shape), targets: inputs, createGraph: createGraph).grads
    return inputs.map { grads[ObjectIdentifier($0)] ?? .zeros($0.shape) }
}

/// MLX-style: turns a scalar function of tensors into one returning its value and its gradients.
public func valueAndGrad(_ f: @escaping ([Tensor]) -> Tensor) -> ([Tensor]) -> (Tensor, [Tensor]) {
    { args in
        let leaves = args.map { a -> Tensor in let t = a.detach(); t.requiresGrad = true; return t }
        let value = f(leaves)
        return (value.detach(), grad(of: value, wrt: leaves))
    }
}

/// The gradient function of a scalar function of one tensor.
public func grad(_ f: @escaping (Tensor) -> Tensor) -> (Tensor) -> Tensor {
    { x in valueAndGrad { f($0[0]) }([x]).1[0] }
}
