import Glibc
import Images
import LinuxSys
import SystemPackage

/// The cached rootfs is decompressed once, when it arrives, and kept as zstd: xz's decoder is
/// most of a create's time (a 44 MiB bookworm rootfs.tar.xz unpacks in 2.4 s, the same tarball as
/// zstd -1 in 0.35 s) for about a third more space in the cache. The codecs' own programs
/// (xz-utils, zstd) run as `xz -d | zstd`: no uncompressed copy on disk, so a tar bomb costs the
/// cache its compressed size only, and zstd's `--stream-size` (from xz's index) makes a short or
/// long stream an error.
extension ImageCache {
    static let zstdProgram = "/usr/bin/zstd"
    static let xzProgram = "/usr/bin/xz"

    /// `staging/rootfs.tar.xz` becomes `staging/rootfs.tar.zst`; returns the file the entry keeps,
    /// its size and what it unpacks to. Without zstd installed the .xz stays as it is.
    public func recompress(_ staging: String, holding lock: Lock) throws(CacheError) -> (file: String, size: UInt64, unpacked: UInt64) {
        let xz = staging + "/" + Self.rootfsName, zst = staging + "/rootfs.tar.zst"
        let unpacked = try Self.unpackedSize(xz)
        guard access(Self.zstdProgram, X_OK) == 0 else { return (Self.rootfsName, try Self.size(xz), unpacked) }
        let run = Pipeline.run([Self.xzProgram, "--decompress", "--stdout", "--threads=0", "--quiet", "--", xz],
                               [Self.zstdProgram, "-1", "-T0", "--quiet", "--stream-size=\(unpacked)", "-o", zst],
                               environment: [Executables.searchPathEnvironment], messages: staging + "/recompress.log")
        if let signal = Interrupts.caught { throw .interrupted(signal) }
        guard let run else { throw .recompression(program: "\(Self.xzProgram) | \(Self.zstdProgram)", status: -1, detail: "cannot run them") }
        guard run.succeeded else {
            let program = run.statuses.first != 0 ? Self.xzProgram : Self.zstdProgram
            throw .recompression(program: program, status: run.statuses.first != 0 ? run.statuses.first : run.statuses.second,
                                 detail: run.messages.split(separator: "\n").prefix(2).joined(separator: "; "))
        }
        guard unlink(xz) == 0 else { throw .system(SystemError("remove", xz, Errno(rawValue: errno))) }
        return ("rootfs.tar.zst", try Self.size(zst), unpacked)
    }

    static func size(_ path: String) throws(CacheError) -> UInt64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw .system(SystemError("stat", path, Errno(rawValue: errno))) }
        return UInt64(st.st_size)
    }

    /// The uncompressed size from xz's index (`xz --robot --list`: totals, field 4).
    static func unpackedSize(_ xz: String) throws(CacheError) -> UInt64 {
        let run = CapturedRun.run([xzProgram, "--robot", "--list", "--", xz], environment: [Executables.searchPathEnvironment])
        guard let run, run.status == 0 else {
            throw .recompression(program: xzProgram, status: run?.status ?? -1, detail: run?.output.split(separator: "\n").first.map(String.init) ?? "cannot run it")
        }
        for line in run.output.split(separator: "\n") where line.hasPrefix("totals\t") {
            let fields = line.split(separator: "\t")
            if fields.count > 4, let size = UInt64(fields[4]) { return size }
        }
        throw .recompression(program: xzProgram, status: 0, detail: "no uncompressed size in its --list output")
    }
}
