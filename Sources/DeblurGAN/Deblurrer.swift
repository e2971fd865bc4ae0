import Foundation
import Autograd
import Imaging
import NN

/// Deblurs images of any size with a trained generator.
///
/// The generator needs sides that are multiples of 4 (two stride-2 convolutions) and at least 8
/// (its reflection padding) — of 8 and at least 16 with two scales or three downsamplings
/// (`ResnetGenerator.sizeMultiple`) — so the image is reflect-padded on the bottom and right and the result cropped back. Images
/// larger than one tile are processed tile by tile (`tileSize` squares overlapping by `overlap`,
/// tile origins on the grid of that multiple), and the overlaps are
/// blended with linear ramps, so memory is bounded by one tile's activations plus two
/// image-sized accumulators. InstanceNorm normalises each tile by its own statistics, so tiled
/// and whole-image results differ — noticeably for small tiles (with a tiny random model on a
/// 70×58 image: 44% of the network's correction with 32² tiles, 23% with 48²) — hence the large
/// default tile (512², about 1 GB of activations for the paper's network); lower it to save memory.
///
/// Dropout: off by default (`dropoutAtInference = false`, eval mode), so a given image and
/// checkpoint always give the same output and overlapping tiles agree. The official code never
/// switches to eval, so its test-time outputs keep dropout's noise; set `dropoutAtInference` to
/// reproduce that (masks are then drawn from `dropoutSeed`, still reproducible).
///
/// `selfEnsemble` (not DeblurGAN's: EDSR's geometric self-ensemble, Lim et al. 2017) restores
/// the image in all 8 of its flips and quarter turns, turns each result back and averages them,
/// at 8× the time. The training pairs came in every turn, so each is an equally good guess, and
/// their errors partly cancel.
///
/// `downscale` n > 1 shrinks the image n× (area averaging) before restoring it and returns the
/// smaller result: a camera path n× longer than the training paths becomes one the model has seen
/// (coarse-to-fine deblurring's first scale, as in Nah et al. 2017), at the cost of resolution.
public struct Deblurrer {
    public let generator: ResnetGenerator
    public var tileSize: Int
    public var overlap: Int
    public var dropoutAtInference: Bool
    public var dropoutSeed: UInt64
    public var selfEnsemble: Bool
    public var downscale: Int

    public init(generator: ResnetGenerator, tileSize: Int = 512, overlap: Int = 64,
                dropoutAtInference: Bool = false, dropoutSeed: UInt64 = 0, selfEnsemble: Bool = false, downscale: Int = 1) {
        precondition(tileSize % 4 == 0 && tileSize >= 16, "the tile size must be a multiple of 4, at least 16")
        precondition(overlap % 4 == 0 && overlap >= 0 && overlap < tileSize, "the overlap must be a multiple of 4 below the tile size")
        precondition(downscale >= 1, "the downscale factor must be at least 1")
        self.generator = generator
        // A coarse-to-fine generator needs tiles on a coarser grid: round down onto it.
        let grid = generator.sizeMultiple
        self.tileSize = max(2 * grid, tileSize / grid * grid)
        self.overlap = min(overlap / grid * grid, self.tileSize - grid)
        self.dropoutAtInference = dropoutAtInference
        self.dropoutSeed = dropoutSeed
        self.selfEnsemble = selfEnsemble
        self.downscale = downscale
    }

    /// The restored image, values in [0, 1]: the size of `image`, or 1/`downscale` of it (sides
    /// rounded down, at least 1). Gray images are restored as RGB.
    public func deblur(image: Image) -> Image {
        var input = image.channels == 3 ? image : image.rgb()
        if downscale > 1 {
            input = input.resized(width: max(1, input.width / downscale), height: max(1, input.height / downscale), method: .area)
        }
        guard selfEnsemble else { return restore(input) }
        var sum = [Float](repeating: 0, count: input.pixels.count)
        for flip in [false, true] {
            for turns in 0..<4 {
                var x = flip ? input.flippedHorizontally() : input
                for _ in 0..<turns { x = x.rotated90() }
                var y = restore(x)
                for _ in 0..<((4 - turns) % 4) { y = y.rotated90() }
                if flip { y = y.flippedHorizontally() }
                for i in sum.indices { sum[i] += y.pixels[i] }
            }
        }
        return Image(channels: 3, height: input.height, width: input.width, pixels: sum.map { $0 / 8 })
    }

