/// A failure of the runner itself (as opposed to a cell's own errors), e.g. a file it cannot write.
public struct NotebookError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
