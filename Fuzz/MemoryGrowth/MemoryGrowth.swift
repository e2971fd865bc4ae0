import ArgumentParser
import Autograd
import DeblurGAN
import Foundation
import Imaging

/// Does a long training run hold its memory steady? Trains DeblurGAN's quick configuration (the
/// deblurgan lesson's `--quick` networks and synthetic camera-shake batches from the course photos,
/// with a checkpoint every N steps) for 10·N steps and compares the resident memory (VmRSS) after
/// N steps, when every buffer and cache has been allocated once, with the memory after 10·N steps.
/// A leak of one tensor per step would show as growth proportional to the steps.
@main
struct MemoryGrowth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-growth",
        abstract: "Resident memory of DeblurGAN training after N and after 10·N steps; fails if it grew by more than --limit MB.",
        discussion: "Run from the repository root (it reads the photos in Data/). Exit codes: 0 within the limit, 1 over it, 66 photos missing.")

    @Option(help: "N: steps before the first measurement; the run takes 10·N.")
    var steps = 100

    @Option(help: "Largest growth accepted between step N and step 10·N, in MB.")
    var limit = 16.0

    @Option(help: "Threads for OpenBLAS and the engine.")
    var threads = 1

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        guard limit > 0 else { throw ValidationError("--limit must be positive, got \(limit).") }
    }

    /// A field of /proc/self/status (VmRSS: resident now; VmHWM: the peak), in MB.
    static func status(_ field: String) -> Double {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
    }

    func run() throws {
        Engine.setThreads(threads)
        let photos: [Image]
        do {
            photos = try ["astronaut", "chelsea", "rocket", "brick", "gravel", "grass"].map { try PNG.read("Data/\($0).png") }
        } catch {
            FileHandle.standardError.write(Data("memory-growth: \(error) (run from the repository root)\n".utf8))
            throw ExitCode(66)
        }
        var config = DeblurGANConfig.quick
        config.steps = 10 * steps
        let data = BlurPatchDataset(photos: photos, patchSize: config.cropSize, seed: 17,
                                    fractions: [1.0 / 40, 1.0 / 8, 1.0 / 4], subpixelCentred: true)
        let batchSize = config.batchSize
        let trainer = DeblurGANTrainer(config: config, content: .l1, seed: 1) { rng in
            let samples = (0..<batchSize).map { _ in data.sample(Int(truncatingIfNeeded: rng.next() >> 24)) }
            return (Image.batch(samples.map(\.blurred)), Image.batch(samples.map(\.sharp)))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-growth-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("DeblurGAN \(config.name) configuration, batch \(batchSize), \(config.cropSize)² crops, \(threads) thread(s), checkpoint every \(steps) steps")
        print("step      VmRSS MB")
        var measured: [Int: Double] = [:]
        let start = Date()
        try trainer.train(checkpoint: folder.appendingPathComponent("run.safetensors").path, checkpointEvery: steps) { record in
            guard record.step % steps == 0 else { return }
            measured[record.step] = Self.status("VmRSS")
            print(String(format: "%-9d %.1f", record.step, measured[record.step]!))
        }
        let first = measured[steps]!, last = measured[10 * steps]!
        let growth = last - first
        print(String(format: "after %d steps: %.1f MB; after %d steps: %.1f MB; growth %.1f MB (%.1f KB per step); peak %.1f MB; %.1f s",
                     steps, first, 10 * steps, last, growth, growth * 1024 / Double(9 * steps), Self.status("VmHWM"),
                     Date().timeIntervalSince(start)))
        if growth > limit {
            FileHandle.standardError.write(Data(String(format: "memory-growth: resident memory grew by %.1f MB, more than the limit of %.1f MB\n", growth, limit).utf8))
            throw ExitCode.failure
        }
        print(String(format: "✓ within the limit of %.1f MB", limit))
    }
}
