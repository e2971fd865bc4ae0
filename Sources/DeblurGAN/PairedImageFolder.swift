import Autograd
import Foundation
import Imaging

/// (blurred, sharp) image pairs on disk, in either of the two layouts DeblurGAN's data comes in:
///
/// - `.gopro`: `root/<sequence>/blur/*.png` and `root/<sequence>/sharp/*.png`, pairs matched by
///   file name within each sequence (the GoPro dataset of Nah et al.; its other folders, such as
///   `blur_gamma`, are ignored).
/// - `.combined`: `root/*.png`, each holding the blurred image on the left half and the sharp one
///   on the right (the official code's `AlignedDataset`, made by its `combine_A_and_B.py`).
///
/// Opening lists and matches the files (a missing folder, a sequence without its `blur` or
/// `sharp` half and unmatched names are reported at once); sizes are checked when a pair is
/// loaded, so opening the 2,103 GoPro training pairs reads no pixels.
public struct PairedImageFolder: Sendable {
    public enum Layout: String, Sendable {
        case gopro, combined
    }

    /// One pair: for `.combined` both paths are the same file.
    public struct Pair: Sendable, Equatable {
        public let name: String
        public let blurred: String
        public let sharp: String
    }

    public let root: String
    public let layout: Layout
    public let pairs: [Pair]

    public init(root: String, layout: Layout = .gopro) throws {
        let fm = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
        func pngs(_ folder: String) throws -> [String] {
            try fm.contentsOfDirectory(atPath: folder).filter { $0.lowercased().hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
        }
        func fail(_ problem: String) -> DeblurGANError { DeblurGANError(.dataset, source: root, problem) }
        guard isFolder(root) else { throw fail("no such folder") }

        var pairs: [Pair] = []
        switch layout {
        case .combined:
            pairs = try pngs(root).map { Pair(name: $0, blurred: root + "/" + $0, sharp: root + "/" + $0) }
            if pairs.isEmpty { throw fail("no .png files (combined layout: blurred left, sharp right in one image)") }
        case .gopro:
            var problems: [String] = []
            let sequences = try fm.contentsOfDirectory(atPath: root).filter { isFolder(root + "/" + $0) }.sorted()
            for sequence in sequences {
                let (blurDir, sharpDir) = (root + "/" + sequence + "/blur", root + "/" + sequence + "/sharp")
                switch (isFolder(blurDir), isFolder(sharpDir)) {
                case (false, false): continue  // not a sequence folder
                case (true, false): problems.append("\(sequence)/blur has no \(sequence)/sharp folder"); continue
                case (false, true): problems.append("\(sequence)/sharp has no \(sequence)/blur folder"); continue
                case (true, true): break
                }
                let (blurred, sharp) = (try pngs(blurDir), try pngs(sharpDir))
                let onlyBlurred = Set(blurred).subtracting(sharp).sorted(), onlySharp = Set(sharp).subtracting(blurred).sorted()
                if !onlyBlurred.isEmpty { problems.append("\(sequence)/blur has no sharp match for \(onlyBlurred.joined(separator: ", "))") }
                if !onlySharp.isEmpty { problems.append("\(sequence)/sharp has no blurred match for \(onlySharp.joined(separator: ", "))") }
                for name in blurred where sharp.contains(name) {
                    pairs.append(Pair(name: sequence + "/" + name, blurred: blurDir + "/" + name, sharp: sharpDir + "/" + name))
                }
            }
            if !problems.isEmpty { throw fail(problems.joined(separator: "; ")) }
            if pairs.isEmpty { throw fail("no <sequence>/blur and <sequence>/sharp folders with .png files (GoPro layout)") }
        }
        self.root = root
        self.layout = layout
        self.pairs = pairs
    }

    public var count: Int { pairs.count }

    /// Pair number `index`, as RGB images in [0, 1] of one size.
    public func load(_ index: Int) throws -> (blurred: Image, sharp: Image) {
        let pair = pairs[index]
        switch layout {
        case .combined:
            let both = try PNG.read(pair.blurred).rgb()
            guard both.width % 2 == 0 else {
                throw DeblurGANError(.dataset, source: pair.blurred, "combined image is \(both.width) pixels wide, not an even width (blurred left, sharp right)")
            }
            let half = both.width / 2
            return (both.cropped(x: 0, y: 0, width: half, height: both.height),
                    both.cropped(x: half, y: 0, width: half, height: both.height))
        case .gopro:
            let (blurred, sharp) = (try PNG.read(pair.blurred).rgb(), try PNG.read(pair.sharp).rgb())
            guard blurred.width == sharp.width && blurred.height == sharp.height else {
                throw DeblurGANError(.dataset, source: root, "\(pair.name): blurred image is \(blurred.width)×\(blurred.height) but sharp is \(sharp.width)×\(sharp.height)")
            }
            return (blurred, sharp)
        }
    }

    /// Training batches as the official code makes them: a random pair per sample, optionally
    /// resized (the official code resizes each half to 640×360), a random `size × size` crop at
    /// the same place in both images, and a random left–right flip. Draws only from the step's
    /// generator, so runs are reproducible and resumable.
    public func randomCrops(size: Int, batch: Int, resize: (width: Int, height: Int)? = nil,
                            flip: Bool = true) -> BatchProvider {
        { rng in
            var blurredImages: [Image] = [], sharpImages: [Image] = []
            for _ in 0..<batch {
                let index = Int(rng.next() % UInt64(pairs.count))
                var (blurred, sharp) = try load(index)
                if let resize {
                    blurred = blurred.resized(width: resize.width, height: resize.height)
                    sharp = sharp.resized(width: resize.width, height: resize.height)
                }
                guard blurred.width >= size && blurred.height >= size else {
                    throw DeblurGANError(.dataset, source: pairs[index].blurred,
                                         "image is \(blurred.width)×\(blurred.height), smaller than the \(size)×\(size) crop")
                }
                let x = Int(rng.next() % UInt64(blurred.width - size + 1)), y = Int(rng.next() % UInt64(blurred.height - size + 1))
                blurred = blurred.cropped(x: x, y: y, width: size, height: size)
                sharp = sharp.cropped(x: x, y: y, width: size, height: size)
                if flip && rng.next() & 1 == 1 {
                    blurred = blurred.flippedHorizontally()
                    sharp = sharp.flippedHorizontally()
                }
                blurredImages.append(blurred)
                sharpImages.append(sharp)
            }
            return (Image.batch(blurredImages), Image.batch(sharpImages))
        }
    }
}
