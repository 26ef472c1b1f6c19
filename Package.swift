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
        .library(name: "userbox-capi", type: .dynamic, targets: ["UserboxC"]),
        // libsubid-compat.so, installed as libsubid.so.4 (and .5): shadow's libsubid C API.
        .library(name: "subid-compat", type: .dynamic, targets: ["LibSubID"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation --target Runtime` (make api-docs): the Swift
        // API's DocC catalogue. A command plugin only: nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        // HTTPS downloads for the download template (libcurl), and sha256 (OpenSSL's libcrypto,
        // which libcurl already loads).
        .systemLibrary(name: "CLibcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibcrypto", providers: [.apt(["libssl-dev"])]),

        // Swift libraries: no Foundation in any of these. Each line says what the module is for;
        // its dependencies are exactly what its sources import (scripts/module-graph check, run by
        // make test), and the Embedded build takes its order from here.

        // Ids, ranges and map lines: the vocabulary every other module speaks. Pure values.
        .target(name: "IDModel", swiftSettings: strict),
        // The typed OS layer: owned descriptors, errno, files, processes, the name service.
        .target(name: "LinuxSys", dependencies: ["CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // shadow's files: /etc/subuid and /etc/subgid (parse, lock, store), login.defs, allocation,
        // the map authorisation policy.
        .target(name: "SubID", dependencies: ["IDModel", "LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // What getsubids and libsubid answer: getsubids's grammar, ranges, owners, grants.
        .target(name: "SubIDQuery", dependencies: ["IDModel", "LinuxSys", "SubID"], swiftSettings: strict),
        // A setuid helper's start: argv from C, environment cleared, fds 0-2, the caller kept out.
        .target(name: "HelperSupport", dependencies: ["LinuxSys", "CLinux"], swiftSettings: strict),
        // Audit records (libaudit) and authpriv syslog lines for changes and refusals.
        .target(name: "AuditTrail", dependencies: ["IDModel", "LinuxSys", "CLinux", "CLibaudit"], swiftSettings: strict),
        // newuidmap and newgidmap: their grammar and shadow's checks, in shadow's order, on a /proc dirfd.
        .target(
            name: "MapHelper",
            dependencies: ["AuditTrail", "HelperSupport", "IDModel", "LinuxSys", "SubID", "CLinux", "CLibcap", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // The caller's side of newuidmap/newgidmap: locate, run, wait; used by usernsexec and Runtime.
        .target(name: "IDMapClient", dependencies: ["IDModel", "LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // rtnetlink: pure encode/decode plus a socket; for lxc-user-nic.
        .target(name: "Netlink", dependencies: ["LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // lxc-user-nic: its grammar, /etc/lxc/lxc-usernet, the locked nic database, veths.
        .target(name: "UserNic", dependencies: ["LinuxSys", "Netlink", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // Shift or remove trees owned by mapped ids; used by usernsexec and Runtime.
        .target(name: "IDShift", dependencies: ["IDModel", "LinuxSys", "CLinux", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // usernsexec: its grammar, default maps, the fork into a new user namespace.
        .target(
            name: "NamespaceExec", dependencies: ["IDMapClient", "IDModel", "LinuxSys", "SubID", "CLinux", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // The PAM session module: ranges at first login.
        .target(name: "PamSubID", dependencies: ["AuditTrail", "IDModel", "LinuxSys", "SubID", "CLibpam"], swiftSettings: strict),
        .target(
            name: "PamModule", dependencies: ["AuditTrail", "PamSubID", "CLibpam"], swiftSettings: strict,
            linkerSettings: [.unsafeFlags([
                // The Swift runtime goes inside the module: sshd or login must not need the toolchain.
                "-static-stdlib", "-Xclang-linker", "-static-libgcc", "-L\(packageDirectory)/.build-cxx",
                "-Xlinker", "--version-script=\(packageDirectory)/pam/pam_subid.map",
                "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro",
            ])]),
        // libsubid's C entry points over SubIDQuery's SubIDLibrary.
        .target(
            name: "LibSubID", dependencies: ["AuditTrail", "IDModel", "LinuxSys", "SubID", "SubIDQuery"], swiftSettings: strict,
            linkerSettings: [.unsafeFlags([
                // As pam_subid: the Swift runtime inside, only subid_* exported; the soname of
                // shadow's ABI 4 library, whose callers (Debian's podman) it stands in for.
                "-static-stdlib", "-Xclang-linker", "-static-libgcc", "-L\(packageDirectory)/.build-cxx",
                "-Xlinker", "--version-script=\(packageDirectory)/libsubid/libsubid.map",
                "-Xlinker", "-soname", "-Xlinker", "libsubid.so.4",
                "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro",
            ])]),
        // subid doctor: every reason a user could not start an unprivileged container here.
        .target(name: "Doctor", dependencies: ["IDModel", "LinuxSys", "SubID", "UserNic", "CLinux"], swiftSettings: strict),
        // What the two argument-parser CLIs (subid, userbox-cli) share: one error voice and exit
        // statuses, the table printer, JSON, typed arguments.
        .target(
            name: "CLISupport", dependencies: ["IDModel", "SubID", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        // A container's cgroups: the host's layout, placement below the caller's cgroup, limits,
        // freezer, usage.
        .target(name: "ContainerCgroups", dependencies: ["LinuxSys", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // Images for userbox's download template: LXC's image index and simplestreams (parse,
        // select), the download cache. Not for setuid code (it uses Foundation's JSON decoder).
        .target(name: "Images", swiftSettings: strict),
        // HTTPS downloads (libcurl): system CA store or a private CA, proxies from the environment,
        // size limits, sha256 while writing, a progress bar.
        .target(name: "ImageFetch", dependencies: ["IDShift", "Images", "LinuxSys", "CLibcrypto", "CLibcurl", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // The download template: the server's catalog (either protocol), cache use, checked
        // downloads (sha256, gpgv signatures), the image's metadata.
        // libuserbox.so.1: the C ABI (capi/userbox.h) over Runtime and the download template; the
        // Swift runtime inside, only userbox_* exported (capi/userbox.map), for C and Python callers.
        .target(
            name: "UserboxC", dependencies: ["ImageFetch", "ImageTemplate", "LinuxSys", "Runtime"], swiftSettings: strict,
            linkerSettings: [.unsafeFlags([
                "-static-stdlib", "-Xclang-linker", "-static-libgcc", "-L\(packageDirectory)/.build-cxx",
                "-Xlinker", "--version-script=\(packageDirectory)/capi/userbox.map",
                "-Xlinker", "-soname", "-Xlinker", "libuserbox.so.1",
                "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro",
            ])]),
        .target(name: "ImageTemplate", dependencies: ["IDShift", "ImageFetch", "Images", "LinuxSys", "Runtime", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        // userbox's runtime: LXC's config format, create, start (the monitor), attach, stop.
        .target(
            name: "Runtime",
            dependencies: ["ContainerCgroups", "IDMapClient", "IDModel", "LinuxSys", "SubID", "CContainer", "CLibseccomp", "CLinux",
                           .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),

        // The setuid helpers (the Makefile stages their Embedded builds).
        .executableTarget(
            name: "newuidmap", dependencies: ["MapHelper", "IDModel"], swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "newgidmap", dependencies: ["MapHelper", "IDModel"], swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "lxc-user-nic", dependencies: ["AuditTrail", "HelperSupport", "LinuxSys", "UserNic"],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        // getsubids is exec'd by podman/rootlesskit on every container start: helper-style, fixed CLI.
        .executableTarget(
            name: "getsubids", dependencies: ["HelperSupport", "LinuxSys", "SubID", "SubIDQuery"],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "usernsexec",
            dependencies: ["HelperSupport", "IDModel", "IDShift", "LinuxSys", "NamespaceExec", "SubID", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // userbox: start, attach, stop and the monitor, without argument-parser (exec'd on every
        // container start and attach: linked like the helpers for start-up time); the rest is
        // userbox-cli's, which it execs.
        .executableTarget(
            name: "userbox", dependencies: ["LinuxSys", "Runtime"], swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "userbox-cli", dependencies: ["CLISupport", "ContainerCgroups", "IDModel", "ImageFetch", "ImageTemplate", "Images", "LinuxSys", "Runtime", "SubID", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict, linkerSettings: hardenedLinker),
        .executableTarget(
            name: "subid", dependencies: ["AuditTrail", "CLISupport", "Doctor", "IDModel", "LinuxSys", "SubID", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strict),

        // libFuzzer targets; built only by `make fuzz` with -sanitize=fuzzer,address -parse-as-library.
        .target(name: "CFuzz", path: "Fuzz/CFuzz"),
        .executableTarget(
            name: "fuzz-parsers",
            dependencies: ["CFuzz", "IDModel", "MapHelper", "NamespaceExec", "Netlink", "PamSubID", "Runtime", "SubID", "UserNic"],
            path: "Fuzz/FuzzParsers", swiftSettings: strict),
        // Test support for the root integration tests; not a product, not installed.
        .executableTarget(name: "netlink-check", dependencies: ["Netlink"], path: "Tests/NetlinkCheck", swiftSettings: strict),
        .executableTarget(name: "fetch-check", dependencies: ["ImageFetch"], path: "Tests/FetchCheck", swiftSettings: strict),

        // One scratch-directory helper for every unit test target.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "SubIDTests", dependencies: ["IDModel", "LinuxSys", "SubID", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SubIDQueryTests", dependencies: ["IDModel", "LinuxSys", "SubIDQuery", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "UserNicTests", dependencies: ["IDModel", "LinuxSys", "UserNic", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        .testTarget(name: "IDShiftTests", dependencies: ["IDModel", "IDShift", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "NamespaceExecTests", dependencies: ["IDModel", "NamespaceExec", "SubID"], swiftSettings: strict),
        .testTarget(name: "MapHelperTests", dependencies: ["IDModel", "MapHelper", "SubID"], swiftSettings: strict),
        .testTarget(name: "ContainerCgroupsTests", dependencies: ["ContainerCgroups", "LinuxSys"], swiftSettings: strict),
        .testTarget(name: "RuntimeTests", dependencies: ["ContainerCgroups", "IDModel", "Runtime", "SubID", "UserNic", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "ImageFetch", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "IDModel", "SubID", "UserNic"], swiftSettings: strict),
        .testTarget(name: "PamSubIDTests", dependencies: ["AuditTrail", "IDModel", "LinuxSys", "PamSubID", "SubID", "TestSupport"], swiftSettings: strict),
    ]
)
