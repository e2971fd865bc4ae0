import ArgumentParser
import Foundation

/// A lesson: prose and cells, in the order they are declared, run by `main()`.
///
/// ```swift
/// let lesson = Lesson("gan-minimax", title: "GAN minimax and its failure modes")
/// lesson.markdown("""
///     ## The optimal discriminator
///     For a fixed G, D*(x) = p_r(x) / (p_r(x) + p_g(x)).
///     """)
/// let critic = lesson.shared("trained critic") { ctx in try trainCritic(steps: ctx.pick(quick: 200, full: 5000), ctx) }
/// lesson.cell("JS at disjoint supports", uses: [critic]) { ctx in
///     let d = try ctx.use(critic)
///     ctx.metric("js_at_disjoint", 0.6931)
/// }
/// lesson.main()
/// ```
///
/// Each cell's code is read back from its source file (via `#filePath`/`#line`) for the reports and
/// its cache key; see `SourceText`. Cells only share state through `shared` values they declare.
public final class Lesson {
    public let id: String
    public let title: String

    enum Item {
        case prose(String, SourceLocation)
        case cell(Cell)
    }
    private(set) var items: [Item] = []
    private(set) var sharedValues: [SharedValue] = []

    public init(_ id: String, title: String) {
        self.id = id
        self.title = title
    }

    /// The lesson's source file (where its first cell or prose block was declared).
    var sourceFile: String? {
        switch items.first {
        case .prose(_, let location): return location.file
        case .cell(let cell): return cell.location.file
        case nil: return nil
        }
    }

    var cells: [Cell] {
        items.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// Adds prose (the Markdown subset of `Markdown`; math written in Unicode, display equations in
    /// ```math fences, typeset by `MathNotation` in the report and the notebook).
    public func markdown(_ text: String, file: String = #filePath, line: Int = #line) {
        items.append(.prose(text, SourceLocation(file: file, line: line)))
    }

    /// Adds a cell. `uses` lists the shared values it reads, `data` the files it reads (relative to
    /// the package root); both enter its cache key.
    public func cell(_ title: String, uses: [SharedValue] = [], data: [String] = [],
                     file: String = #filePath, line: Int = #line,
                     _ body: @escaping (CellContext) throws -> Void) {
        var id = cellSlug(title), n = 2
        while cells.contains(where: { $0.id == id }) { id = "\(cellSlug(title))-\(n)"; n += 1 }
        items.append(.cell(Cell(id: id, title: title, location: SourceLocation(file: file, line: line),
                                uses: uses, data: data, body: body)))
    }

    /// Declares a value computed on first use in a run (by `ctx.use(_:)`) and reused by later cells.
    public func shared<Value>(_ name: String, uses: [SharedValue] = [],
                              file: String = #filePath, line: Int = #line,
                              _ body: @escaping (CellContext) throws -> Value) -> Shared<Value> {
        let value = Shared(name: name, location: SourceLocation(file: file, line: line), uses: uses, body: body)
        sharedValues.append(value)
        return value
    }

    /// Parses the lesson options from the command line, runs the lesson and exits with its status
    /// (see `ExitStatus`). `--help` lists the options.
    public func main() -> Never {
        LessonCommand.lesson = (id, title)
        let arguments = Array(CommandLine.arguments.dropFirst())
        let options: LessonOptions
        do {
            options = try LessonCommand.parse(arguments).options
        } catch {
            LessonCommand.exitWithOneLine(for: error, arguments: arguments)
        }
        exit(run(options).rawValue)
    }

    /// Runs the lesson with the given options and returns how it ended.
    public func run(_ options: LessonOptions) -> ExitStatus {
        LessonRun(lesson: self, options: options).execute()
    }
}

/// The command line of a lesson executable, so that `--help` names the lesson and its title.
private struct LessonCommand: ParsableCommand {
    nonisolated(unsafe) static var lesson = (id: "lesson", title: "")
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: lesson.id, abstract: lesson.title)
    }

    @OptionGroup var options: LessonOptions
}

/// The exit codes of a lesson run (and of `course run`, which passes them on).
public enum ExitStatus: Int32 {
    case success = 0
    /// A cell threw an error (its title and the reason are printed).
    case cellFailed = 1
    /// Bad options, e.g. an unknown `--only` cell (ArgumentParser uses 64 for its own usage errors too).
    case usage = 64
    /// `course run` of a lesson whose executable has not been built or written yet.
    case unavailable = 69
    /// The outputs could not be written (disk full, permissions).
    case ioError = 74
    /// Interrupted by SIGINT (Ctrl-C): 128 + 2.
    case interrupted = 130
    /// Terminated by SIGTERM: 128 + 15.
    case terminated = 143
}
