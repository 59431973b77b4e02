// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "outcomes",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "outcomes", targets: ["outcomes"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // C shim: the system's libpq (Debian libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Database client: connections, bound queries, typed decoding, COPY, errors.
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")]
        ),
        // Where the service keeps its state: embedded cluster, migrations, paths, secret.
        .target(
            name: "OutcomesStore",
            dependencies: [
                "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Agency extracts: streaming CSV, keyed hashing, staging with COPY, set-based validation.
        .target(
            name: "Ingest",
            dependencies: [
                "OutcomesStore", "PostgresClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Indicator engine: reporting periods, computation and disclosure control (SQL/indicators).
        .target(
            name: "Indicators",
            dependencies: ["OutcomesStore", "PostgresClient", .product(name: "Logging", package: "swift-log")]
        ),
        // Published reports: static HTML (Mustache templates in Reports/) + CSV + manifest, from result.published only.
        .target(
            name: "Publish",
            dependencies: [
                "OutcomesStore", "PostgresClient", "Indicators",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Synthetic statewide extracts and the sample extract (deterministic, streaming).
        .target(
            name: "Synth",
            dependencies: ["OutcomesStore", "PostgresClient", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "outcomes",
            dependencies: [
                "OutcomesStore", "PostgresClient", "Ingest", "Synth", "Indicators", "Publish",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/OutcomesCLI"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["OutcomesStore", "PostgresClient"],
            path: "Tests/TestSupport"
        ),
        // Pure logic: no database needed.
        .testTarget(
            name: "UnitTests",
            dependencies: ["OutcomesStore", "PostgresClient", "Ingest", "Indicators", "Publish", "Synth"]
        ),
        // Against a real PostgreSQL cluster that TestSupport starts and removes.
        .testTarget(
            name: "DatabaseTests",
            dependencies: [
                "TestSupport", "OutcomesStore", "PostgresClient", "Ingest", "Indicators", "Publish", "Synth",
            ]
        ),
    ]
)
