import ArgumentParser
import Autograd
import CBLAS
import DeblurGAN
import Foundation
import GANKit
import NN

// The course's speed, measured in release mode. Workload names follow Benchmarks/torch_ref.py (a
// copy of the shared reference script) where the same work exists there, so the two outputs can
// be joined on (workload, threads).

/// A named workload. `prepare` builds its tensors and models (only for selected workloads, so a
/// run of one workload holds only that workload's memory) and returns the step that is timed.
struct Workload {
    let name: String
    var note: (Double) -> String = { _ in "" }
    let prepare: (inout RandomGenerator) -> () -> Void
}

/// Median wall time in ms of `reps` runs after `warmup` unmeasured ones (torch_ref.py does the same).
/// Median of `reps` timed runs after at least `warmup` runs and `warmupSeconds` of running: a
/// fresh process's second core takes ~0.1 s to join in (measured: gemm1024 at 2 threads ran at
/// one thread's speed for its first 90 ms, then at twice it), a long-running lesson's does not.
func medianMs(warmup: Int = 2, warmupSeconds: Double = 0.25, reps: Int = 7, _ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    var runs = 0
    while runs < warmup || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < warmupSeconds {
        body(); runs += 1
    }
    var times: [Double] = []
    for _ in 0..<reps {
        let t = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
    }
    return times.sorted()[reps / 2]
}

func gflops(_ flops: Double, _ suffix: String = "") -> (Double) -> String {
    { ms in String(format: "%.1f GFLOP/s", flops / ms / 1e6) + suffix }
}

/// Every workload, in torch_ref.py's order where it has them.
func allWorkloads() -> [Workload] {
    let n = 1024
    let gemmFlops = 2 * pow(Double(n), 3)
    let convFlops = 3 * 2 * Double(256 * 256 * 9 * 64 * 64)
    return [
    Workload(name: "gemm1024", note: gflops(gemmFlops)) { rng in
        let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
        return { _ = matmul(a, b) }
    },
    // 100 additions and the backward pass through them: 201 ops of per-op overhead.
    Workload(name: "tiny_op_chain_100", note: { ms in String(format: "%.2f us/op (fwd+bwd)", ms * 1e3 / 201) }) { rng in
        let u = Tensor.normal([4], using: &rng)
        u.requiresGrad = true
        return {
            var y = u
            for _ in 0..<100 { y = y + u }
            u.grad = nil
            y.sum().backward()
        }
    },
] + toyGANSteps() + deblurGANWorkloads() + recipeWorkloads() + [
    // One ResBlock-sized convolution: 3×3, 256 → 256 channels, 64×64, forward + backward.
    Workload(name: "conv3x3_256ch_64px_fwd_bwd", note: gflops(convFlops, " effective")) { rng in
        let x = Tensor.normal([1, 256, 64, 64], using: &rng)
        let w = Tensor.normal([256, 256, 3, 3], std: 0.02, using: &rng)
        x.requiresGrad = true; w.requiresGrad = true
        return { _ = grad(of: conv2d(x, weight: w, padding: 1).sum(), wrt: [x, w]) }
    },
    // OpenBLAS's sgemm called directly at the benchmark's thread count, beside the engine's own
    // (the engine keeps OpenBLAS at one thread while its own kernel does the products). Last, so
    // that OpenBLAS's threads, which spin for a while after a product, disturb no other workload.
    Workload(name: "gemm1024_openblas_direct", note: gflops(gemmFlops)) { rng in
        let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
        var c = [Float](repeating: 0, count: n * n)
        return {
            openblas_set_num_threads(Int32(Engine.threads))
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        a.data, Int32(n), b.data, Int32(n), 0, &c, Int32(n))
            if Engine.defaultGEMM == .avx512 { openblas_set_num_threads(1) }
        }
    },
    ]
}

/// One critic step of each toy GAN on 8-Gaussian-sized data, as torch_ref.py: 2→512→512→512 MLPs, batch 256.
func toyGANSteps() -> [Workload] {
    [("toy_wgangp_critic_step", GANLoss.wganGP(lambda: 10)), ("toy_nsgan_d_step", .nonSaturating)].map { name, loss in
        Workload(name: name) { rng in
            let G = mlp([2, 512, 512, 512, 2], using: &rng), D = mlp([2, 512, 512, 512, 1], using: &rng)
            let optD = Adam(parameters: D.parameters(), learningRate: 1e-4, betas: (0.5, 0.9))
            let real = Tensor.normal([256, 2], using: &rng)
            var stepRng = rng.split()
            return {
                let fake = withNoGrad { G(Tensor.normal([256, 2], using: &stepRng)) }
                let l = loss.discriminatorLoss({ D($0) }, real: real, fake: fake, using: &stepRng).loss
                optD.zeroGrad(); l.backward(); optD.step()
            }
        }
    }
}

