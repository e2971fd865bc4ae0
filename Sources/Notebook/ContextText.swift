extension CellContext {
    /// Writes a text artifact `<name>.<ext>` (e.g. a Markdown table for slides), atomically and
    /// listed in the manifest like every other artifact. Show it in the reports with `say` if it
    /// should also be read there.
    public func text(_ name: String, ext: String = "md", _ contents: String) throws {
        _ = try stage(name, ext: ext, bytes: Array(contents.utf8))
    }
}
