import Autograd

/// Module checkpoints as safetensors files keyed by PyTorch's state_dict names, so the course's
/// files and released PyTorch weights (converted with `safetensors.torch.save_file`) are one format.
public enum Checkpoint {
    /// Writes every parameter of `module` under its dotted name, atomically.
    public static func save(_ module: Module, to path: String, metadata: [String: String] = [:]) throws {
        let tensors = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.name, $0.tensor) })
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads parameters by name into `module` (in place: optimisers holding them stay valid) and
    /// returns the file's metadata.
    ///
    /// - `strict`: every module parameter must be in the file and every tensor in the file must
    ///   belong to the module. Shapes must match in either mode.
    /// - `ignoring`: names to leave out on both sides; a pattern matches a name when it is a run
    ///   of whole dot-separated components of it, so `"running_mean"` matches
    ///   `model.2.running_mean` and `"model.26"` matches `model.26.weight`.
    ///
    /// On any error nothing is changed, and the message lists every offending tensor.
    @discardableResult
    public static func load(into module: Module, from path: String, strict: Bool = true,
                            ignoring: [String] = []) throws -> [String: String] {
        let file = try SafeTensors.read(path, including: { !matches($0, ignoring) })
        try assign(file.tensors, to: module, strict: strict, ignoring: ignoring, source: path)
        return file.metadata
    }

    /// Copies already-read tensors into a module's parameters by name, with the checks of `load`
    /// (for files that hold several modules under prefixes, or only part of a network).
    public static func assign(_ tensors: [String: Tensor], to module: Module, strict: Bool = true,
                              ignoring: [String] = [], source: String) throws {
        try NN.assign(tensors, to: module.namedParameters(), strict: strict, ignoring: ignoring, source: source)
    }
}

/// Copies `loaded` tensors into `targets` by name after checking all of them: missing and
/// unexpected names (when strict) and shape mismatches (always) are reported together in one
/// `CheckpointError` naming `source`. Shared by module checkpoints and optimiser state.
func assign(_ loaded: [String: Tensor], to targets: [(name: String, tensor: Tensor)], strict: Bool,
            ignoring: [String], source: String) throws {
    let targets = targets.filter { !matches($0.name, ignoring) }
    let targetNames = Set(targets.map(\.name))
    var problems: [String] = []
    if strict {
        let missing = targets.map(\.name).filter { loaded[$0] == nil }
        let unexpected = loaded.keys.filter { !targetNames.contains($0) && !matches($0, ignoring) }.sorted()
        if !missing.isEmpty { problems.append("missing \(missing.count): \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { problems.append("unexpected \(unexpected.count): \(unexpected.joined(separator: ", "))") }
    }
    let wrongShapes = targets.compactMap { name, t -> String? in
        guard let l = loaded[name], l.shape != t.shape else { return nil }
        return "\(name) is \(l.shape) in the checkpoint but \(t.shape) in the model"
    }
    if !wrongShapes.isEmpty { problems.append("shape mismatch: \(wrongShapes.joined(separator: "; "))") }
    guard problems.isEmpty else {
        throw CheckpointError(kind: .mismatch, source: source, problem: problems.joined(separator: "; "))
    }
    for (name, t) in targets {
        if let l = loaded[name] { t.data = l.data }
    }
}

/// Whether a pattern is a run of whole dot-separated components of `name`.
func matches(_ name: String, _ patterns: [String]) -> Bool {
    patterns.contains { ".\(name).".contains(".\($0).") }
}
