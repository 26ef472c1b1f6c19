import Glibc
import ImageFetch

// Test support for t_fetch.sh (not installed): fetch-check URL OUT [CA] [SIZE] [LIMIT]
// downloads URL to OUT with HTTPSFetcher and prints `ok BYTES SHA256`, or `error: REASON` and
// exits 1. CA "-" means the system store only; SIZE "-" means none expected.
let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: fetch-check URL OUT [CA|-] [SIZE|-] [LIMIT]")
    exit(2)
}
let ca = args.count > 3 && args[3] != "-" ? args[3] : nil
let size = args.count > 4 && args[4] != "-" ? UInt64(args[4]) : nil
let limit = args.count > 5 ? UInt64(args[5]) ?? (16 << 30) : (16 << 30)
let fd = open(args[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
guard fd >= 0 else { print("error: cannot create \(args[2])"); exit(1) }
do {
    let fetched = try HTTPSFetcher(privateCA: ca).file(args[1], to: fd, path: args[2], expectedSize: size, limit: limit,
                                                       progress: DownloadProgress(label: "download"))
    print("ok \(fetched.bytes) \(fetched.sha256)")
} catch {
    print("error: \(error)")
    exit(1)
}
