import Foundation
import Testing

// The README's dependency list says what Package.swift says, line for line.
@Suite struct ModuleEdges {
    /// Library target → its dependencies, from Package.swift's `.target(name:dependencies:)` lines.
    func packageEdges() throws -> [String: [String]] {
        let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try Regex(#"\.target\(name: "(\w+)", dependencies: \[([^\]]*)\]"#)
        var edges: [String: [String]] = [:]
        for match in manifest.matches(of: target) {
            let name = String(match.output[1].substring!)
            let deps = match.output[2].substring!.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            edges[name] = deps.map { $0 == "argumentParser" ? "ArgumentParser" : $0 }
        }
        return edges
    }

    /// The `Module ← deps` lines of the README's dependency block.
    func readmeEdges() throws -> [String: [String]] {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var edges: [String: [String]] = [:]
        for line in readme.split(separator: "\n") where line.contains(" ←") {
            let parts = line.split(separator: "←", maxSplits: 1, omittingEmptySubsequences: false)
            edges[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        return edges
    }

    @Test func readmeListsThePackagesEdges() throws {
        let package = try packageEdges()
        #expect(package["GANKit"] == ["Autograd", "NN", "Plot"], "GANKit must not depend on the runner")
        #expect(package.count >= 10)
        #expect(try readmeEdges() == package.filter { $0.key != "CKernels" })
    }
}
