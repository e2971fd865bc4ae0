import ArgumentParser
import Autograd
import CBLAS
import DeblurGAN
import Foundation
import GANKit
import NN

// The course's speed, measured in release mode. Workload names follow ../shared/bench/torch_ref.py
// where the same work exists there, so the two outputs can be joined on (workload, threads).

struct Workload {
    let name: String
    let flops: Double?
    let note: (Double) -> String
    let run: () -> Void
}

/// Median wall time in ms of `reps` runs after `warmup` unmeasured ones (torch_ref.py does the same).
func medianMs(warmup: Int = 2, reps: Int = 7, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    for _ in 0..<reps {
        let t = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
    }
    return times.sorted()[reps / 2]
}

func workloads() -> [Workload] {
    var rng = RandomGenerator(seed: 0)
    var list: [Workload] = []

    let n = 1024
    let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
    let gemmFlops = 2 * pow(Double(n), 3)
    let gflops: (Double) -> String = { ms in String(format: "%.1f GFLOP/s", gemmFlops / ms / 1e6) }
    list.append(Workload(name: "gemm1024", flops: gemmFlops, note: gflops) { _ = matmul(a, b) })
    var c = [Float](repeating: 0, count: n * n)
    list.append(Workload(name: "gemm1024_openblas_direct", flops: gemmFlops, note: gflops) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                    a.data, Int32(n), b.data, Int32(n), 0, &c, Int32(n))
    })

    // 100 additions and the backward pass through them: 201 ops of per-op overhead.
    let u = Tensor.normal([4], using: &rng)
    u.requiresGrad = true
    list.append(Workload(name: "tiny_op_chain_100", flops: nil, note: { ms in String(format: "%.2f us/op (fwd+bwd)", ms * 1e3 / 201) }) {
        var y = u
        for _ in 0..<100 { y = y + u }
        u.grad = nil
        y.sum().backward()
    })

    // One critic step of each toy GAN on 8-Gaussian-sized data, as torch_ref.py: 2→512→512→512 MLPs, batch 256.
    let G = mlp([2, 512, 512, 512, 2], using: &rng), D = mlp([2, 512, 512, 512, 1], using: &rng)
    let optD = Adam(parameters: D.parameters(), learningRate: 1e-4, betas: (0.5, 0.9))
    let real = Tensor.normal([256, 2], using: &rng)
    for (name, loss) in [("toy_wgangp_critic_step", GANLoss.wganGP(lambda: 10)), ("toy_nsgan_d_step", .nonSaturating)] {
        var stepRng = rng.split()
        list.append(Workload(name: name, flops: nil, note: { _ in "" }) {
            let fake = withNoGrad { G(Tensor.normal([256, 2], using: &stepRng)) }
            let l = loss.discriminatorLoss({ D($0) }, real: real, fake: fake, using: &stepRng).loss
            optD.zeroGrad(); l.backward(); optD.step()
        })
    }

    // DeblurGAN's networks, as torch_ref.py: the generator's forward + backward of sum(G(x)), and one
    // WGAN-GP critic step (Adam, β = (0.5, 0.999), penalty on per-sample interpolates, λ = 10).
    for (tag, width, blocks, shape) in [("full", 64, 9, [1, 3, 256, 256]), ("small", 16, 6, [4, 3, 64, 64])] {
        let g = ResnetGenerator(ngf: width, blocks: blocks, using: &rng)
        let x = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
        list.append(Workload(name: "gen_\(tag)_fwd_bwd", flops: nil, note: { _ in "" }) {
            g.zeroGrad()
            g(x).sum().backward()
        })
        let d = PatchCritic(ndf: width, using: &rng)
        let opt = Adam(parameters: d.parameters(), learningRate: 1e-4, betas: (0.5, 0.999))
        let r = Tensor.uniform(shape, using: &rng), f = Tensor.uniform(shape, using: &rng)
        var penaltyRng = rng.split()
        list.append(Workload(name: "critic_\(tag)_wgangp_step", flops: nil, note: { _ in "" }) {
            let loss = d(f).mean() - d(r).mean() + 10 * gradientPenalty({ d($0) }, real: r, fake: f, using: &penaltyRng)
            opt.zeroGrad(); loss.backward(); opt.step()
        })
    }

    // One ResBlock-sized convolution: 3×3, 256 → 256 channels, 64×64, forward + backward.
    let x = Tensor.normal([1, 256, 64, 64], using: &rng)
    let w = Tensor.normal([256, 256, 3, 3], std: 0.02, using: &rng)
    x.requiresGrad = true; w.requiresGrad = true
    let convFlops = 3 * 2 * Double(256 * 256 * 9 * 64 * 64)
    list.append(Workload(name: "conv3x3_256ch_64px_fwd_bwd", flops: convFlops,
                         note: { ms in String(format: "%.1f GFLOP/s effective", convFlops / ms / 1e6) }) {
        _ = grad(of: conv2d(x, weight: w, padding: 1).sum(), wrt: [x, w])
    })
    return list
}

@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmarks",
        abstract: "Times the engine's workloads (median of 7 after 2 warm-ups) at each thread count.")

    @Option(help: "Comma-separated thread counts.") var threads = "1,2"
    @Option(help: "Also write the results as CSV (workload,threads,ms,note).") var csv: String?
    @Option(help: "Only these comma-separated workloads.") var only: String?

    func validate() throws {
        guard threadCounts.count == threads.split(separator: ",").count, threadCounts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--threads takes positive integers separated by commas, got '\(threads)'")
        }
    }

    var threadCounts: [Int] { threads.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        let selected = only.map { Set($0.split(separator: ",").map(String.init)) }
        let all = workloads()
        if let selected, let unknown = selected.first(where: { name in !all.contains { $0.name == name } }) {
            throw ValidationError("unknown workload '\(unknown)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        print("# OpenBLAS core: \(Engine.blasCoreName)")
        var rows = ["workload,threads,ms,note"]
        for t in threadCounts {
            Engine.setThreads(t)
            for w in all where selected?.contains(w.name) ?? true {
                let ms = medianMs(w.run)
                let note = w.note(ms)
                print(w.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " threads=%d  %10.3f ms  ", t, ms) + note)
                rows.append("\(w.name),\(t),\(String(format: "%.3f", ms)),\(note)")
            }
        }
        if let csv { try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8) }
    }
}
