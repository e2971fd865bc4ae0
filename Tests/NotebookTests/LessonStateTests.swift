import Foundation
import Testing
@testable import Notebook

/// `course list`'s state of a lesson, from its manifest: never run, up to date, or stale when the
/// lesson's source or the library changed since the run.
@Suite struct LessonStateTests {
    func manifest(lessonDigest: String?, libraryDigest: String) -> String {
        """
        {"lesson": "x", "title": "X", "generated": "2026-12-03T05:59:45Z", "seed": 7,
         "options": {"quick": true, "seed": 7, "threads": 1, "force": false}, "threads": 1, "openblas_core": "Zen",
         "library_sources_sha256": "\(libraryDigest)", \(lessonDigest.map { "\"lesson_source_sha256\": \"\($0)\"," } ?? "")
         "wall_seconds": 1, "cells": [], "artifacts": [], "metrics": {}}
        """
    }

    @Test func neverRunUpToDateAndStale() throws {
        let folder = try temporaryFolder("state")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("main.swift"), out = folder.appendingPathComponent("out")
        try "print(1)\n".write(to: source, atomically: true, encoding: .utf8)
        #expect(LessonState.of(source: source, outFolder: out, libraryDigest: "lib") == .neverRun)

        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let digest = SHA256.hex(fileAt: source)!
        func write(_ text: String) throws { try text.write(to: out.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8) }
        try write(manifest(lessonDigest: digest, libraryDigest: "lib"))
        let fresh = LessonState.of(source: source, outFolder: out, libraryDigest: "lib")
        #expect(fresh == .upToDate(generated: "2026-12-03 05:59:45 UTC", quick: true, seed: 7))
        #expect(fresh.description == "up to date (quick, seed 7, 2026-12-03 05:59:45 UTC)")
        #expect(LessonState.of(source: source, outFolder: out, libraryDigest: "other").description
                == "stale: library changed since 2026-12-03 05:59:45 UTC")

        try "print(2)\n".write(to: source, atomically: true, encoding: .utf8)
        #expect(LessonState.of(source: source, outFolder: out, libraryDigest: "lib") == .stale(generated: "2026-12-03 05:59:45 UTC", reason: "lesson changed"))
        try write(manifest(lessonDigest: nil, libraryDigest: "lib"))
        #expect(LessonState.of(source: source, outFolder: out, libraryDigest: "lib").description.hasPrefix("stale: run before sources were recorded"))
        try write("{ not json")
        #expect(LessonState.of(source: source, outFolder: out, libraryDigest: "lib") == .neverRun)
    }
}
