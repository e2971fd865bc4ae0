// swift-tools-version:5.10
import PackageDescription

// Numeric libraries are compiled with optimisation even in debug builds, so that `swift test`
// (a debug build) runs gradient checks and small trainings in seconds rather than minutes.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// A lesson executable: Lessons/<folder>/main.swift, built on the runner, the figures and `modules`.
func lesson(_ id: String, _ folder: String, _ modules: [Target.Dependency]) -> Target {
    .executableTarget(name: id, dependencies: ["Autograd", "Notebook", "Plot"] + modules, path: "Lessons/\(folder)")
}

let package = Package(
    name: "DeblurCourse",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "course", targets: ["course"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "NN", targets: ["NN"]),
        // For the fuzzing and memory-check package in Fuzz/, which depends on this one by path.
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Notebook", targets: ["Notebook"]),
        .library(name: "DeblurGAN", targets: ["DeblurGAN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, with the Debian packages that provide them.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),

        // The engine's own sgemm kernel in C with AVX-512 intrinsics, optimised in every build.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // Libraries, in dependency order.
        .target(name: "Files", dependencies: []),
        .target(name: "Autograd", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimised),
        .target(name: "NN", dependencies: ["Autograd", "Files"], swiftSettings: optimised),
        .target(name: "Imaging", dependencies: ["Autograd", "Files", "CPNG", "CFFTW"], swiftSettings: optimised),
        .target(name: "Plot", dependencies: ["CCairo"], swiftSettings: optimised),
        .target(name: "Notebook", dependencies: ["Autograd", "Files", "Plot", argumentParser]),
        .target(name: "GANKit", dependencies: ["Autograd", "NN", "Plot"], swiftSettings: optimised),
        .target(name: "DeblurGAN", dependencies: ["Autograd", "NN", "Imaging", "GANKit"], swiftSettings: optimised),
        // pix2pix and its U-Net, for the conditional-GAN lesson (its critic is DeblurGAN's PatchGAN).
        .target(name: "Pix2Pix", dependencies: ["Autograd", "NN", "GANKit", "DeblurGAN"], swiftSettings: optimised),
        // The course's content above the libraries: its lessons, slide figures, comparison artifacts.
        .target(name: "Course", dependencies: ["Notebook", "GANKit"]),

        // The `course` command.
        .executableTarget(name: "course", dependencies: ["Autograd", "Files", "NN", "Notebook", "Course", "GANKit", "Imaging", "DeblurGAN", argumentParser]),
        // A tiny lesson that NotebookTests run as a subprocess (runner end to end, cache, Ctrl-C).
        .executableTarget(name: "notebook-fixture", dependencies: ["Notebook"], path: "Tests/Fixtures/NotebookFixture"),
        // Speed, measured in release mode: `swift run -c release benchmarks`.
        .executableTarget(name: "benchmarks", dependencies: ["Autograd", "NN", "GANKit", "DeblurGAN", "CBLAS", argumentParser], path: "Benchmarks",
                          exclude: ["compare.sh", "torch_ref.py", "torch_recipe.py"]),

        // The lessons, one executable each, named by lesson id (`swift run -c release gan-minimax --quick`).
        lesson("blur-model", "01-blur-model", ["Imaging"]),
        lesson("gan-minimax", "02-gan-minimax", ["NN", "GANKit"]),
        lesson("wgan-critic", "03-wgan-critic", ["NN", "GANKit"]),
        lesson("gradient-penalty", "04-gradient-penalty", ["NN", "GANKit", "Course"]),
        lesson("conditional-gan", "05-conditional-gan", ["NN", "GANKit", "Imaging", "DeblurGAN", "Pix2Pix"]),
        lesson("deblurgan", "06-deblurgan", ["NN", "GANKit", "Imaging", "DeblurGAN"]),

        // The measurements behind lesson 05's choice of task (Data/cgan-task-trials.csv).
        .executableTarget(name: "cgan-trials", dependencies: ["Autograd", "NN", "Imaging", "DeblurGAN", "Pix2Pix", argumentParser], path: "Experiments/cgan-trials"),

        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Course", "Files", "Imaging", "NN"]),
        .testTarget(name: "GANKitTests", dependencies: ["GANKit"]),
        .testTarget(name: "DeblurGANTests", dependencies: ["DeblurGAN", "Pix2Pix"], resources: [.copy("Fixtures")]),
    ]
)
