import Foundation
import ArgumentParser

/// The options every lesson executable accepts, and that `course run` passes through unchanged
/// (it includes them with `@OptionGroup`). Only `quick`, `seed` and `threads` can change a result,
/// so only they enter the cache key; the others steer the run.
public struct LessonOptions: ParsableArguments {
    @Flag(help: "Small budgets: the lesson runs in seconds (default: lecture-quality budgets).")
    public var quick = false

    // `.unconditional`: `--seed -1` and `--threads -3` are read as (bad) values and reported as
    // such, rather than as "missing value" because they look like flags.
    @Option(parsing: .unconditional, help: "Seed of every random number in the lesson.")
    public var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Threads for the engine (its matrix products and parallel loops).")
    public var threads: Int = 1

    @Option(help: ArgumentHelp("Output folder (default: out/<lesson-id>/).", valueName: "dir"))
    public var out: String?

    @Option(help: ArgumentHelp("Run only this cell (its id, its number, or its title); others reuse their cached outputs.", valueName: "cell"))
    public var only: String?

    @Flag(help: "Run every cell, ignoring cached outputs.")
    public var force = false

    @Flag(help: "No colours in the terminal (also: NO_COLOR set, or stdout not a terminal).")
    public var noColor = false

    @Flag(help: "Open the live report (live.html, updated after every cell) in the system browser, when there is one.")
    public var open = false

    public init() {}

    /// The options on this process's command line, or the defaults when they do not parse (the
    /// lesson's `main()` then reports the error), for lesson code that needs an option before
    /// `main()` runs. (`LessonOptions()` is not a usable default: ArgumentParser's property
    /// wrappers trap when read before parsing.)
    public static var commandLine: LessonOptions {
        (try? parse(Array(CommandLine.arguments.dropFirst()))) ?? (try! parse([]))
    }

    public func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        guard threads <= 1024 else { throw ValidationError("--threads \(threads) is more than any machine here has.") }
        if let only, only.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--only needs a cell id, number or title.")
        }
        if let out, out.isEmpty { throw ValidationError("--out needs a folder.") }
    }

    /// The command-line arguments that reproduce these options (used by `course` to start a lesson).
    public var arguments: [String] {
        var args: [String] = []
        if quick { args.append("--quick") }
        args += ["--seed", String(seed), "--threads", String(threads)]
        if let out { args += ["--out", out] }
        if let only { args += ["--only", only] }
        if force { args.append("--force") }
        if noColor { args.append("--no-color") }
        if open { args.append("--open") }
        return args
    }
}
