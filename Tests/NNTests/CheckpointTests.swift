import Autograd
import Foundation
import Testing
@testable import NN

extension NNTests {
    @Suite struct Checkpoints {
        /// A small model in DeblurGAN's style: padding, conv, norm, activation, transposed conv.
        static func model(seed: UInt64, channels: Int = 4) -> Sequential {
            var rng = RandomGenerator(seed: seed)
            return Sequential(ReflectionPad2d(1), Conv2d(3, channels, kernelSize: 3, using: &rng), InstanceNorm2d(channels),
                              ReLU(), ConvTranspose2d(channels, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, using: &rng))
        }

        /// The load must throw a mismatch error naming the file and every listed tensor.
        func expectMismatch(_ load: () throws -> Void, naming names: [String], in path: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                try load()
                Issue.record("load succeeded", sourceLocation: sourceLocation)
            } catch let error as CheckpointError {
                #expect(error.kind == .mismatch, sourceLocation: sourceLocation)
                for name in names + [(path as NSString).lastPathComponent] {
                    #expect(error.description.contains(name), "\(error) should name \(name)", sourceLocation: sourceLocation)
                }
            } catch {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            }
        }

        @Test func moduleRoundTripKeepsNamesValuesAndMetadata() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("model.safetensors").path
            let saved = Self.model(seed: 1)
            try Checkpoint.save(saved, to: path, metadata: ["epoch": "3"])
            #expect(Set(try SafeTensors.read(path).tensors.keys) == ["1.weight", "1.bias", "4.weight", "4.bias"])

            let loaded = Self.model(seed: 2)
            let before = loaded.parameters()
            #expect(loaded.parameters()[0].data != saved.parameters()[0].data)
            let metadata = try Checkpoint.load(into: loaded, from: path)
            #expect(metadata == ["epoch": "3"])
            for (a, b) in zip(saved.namedParameters(), loaded.namedParameters()) {
                #expect(a.name == b.name && a.tensor.data == b.tensor.data)
            }
            // Loaded in place: the same tensor objects, so an optimiser built earlier still holds them.
            #expect(zip(before, loaded.parameters()).allSatisfy { $0 === $1 })
            let x = Tensor.ones([1, 3, 4, 4])
            #expect(saved(x).data == loaded(x).data)
        }

        @Test func strictLoadReportsMissingUnexpectedAndMisshapenTensors() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let model = Self.model(seed: 1)
            let tensors = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })

            let missing = dir.appendingPathComponent("missing.safetensors").path
            try SafeTensors.write(tensors.filter { $0.key != "4.bias" && $0.key != "1.weight" }, to: missing)
            expectMismatch({ try Checkpoint.load(into: model, from: missing) }, naming: ["missing 2", "1.weight", "4.bias"], in: missing)

            let unexpected = dir.appendingPathComponent("unexpected.safetensors").path
            try SafeTensors.write(tensors.merging(["9.weight": Tensor([1])]) { a, _ in a }, to: unexpected)
            expectMismatch({ try Checkpoint.load(into: model, from: unexpected) }, naming: ["unexpected 1", "9.weight"], in: unexpected)

            let wider = dir.appendingPathComponent("wider.safetensors").path
            try Checkpoint.save(Self.model(seed: 1, channels: 5), to: wider)
            expectMismatch({ try Checkpoint.load(into: model, from: wider) },
                           naming: ["shape mismatch", "1.weight is [5, 3, 3, 3] in the checkpoint but [4, 3, 3, 3] in the model", "4.weight"],
                           in: wider)

            // Non-strict tolerates missing and unexpected names, never wrong shapes; a failed load changes nothing.
            let before = model.parameters().map(\.data)
            expectMismatch({ try Checkpoint.load(into: model, from: wider, strict: false) }, naming: ["1.weight"], in: wider)
            #expect(model.parameters().map(\.data) == before)
            try Checkpoint.load(into: model, from: missing, strict: false)
            try Checkpoint.load(into: model, from: unexpected, strict: false)
        }

        @Test func runningStatisticsCanBeIgnored() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            // As in DeblurGAN's released weights: InstanceNorm entries the layer does not have.
            let model = Self.model(seed: 1)
            var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
            tensors["2.running_mean"] = Tensor.zeros([4])
            tensors["2.running_var"] = Tensor.ones([4])
            let path = dir.appendingPathComponent("released.safetensors").path
            try SafeTensors.write(tensors, to: path)

            expectMismatch({ try Checkpoint.load(into: model, from: path) }, naming: ["2.running_mean", "2.running_var"], in: path)
            try Checkpoint.load(into: model, from: path, ignoring: ["running_mean", "running_var"])
            // Patterns match whole name components only.
            expectMismatch({ try Checkpoint.load(into: model, from: path, ignoring: ["running", "mean"]) },
                           naming: ["2.running_mean", "2.running_var"], in: path)
        }

        @Test func optimiserStateSurvivesAFile() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let model = Self.model(seed: 1)
            let adam = Adam(parameters: model.parameters(), learningRate: 1e-3)
            model(Tensor.ones([1, 3, 4, 4])).square().mean().backward()
            adam.step()
            let path = dir.appendingPathComponent("adam.safetensors").path
            try SafeTensors.write(adam.state(), to: path)

            let restored = Adam(parameters: Self.model(seed: 1).parameters(), learningRate: 1e-3)
            try restored.load(state: SafeTensors.read(path).tensors)
            #expect(restored.stepCount == 1)
            #expect(restored.state().mapValues(\.data) == adam.state().mapValues(\.data))
        }
    }
}
