// swift-tools-version:5.10
import PackageDescription

// libFuzzer harnesses for the course's file readers, and a memory-growth check of a long training
// run. A package of its own, depending on the course by path, so that the course's build and CI
// never compile them: the harnesses only link with `-sanitize=fuzzer`. Scripts/fuzz.sh and
// Scripts/memory-growth.sh build and run them.
let package = Package(
    name: "DeblurCourseFuzz",
    dependencies: [
        .package(name: "DeblurCourse", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Declares libFuzzer's driver entry (the library itself comes with `-sanitize=fuzzer`).
        .systemLibrary(name: "CFuzzer", path: "CFuzzer"),
        // PNG.decode: the bytes of every PNG the course reads (photos, `course deblur` inputs).
        .executableTarget(name: "fuzz-png", dependencies: ["CFuzzer", .product(name: "Imaging", package: "DeblurCourse")], path: "PNG"),
        // SafeTensors.parse: checkpoints and weights.
        .executableTarget(name: "fuzz-safetensors", dependencies: ["CFuzzer", .product(name: "NN", package: "DeblurCourse")], path: "SafeTensors"),
        // The runner's cache (.cache/cells.json) and manifest.json readers.
        .executableTarget(name: "fuzz-records", dependencies: ["CFuzzer", .product(name: "Notebook", package: "DeblurCourse")], path: "Records"),
        // Resident memory of DeblurGAN training after N and 10·N steps.
        .executableTarget(name: "memory-growth", dependencies: [
            .product(name: "DeblurGAN", package: "DeblurCourse"), .product(name: "Imaging", package: "DeblurCourse"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "MemoryGrowth"),
    ]
)
