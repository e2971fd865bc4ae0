import ArgumentParser
import Autograd
import DeblurGAN
import Foundation
import Imaging
import NN

extension Course {
    /// `course deblur IN.png OUT.png`: a trained DeblurGAN generator applied to one photo of any
    /// size. Every failure is one line on stderr and a documented exit code (sysexits.h values).
    struct Deblur: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deblur a PNG photo of any size with a trained DeblurGAN generator.",
            discussion: """
                Without --checkpoint it uses the model the deblurgan lesson trains, \(TrainedCheckpoint.defaultPath), \
                if a full run of the lesson made one, else the model the course ships, \(ShippedCheckpoint.path) \
                (both relative to the current folder, normally the package root); the output line names which. The image is reflect-padded to the \
                network's stride of 4 and, if larger than --tile, processed in overlapping tiles, so memory stays \
                bounded for any size. Gray images come out as RGB. The output is written atomically.

                --downscale N shrinks the photo N× (area averaging) before deblurring, and the result has that smaller \
                size: a camera path longer than the model's 2–30 px training paths becomes one it has seen (a 40 px \
                smear is 20 px at half size).

                Exit codes: 0 success; 64 usage error; 65 the input is not a readable PNG or the checkpoint holds \
                no usable generator; 66 the input or the --checkpoint file does not exist, is a folder or cannot be read; 69 no \
                --checkpoint given and neither the lesson's nor the shipped model is there; 73 the output cannot be written.
                """)

        @Argument(help: ArgumentHelp("The blurred photo (PNG).", valueName: "in.png"))
        var input: String

        @Argument(help: ArgumentHelp("Where to write the deblurred photo (PNG).", valueName: "out.png"))
        var output: String

        @Option(help: ArgumentHelp("A DeblurGAN trainer checkpoint or generator weights (safetensors). Default: the lesson's model, else the shipped one.",
                                   valueName: "file"))
        var checkpoint: String?

        @Option(parsing: .unconditional, help: "Tile side in pixels (a multiple of 4, at least 64); smaller tiles use less memory.")
        var tile = 512

        @Option(parsing: .unconditional, help: "Threads for the engine (the result does not depend on it).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Flag(help: "Average the restorations of the photo's 8 flips and quarter turns (EDSR's self-ensemble; 8× the time).")
        var selfEnsemble = false

        @Option(parsing: .unconditional, help: ArgumentHelp(
            "Shrink the photo N× before deblurring and write the smaller result: for blur longer than the 2–30 px paths the model trained on.",
            valueName: "N"))
        var downscale = 1

        func validate() throws {
            guard (1...16).contains(downscale) else { throw ValidationError("--downscale must be from 1 to 16, got \(downscale).") }
            guard tile % 4 == 0 && tile >= 64 else { throw ValidationError("--tile must be a multiple of 4, at least 64, got \(tile).") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
            guard output.lowercased().hasSuffix(".png") else { throw ValidationError("the output must be a .png file, got \(output).") }
        }

        /// A one-line failure with its exit code.
        struct Failure: Error {
            let code: Int32
            let message: String
        }

        func run() throws {
            do {
                try deblur()
            } catch let failure as Failure {
                FileHandle.standardError.write(Data("course deblur: \(failure.message)\n".utf8))
                throw ExitCode(failure.code)
            }
        }

        private func deblur() throws {
            let fm = FileManager.default
            func isFolder(_ path: String) -> Bool {
                var dir: ObjCBool = false
                return fm.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
            }
            guard fm.fileExists(atPath: input) else { throw Failure(code: 66, message: "\(input): no such file") }
            guard !isFolder(input) else { throw Failure(code: 66, message: "\(input): is a folder, not a PNG file") }
            guard fm.isReadableFile(atPath: input) else { throw Failure(code: 66, message: "\(input): cannot be read (permission denied)") }
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard isFolder(folder) else {
                throw Failure(code: 73, message: "\(output): " + (fm.fileExists(atPath: folder) ? "\(folder) is a file, not a folder"
                                                                                             : "the folder \(folder) does not exist"))
            }
            guard fm.isWritableFile(atPath: folder) else { throw Failure(code: 73, message: "\(output): the folder \(folder) is not writable") }
            guard !isFolder(output) else { throw Failure(code: 73, message: "\(output): is a folder") }

            let (weights, which) = try Self.model(checkpoint: checkpoint)

            let image: Image
            do { image = try PNG.read(input) } catch let error as ImagingError {
                throw Failure(code: 65, message: error.description)
            }
            Engine.setThreads(threads)
            let generator = try Self.generator(weights)

            let start = Date()
            let restored = Deblurrer(generator: generator, tileSize: tile, selfEnsemble: selfEnsemble, downscale: downscale).deblur(image: image)
            let seconds = Date().timeIntervalSince(start)
            do { try PNG.write(restored, to: output) } catch {
                throw Failure(code: 73, message: "\(error)")
            }
            let shrunk = downscale > 1 ? " (\(restored.width) × \(restored.height), shrunk \(downscale)×)" : ""
            print(String(format: "%@ (%d × %d) → %@%@ in %.2f s (%@: %@, %d thread%@)", input, image.width, image.height, output, shrunk,
                         seconds, which, weights, threads, threads == 1 ? "" : "s"))
        }

        /// The generator in `weights`, or a one-line failure (exit 65) naming the file once.
        static func generator(_ weights: String) throws -> ResnetGenerator {
            do { return try ResnetGenerator(contentsOf: weights) } catch {
                // A file-format error arrives wrapped with the path already in its message.
                throw Failure(code: 65, message: "\(error)".replacingOccurrences(of: "\(weights): \(weights): ", with: "\(weights): "))
            }
        }

        /// The generator to use and what it is: `--checkpoint`, else the lesson's model, else the
        /// shipped one; a file (not a folder) that can be read, or a one-line failure.
        static func model(checkpoint: String?) throws -> (path: String, which: String) {
            let (path, which) = try modelPath(checkpoint: checkpoint)
            guard FileManager.default.isReadableFile(atPath: path) else { throw Failure(code: 66, message: "\(path): cannot be read (permission denied)") }
            return (path, which)
        }

        private static func modelPath(checkpoint: String?) throws -> (path: String, which: String) {
            func isFile(_ path: String) -> Bool {
                var dir: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
            }
            if let checkpoint {
                guard isFile(checkpoint) else { throw Failure(code: 66, message: "\(checkpoint): no such checkpoint file") }
                return (checkpoint, "--checkpoint")
            }
            if isFile(TrainedCheckpoint.defaultPath) { return (TrainedCheckpoint.defaultPath, "the deblurgan lesson's model") }
            if isFile(ShippedCheckpoint.path) { return (ShippedCheckpoint.path, "the shipped model") }
            throw Failure(code: 69, message: "no trained model: neither \(TrainedCheckpoint.defaultPath) (run `Scripts/course run deblurgan`) "
                          + "nor the shipped \(ShippedCheckpoint.path) is there; pass --checkpoint FILE")
        }
    }
}
