import ArgumentParser
import Foundation
import Notebook

/// `course`: the course's command line. Flat subcommands, one per task.
///
/// Exit codes: 0 success; 1 a lesson (or, for `all`, at least one lesson) failed; 64 usage error
/// (unknown lesson id, bad option); 69 the lesson's executable is not available yet; 130/143 the
/// run was interrupted by SIGINT/SIGTERM. `course run` exits with the lesson's own status.
/// `course deblur` and `course score` add 65 (bad PNG or checkpoint), 66 (input or checkpoint missing or unreadable), 69 (no trained
/// model yet) and 73 (the output cannot be written). `course figures` and `course slides` add 66 (a
/// figure or Slides/lecture.md missing), 69 (pandoc not installed) and 74 (output not writable);
/// `course train` and `course recipe` add 66 (a photo missing) and 74 (a file not writable).
struct Course: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Deep-learning image deblurring, from the blur model to DeblurGAN, as runnable lessons.",
        subcommands: [Start.self, List.self, Run.self, All.self, Compare.self, Deblur.self, Score.self, Train.self, Recipe.self, Figures.self, Slides.self, Bench.self],
        defaultSubcommand: Start.self)
}

// Line by line even into a file or a pipe, so `course train > train.log` shows its progress.
setvbuf(stdout, nil, _IOLBF, 0)
Course.mainWithOneLineErrors()
