// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Privileged or exec-per-container binaries: full RELRO, and as little dynamic linking as glibc
// allows. The Makefile builds them with --static-swift-stdlib (setuid ignores $ORIGIN rpaths) and
// puts a libstdc++.a link in .build-cxx, which -L finds before the shared libstdc++: the C++
// runtime under Swift's then needs no symbol look-ups at start (measured: 3.5 ms -> 1.8 ms per
// newuidmap call). glibc itself stays dynamic: NSS modules (systemd, sss, ldap) are dlopened and
// crash in a static-PIE binary (measured: libnss_systemd, getpwnam of an unknown user).
// lld packs the ~17,000 relative relocations of the Swift runtime into DT_RELR (glibc 2.36+):
// 859k -> 767k instructions per newuidmap call (shadow's: 756k).
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
let hardenedLinker: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro",
        "-Xlinker", "--as-needed", "-L\(packageDirectory)/.build-cxx", "-Xclang-linker", "-static-libgcc",
        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    ])
]

let package = Package(
    name: "subid-toolkit",
    products: [
        .executable(name: "newuidmap", targets: ["newuidmap"]),
        .executable(name: "newgidmap", targets: ["newgidmap"]),
        .executable(name: "lxc-user-nic", targets: ["lxc-user-nic"]),
        .executable(name: "usernsexec", targets: ["usernsexec"]),
        .executable(name: "userbox", targets: ["userbox"]),
        .executable(name: "userbox-cli", targets: ["userbox-cli"]),
        .executable(name: "subid", targets: ["subid"]),
        .executable(name: "getsubids", targets: ["getsubids"]),
        .library(name: "SubID", targets: ["SubID"]),
        // pam_subid.so (installed under that name): a PAM session module.
        .library(name: "pam_subid", type: .dynamic, targets: ["PamModule"]),
        .library(name: "Runtime", targets: ["Runtime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C: our shim (argv capture, privileged-environment scrub, GNU-only declarations).
        .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),
        // C for containers: clone to exec in the child, and attach (setns).
        .target(name: "CContainer", cSettings: [.define("_GNU_SOURCE")]),
        // The Debian -dev libraries we link.
        // No pkgConfig for libcap: its -L/usr/lib/... would come before .build-cxx, where the helpers find
        // libcap.a (the module map links "cap" by itself).
        .systemLibrary(name: "CLibcap", providers: [.apt(["libcap-dev"])]),
        .systemLibrary(name: "CLibseccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "CLibpam", pkgConfig: "pam", providers: [.apt(["libpam0g-dev"])]),
        // libaudit's header only: AuditTrail loads libaudit.so.1 when it sends a record (see there).
        .systemLibrary(name: "CLibaudit", providers: [.apt(["libaudit-dev"])]),

        // Swift libraries: no Foundation in any of these.
        .target(
            name: "LinuxSys",
            dependencies: ["CLinux", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        .target(name: "SubID", dependencies: ["LinuxSys"], swiftSettings: strict),
        .target(name: "HelperSupport", dependencies: ["LinuxSys"], swiftSettings: strict),
        // Audit records (libaudit) and authpriv syslog lines for changes and refusals.
        .target(name: "AuditTrail", dependencies: ["SubID", "LinuxSys", "CLinux", "CLibaudit"], swiftSettings: strict),
        // newuidmap and newgidmap: shadow's checks, in shadow's order, on a /proc dirfd.
        .target(name: "MapHelper", dependencies: ["SubID", "HelperSupport", "AuditTrail", "LinuxSys", "CLinux", "CLibcap"],
                swiftSettings: strict),

        // setuid helpers (later issues; honest placeholders until then).
        .executableTarget(
            name: "newuidmap", dependencies: ["MapHelper", "SubID"],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "newgidmap", dependencies: ["MapHelper", "SubID"],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "lxc-user-nic", dependencies: ["SubID", "HelperSupport", "AuditTrail", "LinuxSys", "UserNic"],
            swiftSettings: strict, linkerSettings: hardenedLinker),

        // The PAM session module: ranges at first login.
        .target(name: "PamSubID", dependencies: ["SubID", "LinuxSys", "AuditTrail", "CLibpam"], swiftSettings: strict),
        .target(
            name: "PamModule", dependencies: ["PamSubID", "AuditTrail", "CLibpam"], swiftSettings: strict,
            linkerSettings: [.unsafeFlags([
                // The Swift runtime goes inside the module: sshd or login must not need the toolchain.
                "-static-stdlib", "-Xclang-linker", "-static-libgcc", "-L\(packageDirectory)/.build-cxx",
                "-Xlinker", "--version-script=\(packageDirectory)/pam/pam_subid.map",
                "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro",
            ])]),

        // subid doctor: every reason a user could not start an unprivileged container here.
        .target(name: "Doctor", dependencies: ["SubID", "LinuxSys", "CLinux"], swiftSettings: strict),

        // Unprivileged tools and the runtime.
        .target(
            name: "Runtime",
            dependencies: ["SubID", "LinuxSys", "CLinux", "CContainer", "CLibcap", "CLibseccomp", "IDShift", "NamespaceExec",
                           .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // rtnetlink: pure encode/decode plus a socket; for lxc-user-nic and Runtime.
        .target(
            name: "Netlink",
            dependencies: ["CLinux", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // lxc-user-nic's logic: names, the locked nic database.
        .target(
            name: "UserNic",
            dependencies: ["SubID", "Netlink", "LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // Shift or remove trees owned by mapped ids; used by usernsexec and Runtime.
        .target(
            name: "IDShift",
            dependencies: ["SubID", "CLinux", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        .target(
            name: "NamespaceExec",
            dependencies: ["SubID", "LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        .executableTarget(
            name: "usernsexec",
            dependencies: [
                "NamespaceExec", "IDShift", "SubID", "HelperSupport", "LinuxSys",
                .product(name: "SystemPackage", package: "swift-system"),
            ], swiftSettings: strict),
        // userbox: start, attach, stop and the monitor, without argument-parser (exec'd on every
        // container start and attach: linked like the helpers for start-up time); the rest is
        // userbox-cli's, which it execs.
        .executableTarget(
            name: "userbox", dependencies: ["Runtime", "LinuxSys"],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "userbox-cli",
            dependencies: ["Runtime", "LinuxSys", "SubID", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "subid",
            dependencies: ["SubID", "LinuxSys", "AuditTrail", "Doctor", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        // getsubids is exec'd by podman/rootlesskit on every container start: helper-style, fixed CLI.
        .executableTarget(
            name: "getsubids", dependencies: ["SubID", "HelperSupport"],
            swiftSettings: strict, linkerSettings: hardenedLinker),

        .testTarget(name: "SubIDTests", dependencies: ["SubID", "LinuxSys"], swiftSettings: strict),
        // libFuzzer targets; built only by `make fuzz` with -sanitize=fuzzer,address -parse-as-library.
        .target(name: "CFuzz", path: "Fuzz/CFuzz"),
        .executableTarget(
            name: "fuzz-parsers", dependencies: ["CFuzz", "SubID", "Netlink", "NamespaceExec", "Runtime", "PamSubID"], path: "Fuzz/FuzzParsers",
            swiftSettings: strict),
        // Test support for the root integration tests; not a product, not installed.
        .executableTarget(name: "netlink-check", dependencies: ["Netlink"], path: "Tests/NetlinkCheck", swiftSettings: strict),
        .testTarget(name: "UserNicTests", dependencies: ["UserNic", "SubID", "LinuxSys"], swiftSettings: strict),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink"], swiftSettings: strict),
        .testTarget(name: "IDShiftTests", dependencies: ["IDShift", "SubID"], swiftSettings: strict),
        .testTarget(name: "NamespaceExecTests", dependencies: ["NamespaceExec", "SubID"], swiftSettings: strict),
        .testTarget(name: "MapHelperTests", dependencies: ["MapHelper", "SubID"], swiftSettings: strict),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "SubID", "UserNic", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "SubID"], swiftSettings: strict),
        .testTarget(name: "PamSubIDTests", dependencies: ["PamSubID", "AuditTrail", "SubID"], swiftSettings: strict),
    ]
)
