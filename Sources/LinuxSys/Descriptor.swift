import CLinux
import Glibc
public import SystemPackage

/// An open file descriptor that this value owns: it is closed exactly once, when the value goes
/// away, on every path out of a scope. Noncopyable, so "closed twice" and "forgotten on an early
/// return" do not compile; `take()` hands the number over when something else will own it (an
/// exec'd child, a C API). Every open is close-on-exec. Errors are the call's `Errno`, read once,
/// through `valueOrErrno`.
///
/// Why not swift-system's `FileDescriptor`: it is a copyable non-owning value (closing is the
/// caller's job), and swift-system does not compile in Embedded Swift, where the setuid helpers
/// are built.
@frozen public struct Descriptor: ~Copyable {
    public let rawValue: Int32

    /// Takes ownership of an open descriptor.
    public init(adopting rawValue: Int32) { self.rawValue = rawValue }

    deinit { _ = Glibc.close(rawValue) }

    /// Gives up ownership: the number stays open and is the caller's to close.
    public consuming func take() -> Int32 {
        let fd = rawValue
        discard self
        return fd
    }

    /// open(2) with O_CLOEXEC added.
    public static func open(_ path: String, _ flags: Int32, mode: UInt32 = 0) throws(Errno) -> Descriptor {
        Descriptor(adopting: try valueOrErrno { clinux_open(path, flags | O_CLOEXEC, mode) })
    }

    /// openat(2) relative to this directory, with O_CLOEXEC added.
    public func open(_ name: String, _ flags: Int32, mode: UInt32 = 0) throws(Errno) -> Descriptor {
        let directory = rawValue
        return Descriptor(adopting: try valueOrErrno { clinux_openat(directory, name, flags | O_CLOEXEC, mode) })
    }

    /// One read(2) into `buffer`, retried on EINTR; the number of bytes read (0 at the end).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let fd = rawValue
        return try valueOrErrno { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// One read(2) of at most `count` bytes (fewer at the end of the file).
    public func read(upTo count: Int) throws(Errno) -> [UInt8] {
        let fd = rawValue
        var got = 0
        var failure: Errno?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Errno) { got = try valueOrErrno { Glibc.read(fd, buffer.baseAddress, buffer.count) } } catch { failure = error }
            initialized = got
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads to the end; more than `limit` bytes is `.fileTooLarge`.
    public func readAll(limit: Int = 64 << 20) throws(Errno) -> [UInt8] {
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let fd = rawValue
            let n = try valueOrErrno { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { return collected }
            guard collected.count + n <= limit else { throw .fileTooLarge }
            collected += chunk[..<n]
        }
    }

    /// Writes every byte, retrying short writes and EINTR.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        let fd = rawValue
        var written = 0
        while written < bytes.count {
            let offset = written
            written += try valueOrErrno { bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) } }
        }
    }

    /// One write(2) of all of `bytes` (for kernel files that take their content in one call); a
    /// short write is `.ioError`.
    public func writeOnce(_ bytes: [UInt8]) throws(Errno) {
        let fd = rawValue
        let wrote = try valueOrErrno { bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }
        guard wrote == bytes.count else { throw .ioError }
    }

    /// lseek(2) to an absolute offset.
    public func seek(to offset: Int) throws(Errno) {
        let fd = rawValue
        _ = try valueOrErrno { lseek(fd, off_t(offset), SEEK_SET) }
    }

    /// fstat(2).
    public func status() throws(Errno) -> stat {
        var st = stat()
        let fd = rawValue
        _ = try valueOrErrno { fstat(fd, &st) }
        return st
    }

    /// A second owned descriptor for the same open file (close-on-exec).
    public func duplicate() throws(Errno) -> Descriptor { try Descriptor.duplicating(rawValue) }

    /// An owned, close-on-exec copy of a descriptor we do not own (one a caller handed us).
    public static func duplicating(_ fd: Int32) throws(Errno) -> Descriptor {
        Descriptor(adopting: try valueOrErrno { clinux_fcntl_int(fd, F_DUPFD_CLOEXEC, 0) })
    }
}

extension Descriptor {
    /// Opens `name` below this procfs directory for a privileged access: no link followed, no
    /// mount crossed, and the file must be on procfs on the directory's own mount (see
    /// `clinux_open_proc_beneath`). A bind mount or a link over the file is `EXDEV` or `ELOOP`.
    public func openProcEntry(_ name: String, _ flags: Int32) throws(Errno) -> Descriptor {
        let directory = rawValue
        return Descriptor(adopting: try valueOrErrno { clinux_open_proc_beneath(directory, name, flags) })
    }

    /// Whether this descriptor is on procfs.
    public var isOnProcfs: Bool { clinux_fd_is_on_procfs(rawValue) == 1 }
}
