import Foundation

/// Where a cell, shared value or prose block was written (captured with `#filePath`/`#line`).
struct SourceLocation: Hashable {
    let file: String
    let line: Int
}

/// One cell of a lesson: a title and a body that writes to its `CellContext`.
final class Cell {
    let id: String
    let title: String
    let location: SourceLocation
    let uses: [SharedValue]
    let data: [String]
    let body: (CellContext) throws -> Void

    init(id: String, title: String, location: SourceLocation, uses: [SharedValue], data: [String],
         body: @escaping (CellContext) throws -> Void) {
        self.id = id; self.title = title; self.location = location; self.uses = uses; self.data = data; self.body = body
    }
}

/// A value several cells need (a trained model, a data set), computed on first use in a run and
/// then reused. Its code is part of the cache key of every cell that declares it in `uses:`, so a
/// cached cell is never paired with a changed model. Non-generic base so cells can list mixed types.
public class SharedValue {
    public let name: String
    let location: SourceLocation
    let uses: [SharedValue]

    init(name: String, location: SourceLocation, uses: [SharedValue]) {
        self.name = name; self.location = location; self.uses = uses
    }

    /// This value and everything it depends on, each once, in a stable order.
    var closure: [SharedValue] {
        var seen: [SharedValue] = []
        func visit(_ v: SharedValue) {
            guard !seen.contains(where: { $0 === v }) else { return }
            seen.append(v)
            v.uses.forEach(visit)
        }
        visit(self)
        return seen
    }

    func reset() {}
}

public final class Shared<Value>: SharedValue {
    let body: (CellContext) throws -> Value
    var value: Value?

    init(name: String, location: SourceLocation, uses: [SharedValue], body: @escaping (CellContext) throws -> Value) {
        self.body = body
        super.init(name: name, location: location, uses: uses)
    }

    override func reset() { value = nil }
}

/// A cell id: the title in lowercase ASCII words joined by "-" (also valid as a Jupyter cell id).
public func cellSlug(_ title: String) -> String {
    var out = "", dash = false
    for scalar in title.lowercased().unicodeScalars {
        if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
            if dash && !out.isEmpty { out += "-" }
            out.unicodeScalars.append(scalar); dash = false
        } else {
            dash = true
        }
    }
    return out.isEmpty ? "cell" : String(out.prefix(48))
}