/// DeblurGAN's networks, as torch_ref.py: the generator's forward + backward of sum(G(x)), and one
/// WGAN-GP critic step (Adam, β = (0.5, 0.999), penalty on per-sample interpolates, λ = 10).
func deblurGANWorkloads() -> [Workload] {
    let sizes = [("full", 64, 9, [1, 3, 256, 256]), ("small", 16, 6, [4, 3, 64, 64])]
    return sizes.map { tag, width, blocks, shape in
        Workload(name: "gen_\(tag)_fwd_bwd") { rng in
            let g = ResnetGenerator(ngf: width, blocks: blocks, using: &rng)
            let x = Tensor.uniform(shape, low: -1, high: 1, using: &rng)
            return { g.zeroGrad(); g(x).sum().backward() }
        }
    } + sizes.map { tag, width, _, shape in
        Workload(name: "critic_\(tag)_wgangp_step") { rng in
            let d = PatchCritic(ndf: width, using: &rng)
            let opt = Adam(parameters: d.parameters(), learningRate: 1e-4, betas: (0.5, 0.999))
            let r = Tensor.uniform(shape, using: &rng), f = Tensor.uniform(shape, using: &rng)
            var penaltyRng = rng.split()
            return {
                let loss = d(f).mean() - d(r).mean() + 10 * gradientPenalty({ d($0) }, real: r, fake: f, using: &penaltyRng)
                opt.zeroGrad(); loss.backward(); opt.step()
            }
        }
    }
}

/// One training step of the deblurgan lesson's recipe (`DeblurGANConfig.lesson`: ngf 16, 3 blocks,
/// no normalisation or dropout, batch 4 of 64², Adam 1e-3) on a fixed batch, as torch_recipe.py:
/// the content-only step of the first 90 % of a run, and the adversarial step of the rest (one
/// WGAN-GP critic update, then the generator's content + 0.1·adversarial loss); and the content
/// step with NAFNet's blocks (`long-naf`).
func recipeWorkloads() -> [Workload] {
    [("recipe_content_step", true, GeneratorBlock.resnet), ("recipe_adversarial_step", false, .resnet),
     ("recipe_naf_content_step", true, .naf)].map { name, contentOnly, block in
        Workload(name: name, note: { ms in String(format: "%.0f steps/min", 60_000 / ms) }) { rng in
            var config = DeblurGANConfig.lesson
            config.block = block
            config.steps = 1_000_000
            config.contentOnlySteps = contentOnly ? config.steps : 0
            let pair = (Tensor.uniform([4, 3, 64, 64], low: -1, high: 1, using: &rng), Tensor.uniform([4, 3, 64, 64], low: -1, high: 1, using: &rng))
            let trainer = DeblurGANTrainer(config: config, content: .l1, seed: 1, batches: { _ in pair })
            return { _ = try! trainer.trainStep() }
        }
    }
}

@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmarks",
        abstract: "Times the engine's workloads (median of 7 after at least 2 warm-ups and 0.25 s) at each thread count.")

    @Option(help: "Comma-separated thread counts.") var threads = "1,2"
    @Option(help: "Also write the results as CSV (workload,threads,ms,note).") var csv: String?
    @Option(help: "Only these comma-separated workloads.") var only: String?
    @Flag(help: "Print the (selected) workload names and exit.") var list = false

    func validate() throws {
        guard threadCounts.count == threads.split(separator: ",").count, threadCounts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--threads takes positive integers separated by commas, got '\(threads)'")
        }
        let known = allWorkloads().map(\.name)
        if let unknown = only?.split(separator: ",").map(String.init).first(where: { !known.contains($0) }) {
            throw ValidationError("unknown workload '\(unknown)'; known: \(known.joined(separator: ", "))")
        }
    }

    var threadCounts: [Int] { threads.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        let selected = allWorkloads().filter { w in only.map { Set($0.split(separator: ",").map(String.init)).contains(w.name) } ?? true }
        if list { print(selected.map(\.name).joined(separator: "\n")); return }
        print("# GEMM: \(Engine.gemmName)")
        print("# OpenBLAS core: \(Engine.blasCoreName)")
        if let hint = coreHint() { print("# \(hint)") }
        var rows = ["workload,threads,ms,note"]
        for t in threadCounts {
            Engine.setThreads(t)
            for (i, w) in selected.enumerated() {
                var rng = RandomGenerator(seed: UInt64(i))
                let ms = medianMs(w.prepare(&rng))
                let note = w.note(ms)
                print(w.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " threads=%d  %10.3f ms  ", t, ms) + note)
                rows.append("\(w.name),\(t),\(String(format: "%.3f", ms)),\(note)")
            }
        }
        if let csv { try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8) }
    }
}

/// With `COURSE_GEMM=openblas` on a CPU with AVX-512, which OpenBLAS kernels run matters more
/// than anything else: on a Zen 5 its AVX-512 "Cooperlake" kernels run sgemm about twice as fast
/// as its AVX2 "Haswell" ones (measured). The course never overrides the choice; it says when the
/// AVX2 kernels run on a CPU with AVX-512, and whether the environment asked for them.
func coreHint() -> String? {
    let core = Engine.blasCoreName
    guard Engine.defaultGEMM == .openblas, ["haswell", "zen"].contains(core.lowercased()), let flags = cpuFlags(), flags.contains("avx512f") else { return nil }
    if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
        return "OPENBLAS_CORETYPE=\(forced) is set: AVX2 kernels on a CPU with AVX-512 (unset it to let OpenBLAS choose)"
    }
    return "OpenBLAS picked \(core) on a CPU with AVX-512; OPENBLAS_CORETYPE=SkylakeX may be faster"
}

/// The CPU's feature flags from /proc/cpuinfo (read line by line: procfs files report size 0,
/// which whole-file readers take at its word).
func cpuFlags() -> Set<Substring>? {
    guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>? = nil, capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0, let line {
        let text = String(cString: line)
        if text.hasPrefix("flags") { return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })) }
    }
    return nil
}
