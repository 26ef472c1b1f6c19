import CLinux
import Glibc
public import SystemPackage

/// Runs a C call that reports failure as -1 with errno, retrying on EINTR.
/// One place decides the EINTR policy; callers see a typed `Errno`.
@inline(__always)
public func valueOrErrno<T: FixedWidthInteger>(
    retryOnInterrupt: Bool = true, _ body: () -> T
) throws(Errno) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno(rawValue: errno)
        if retryOnInterrupt && error == .interrupted { continue }
        throw error
    }
}

/// A failed system call with what a person needs to act on it: the operation and the path.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Errno

    public init(_ operation: String, _ path: String, _ errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "cannot \(operation) \(path): \(errno.description)" }
}

/// `valueOrErrno` as a Result, for a call whose failure must be looked at after other clean-up
/// (the errno is read at once, before anything else can change it). EINTR is not retried.
public func valueOrErrnoResult<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    do { return .success(try valueOrErrno(retryOnInterrupt: false, body)) } catch { return .failure(error) }
}
