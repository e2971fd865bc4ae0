import Testing
@testable import Autograd

// One line per op: its gradient against central finite differences (tinygrad's helper_test_op
// pattern, with finite differences as the reference).

@Suite struct OpGradients {
    @Test func add() { checkGradient([[3, 4], [3, 4]]) { $0[0] + $0[1] } }
    @Test func addBroadcast() { checkGradient([[2, 3, 4], [3, 1]]) { $0[0] + $0[1] } }
    @Test func sub() { checkGradient([[3, 4], [4]]) { $0[0] - $0[1] } }
    @Test func mul() { checkGradient([[2, 3], [2, 3]]) { $0[0] * $0[1] } }
    @Test func mulBroadcastBothWays() { checkGradient([[2, 1, 4], [3, 1]]) { $0[0] * $0[1] } }
    @Test func div() { checkGradient([[2, 3], [2, 3]], low: 0.5, high: 2) { $0[0] / $0[1] } }
    @Test func negate() { checkGradient([[5]]) { -$0[0] } }
    @Test func scalarOps() { checkGradient([[4]], low: 0.5, high: 2) { 3 * $0[0] - 1 + 2 / $0[0] } }
    @Test func pow() { checkGradient([[6]], low: 0.5, high: 2) { $0[0].pow(2.5) } }
    @Test func exp() { checkGradient([[6]]) { $0[0].exp() } }
    @Test func log() { checkGradient([[6]], low: 0.5, high: 3) { $0[0].log() } }
    @Test func sqrt() { checkGradient([[6]], low: 0.5, high: 3) { $0[0].sqrt() } }
    @Test func abs() { checkGradient([[6]]) { $0[0].abs() } }
    @Test func clamp() { checkGradient([[12]], low: -2, high: 2) { $0[0].clamp(-1, 1) } }
    @Test func maximum() { checkGradient([[8], [8]]) { Tensor.maximum($0[0], $0[1]) } }
    @Test func minimum() { checkGradient([[8], [8]]) { Tensor.minimum($0[0], $0[1]) } }
    @Test func relu() { checkGradient([[10]]) { $0[0].relu() } }
    @Test func leakyRelu() { checkGradient([[10]]) { $0[0].leakyRelu(0.2) } }
    @Test func sigmoid() { checkGradient([[10]], low: -4, high: 4) { $0[0].sigmoid() } }
    @Test func tanh() { checkGradient([[10]], low: -3, high: 3) { $0[0].tanh() } }
    @Test func softplus() { checkGradient([[10]], low: -5, high: 5) { $0[0].softplus() } }
    @Test func logSigmoid() { checkGradient([[10]], low: -5, high: 5) { $0[0].logSigmoid() } }
    @Test func bceWithLogits() {
        checkGradient([[6], [6]], low: -3, high: 3) { binaryCrossEntropy(logits: $0[0], targets: ($0[1] + 3) / 6) }
    }
    @Test func sumAxes() { checkGradient([[2, 3, 4]]) { $0[0].sum(axes: [0, 2]) } }
    @Test func sumKeepDims() { checkGradient([[2, 3, 4]]) { $0[0].sum(axis: 1, keepDims: true) } }
    @Test func mean() { checkGradient([[3, 5]]) { $0[0].mean(axis: -1) } }
    @Test func maxAxis() { checkGradient([[3, 5]]) { $0[0].max(axis: 1) } }
    @Test func expand() { checkGradient([[3, 1]]) { $0[0].expand(to: [2, 3, 4]) } }
    @Test func reshape() { checkGradient([[2, 6]]) { $0[0].reshape([3, 4]) * $0[0].reshape([3, 4]) } }
    @Test func permute() { checkGradient([[2, 3, 4]]) { $0[0].permute([2, 0, 1]) } }
    @Test func slice() { checkGradient([[3, 5]]) { $0[0].slice(axis: 1, 1..<4) } }
    @Test func padded() { checkGradient([[3, 2]]) { $0[0].padded(axis: 0, before: 1, after: 2) } }
    @Test func concat() { checkGradient([[2, 3], [2, 1]]) { Tensor.concat([$0[0], $0[1]], axis: 1) } }
    @Test func stack() { checkGradient([[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], axis: 1) } }
    @Test func matmul2D() { checkGradient([[3, 4], [4, 2]]) { Autograd.matmul($0[0], $0[1]) } }
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulTransposed(_ t: (Bool, Bool)) {
        checkGradient([t.0 ? [4, 3] : [3, 4], t.1 ? [2, 4] : [4, 2]]) { Autograd.matmul($0[0], $0[1], transA: t.0, transB: t.1) }
    }
    @Test func matmulBatched() { checkGradient([[2, 3, 4], [2, 4, 5]]) { Autograd.matmul($0[0], $0[1]) } }
    @Test func matmulSharedWeight() { checkGradient([[3, 4], [2, 4, 5]]) { Autograd.matmul($0[0], $0[1]) } }
    @Test func conv2d() {
        checkGradient([[2, 3, 5, 6], [4, 3, 3, 3], [4]]) { Autograd.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 1, padding: 1) }
    }
    @Test func conv2dStrided() {
        checkGradient([[1, 2, 7, 7], [3, 2, 4, 4], [3]]) { Autograd.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 2) }
    }
    @Test func convTranspose2d() {
        checkGradient([[2, 3, 4, 4], [3, 2, 3, 3], [2]]) {
            Autograd.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1)
        }
    }
    @Test func reflectionPad() { checkGradient([[1, 2, 4, 5]]) { $0[0].reflectionPad2d(top: 1, bottom: 2, left: 3, right: 1) } }
    @Test func maxPool() { checkGradient([[1, 2, 4, 6]]) { $0[0].maxPool2d(Window(kernel: 2, stride: 2)) } }
    @Test func avgPool() { checkGradient([[1, 2, 5, 5]]) { $0[0].avgPool2d(Window(kernel: 3, stride: 2, padding: 1)) } }
    @Test func instanceNorm() { checkGradient([[2, 3, 4, 4]]) { $0[0].instanceNorm() } }
    @Test func dropout() {
        checkGradient([[20]]) { x in var rng = RandomGenerator(seed: 5); return x[0].dropout(0.5, using: &rng) }
    }
}
