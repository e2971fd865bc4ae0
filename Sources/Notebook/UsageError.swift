import ArgumentParser
import Foundation

extension ParsableCommand {
    /// Parses the command line and runs the command, like ArgumentParser's `main()`, but a bad flag
    /// or argument is one line on stderr, `course run: --threads must be at least 1, got 0 (see
    /// course run --help)`, where `main()` prints the error followed by the whole usage text. The
    /// course's rule is one line per failure, so scripts and the tests can read it. `--help` and
    /// exit codes thrown by `run()` behave as with `main()`.
    public static func mainWithOneLineErrors(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch {
            exitWithOneLine(for: error, arguments: arguments)
        }
    }

    /// Exits for an error of parsing or running this command (the root): one line on stderr and
    /// ArgumentParser's exit code for it (64 for usage errors).
    public static func exitWithOneLine(for error: Error, arguments: [String]) -> Never {
        let code = exitCode(for: error)
        if code == .success || error is ExitCode { exit(withError: error) }
        // The subcommands named on the command line, so the line says which command failed.
        var path = [_commandName]
        var type: ParsableCommand.Type = self
        for argument in arguments {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(argument)
            type = sub
        }
        let command = path.joined(separator: " ")
        let text = message(for: error).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        let hint = code == .validationFailure ? " (see \(command) --help)" : ""
        FileHandle.standardError.write(Data("\(command): \(text)\(hint)\n".utf8))
        Foundation.exit(code.rawValue)
    }
}