    /// One restoration of an RGB image.
    private func restore(_ input: Image) -> Image {
        let (h, w) = (input.height, input.width)
        let (ph, pw) = (paddedSide(h), paddedSide(w))
        let padded = reflectPadded(input.tensor(), height: ph, width: pw)  // [3, ph, pw] in [−1, 1]

        let wasTraining = generator.isTraining
        generator.train(dropoutAtInference)
        defer { generator.train(wasTraining) }
        let ys = origins(ph), xs = origins(pw)
        let (th, tw) = (min(tileSize, ph), min(tileSize, pw))
        var sum = [Float](repeating: 0, count: 3 * ph * pw)
        var weights = [Float](repeating: 0, count: ph * pw)
        for y0 in ys {
            for x0 in xs {
                let tile = crop(padded, y: y0, x: x0, height: th, width: tw).reshape([1, 3, th, tw])
                if dropoutAtInference { generator.reseedDropout(dropoutSeed &+ UInt64(y0 * pw + x0)) }
                let out = withNoGrad { generator(tile) }.data
                let ry = ramp(th, start: y0 == 0, end: y0 + th == ph), rx = ramp(tw, start: x0 == 0, end: x0 + tw == pw)
                for y in 0..<th {
                    for x in 0..<tw {
                        let wgt = ry[y] * rx[x], p = (y0 + y) * pw + x0 + x
                        weights[p] += wgt
                        for c in 0..<3 { sum[c * ph * pw + p] += wgt * out[(c * th + y) * tw + x] }
                    }
                }
            }
        }
        var pixels = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * pw + x
                    pixels[(c * h + y) * w + x] = min(max((sum[c * ph * pw + p] / weights[p] + 1) / 2, 0), 1)
                }
            }
        }
        return Image(channels: 3, height: h, width: w, pixels: pixels)
    }

    /// The smallest multiple of the generator's size multiple m (4 for one scale), at least 2m, that holds `n`.
    func paddedSide(_ n: Int) -> Int {
        let m = generator.sizeMultiple
        return max(2 * m, (n + m - 1) / m * m)
    }

    /// Tile origins along a padded side: multiples of the generator's size multiple, step tileSize − overlap, the last tile flush with the end.
    func origins(_ n: Int) -> [Int] {
        guard n > tileSize else { return [0] }
        let step = tileSize - overlap
        var result = Array(stride(from: 0, to: n - tileSize, by: step))
        result.append(n - tileSize)
        return result
    }

    /// Blending weights along one tile side: ramps up over the overlap, except at the image's own edges.
    func ramp(_ n: Int, start: Bool, end: Bool) -> [Float] {
        (0..<n).map { i in
            guard overlap > 0 else { return 1 }
            let up: Float = start ? 1 : min(1, (Float(i) + 0.5) / Float(overlap))
            let down: Float = end ? 1 : min(1, (Float(n - i) - 0.5) / Float(overlap))
            return min(up, down)
        }
    }
}

/// [C, h, w] mirrored past its bottom and right edges to [C, height, width] (edge not repeated,
/// reflecting again as often as needed, so even tiny images can be padded).
func reflectPadded(_ t: Tensor, height: Int, width: Int) -> Tensor {
    let (c, h, w) = (t.shape[0], t.shape[1], t.shape[2])
    func mirror(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let m = i % (2 * (n - 1))
        return m < n ? m : 2 * (n - 1) - m
    }
    var out = [Float](repeating: 0, count: c * height * width)
    for ch in 0..<c {
        for y in 0..<height {
            let sy = mirror(y, h)
            for x in 0..<width { out[(ch * height + y) * width + x] = t.data[(ch * h + sy) * w + mirror(x, w)] }
        }
    }
    return Tensor(shape: [c, height, width], data: out)
}

/// The window [y, y + height) × [x, x + width) of a [C, H, W] tensor.
func crop(_ t: Tensor, y: Int, x: Int, height: Int, width: Int) -> Tensor {
    let (c, w) = (t.shape[0], t.shape[2])
    var out = [Float]()
    out.reserveCapacity(c * height * width)
    for ch in 0..<c {
        for row in y..<(y + height) {
            let start = (ch * t.shape[1] + row) * w + x
            out.append(contentsOf: t.data[start..<(start + width)])
        }
    }
    return Tensor(shape: [c, height, width], data: out)
}

extension ResnetGenerator {
    /// A generator with the weights of a safetensors file: either a generator alone under the
    /// official names (`model.1.weight`, …; InstanceNorm running statistics are ignored) or a
    /// `DeblurGANTrainer` checkpoint (`generator.model.…`). ngf and the block count are read from
    /// the tensors' shapes and names. A file written by the course records its configuration
    /// (metadata `config`), which gives the normalisation, the skips, the scales, the downsamplings, the activation, the blocks and `learnResidual`; official files do
    /// not, and are read as the paper's (InstanceNorm, and learnResidual as their README's commands).
    /// `learnResidual` overrides the file.
    public convenience init(contentsOf path: String, learnResidual: Bool? = nil) throws {
        let file: SafeTensors
        do { file = try SafeTensors.read(path, including: { !$0.hasSuffix("running_mean") && !$0.hasSuffix("running_var") }) } catch {
            throw DeblurGANError(.checkpoint, source: path, "\(error)")
        }
        let prefix = file.tensors["generator.model.1.weight"] != nil ? "generator." : ""
        guard let first = file.tensors[prefix + "model.1.weight"], first.rank == 4 else {
            throw DeblurGANError(.checkpoint, source: path, "no generator weights (model.1.weight or generator.model.1.weight)")
        }
        // One key per block: a ResBlock's first conv, or a NAFBlock's.
        let blocks = file.tensors.keys.filter {
            $0.hasPrefix(prefix + "model.") && ($0.hasSuffix(".conv_block.1.weight") || $0.hasSuffix(".conv1.weight"))
        }.count
        // The recorded configuration, or the paper's for an official file; the sizes come from the
        // tensors, and dropout stays the paper's 0.5 for `Deblurrer(dropoutAtInference:)`. Every
        // weight is then overwritten (the assignment is strict), so the initialisation is moot.
        var config = DeblurGANConfig(metadata: file.metadata) ?? .paper
        (config.ngf, config.blocks, config.dropout) = (first.shape[0], blocks, 0.5)
        if let learnResidual { config.learnResidual = learnResidual }
        var rng = RandomGenerator(seed: 0)
        self.init(config, channels: first.shape[1], using: &rng)
        try DeblurGANTrainer.assign(file.tensors, prefix: prefix, to: self, source: path)
    }
}

extension DeblurGANConfig {
    /// The configuration a course-written file records in its metadata, if it does.
    public init?(metadata: [String: String]) {
        guard let json = metadata["config"]?.data(using: .utf8),
              let config = try? JSONDecoder().decode(DeblurGANConfig.self, from: json) else { return nil }
        self = config
    }
}
