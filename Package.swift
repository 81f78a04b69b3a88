// swift-tools-version: 6.0
// snnc — spiking neural network lottery tickets, compiled for neuromorphic chips.
//
// One target per pipeline stage; dependencies point one way (see DESIGN.md).
// C appears only in the shims: CHDF5 + HDF5Shim (libhdf5), CBLAS (OpenBLAS), CZlib (zlib), DNNLShim
// (oneDNN, and the event-driven convolution kernels).
// Linux only (glibc allocator settings, /proc, OpenBLAS via pkg-config), so no `platforms:`.
import PackageDescription

let package = Package(
    name: "snnc",
    products: [
        .executable(name: "snnc", targets: ["snnc"]),
        .library(name: "SNNDiagnostics", targets: ["SNNDiagnostics"]),
        .library(name: "SNNStore", targets: ["SNNStore"]),
        .library(name: "SNNTensor", targets: ["SNNTensor"]),
        .library(name: "SNNData", targets: ["SNNData"]),
        .library(name: "SNNTrain", targets: ["SNNTrain"]),
        .library(name: "SNNTickets", targets: ["SNNTickets"]),
        .library(name: "SNNIR", targets: ["SNNIR"]),
        .library(name: "SNNCompiler", targets: ["SNNCompiler"]),
        .library(name: "SNNFormat", targets: ["SNNFormat"]),
        .library(name: "SNNSimulator", targets: ["SNNSimulator"]),
        .library(name: "SNNCompare", targets: ["SNNCompare"]),
        .library(name: "SNNInterop", targets: ["SNNInterop"]),
        .library(name: "SNNReport", targets: ["SNNReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C shims: the only C in the project.
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .target(name: "HDF5Shim", dependencies: ["CHDF5"], path: "Sources/HDF5Shim"),
        // oneDNN's convolutions (JIT kernels picked for the CPU at run time), behind a small C API,
        // and the event-driven convolution kernels (compiled per instruction set, picked at run time).
        .target(
            name: "DNNLShim", path: "Sources/DNNLShim",
            linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // The error protocol every library error adopts (reason, location, hint); no dependencies.
        .target(name: "SNNDiagnostics"),

        // Pipeline stages, bottom up.
        .target(name: "SNNStore", dependencies: ["HDF5Shim", "SNNDiagnostics"]),
        .target(name: "SNNTensor", dependencies: ["CBLAS", "DNNLShim"]),
        .target(name: "SNNData", dependencies: ["SNNTensor", "CZlib", "SNNDiagnostics"]),
        .target(name: "SNNTrain", dependencies: ["SNNTensor", "SNNData", "SNNStore", "SNNIR", "SNNDiagnostics"]),
        .target(name: "SNNTickets", dependencies: ["SNNTrain", "SNNData", "SNNTensor", "SNNStore", "SNNDiagnostics"]),
        .target(name: "SNNIR", dependencies: ["SNNDiagnostics"]),
        .target(name: "SNNCompiler", dependencies: ["SNNIR", "SNNDiagnostics"]),
        .target(name: "SNNFormat", dependencies: ["SNNIR", "SNNStore", "SNNDiagnostics"]),
        .target(name: "SNNSimulator", dependencies: ["SNNIR", "SNNDiagnostics"]),
        // The float model against the integer simulation of its deployment (snnc simulate --compare).
        .target(name: "SNNCompare", dependencies: ["SNNTrain", "SNNTensor", "SNNSimulator", "SNNIR", "SNNDiagnostics"]),
        // NIR files <-> trainable snnc models (snnc import, snnc export --format nir).
        .target(name: "SNNInterop", dependencies: ["SNNTrain", "SNNFormat", "SNNTensor", "SNNIR", "SNNDiagnostics"]),
        // The plots of a report (ticket searches, deployments, activity) and their SVG/HTML page (snnc report).
        .target(name: "SNNReport", dependencies: ["SNNTickets", "SNNCompiler", "SNNIR"]),
        // Random and hand-built quantised networks, and their seeded generator (SplitMix64), for the tests and
        // the simulator benchmark.
        .target(name: "SNNSimulatorFixtures", dependencies: ["SNNIR"]),
        .executableTarget(
            name: "snnc",
            dependencies: [
                "SNNDiagnostics", "SNNStore", "SNNTensor", "SNNData", "SNNTrain", "SNNTickets", "SNNIR", "SNNCompiler", "SNNFormat",
                "SNNSimulator", "SNNCompare", "SNNInterop", "SNNReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .executableTarget(
            name: "snnc-bench", dependencies: ["SNNTrain", "SNNData", "SNNTensor", "SNNTickets"],
            path: "Benchmarks/snnc-bench"),

        .testTarget(name: "SNNStoreTests", dependencies: ["SNNStore"]),
        .testTarget(name: "SNNTensorTests", dependencies: ["SNNTensor"]),
        .testTarget(name: "SNNDataTests", dependencies: ["SNNData"]),
        .testTarget(name: "SNNTrainTests", dependencies: ["SNNTrain", "SNNStore", "SNNIR"]),
        .testTarget(name: "SNNTicketsTests", dependencies: ["SNNTickets", "SNNTrain", "SNNData", "SNNTensor", "SNNStore", "snnc"]),
        .testTarget(name: "SNNCompilerTests", dependencies: ["SNNCompiler", "SNNIR"]),
        .testTarget(
            name: "SNNExportTests",
            dependencies: [
                "snnc", "SNNTrain", "SNNCompiler", "SNNFormat", "SNNIR", "SNNStore", "SNNTensor",
                "SNNSimulator", "SNNCompare", "SNNTickets", "SNNData", "SNNSimulatorFixtures",
            ]),
        .testTarget(name: "SNNSimulatorTests", dependencies: ["SNNSimulator", "SNNSimulatorFixtures", "SNNIR"]),
        .testTarget(
            name: "snncTests",
            dependencies: [
                "snnc", "SNNDiagnostics", "SNNStore", "SNNData", "SNNTrain", "SNNTickets",
                "SNNIR", "SNNCompiler", "SNNFormat", "SNNSimulator", "SNNCompare", "SNNInterop", "SNNSimulatorFixtures",
            ]),
        .testTarget(name: "SNNReportTests", dependencies: ["SNNReport", "SNNTickets", "SNNIR", "SNNCompiler"]),
        .testTarget(name: "SNNInteropTests", dependencies: ["SNNInterop", "SNNTrain", "SNNFormat", "SNNTensor", "SNNStore", "snnc"]),

        // Benchmarks (run with -c release, never in `swift test`).
        .executableTarget(
            name: "snnc-sim-bench", dependencies: ["SNNSimulator", "SNNSimulatorFixtures", "SNNIR"],
            path: "Benchmarks/snnc-sim-bench"),
    ]
)
