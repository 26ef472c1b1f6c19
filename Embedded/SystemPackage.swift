import Glibc

/// Stand-in for swift-system's `Errno` in Embedded Swift (swift-system itself does not compile
/// there): same name, raw value and description, and the cases the helpers' sources name.
public struct Errno: RawRepresentable, Error, Hashable, CustomStringConvertible, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public var description: String {
        guard let text = strerror(rawValue) else { return "errno \(rawValue)" }
        return String(cString: text)
    }

    public static var interrupted: Errno { Errno(rawValue: EINTR) }
    public static var noSuchFileOrDirectory: Errno { Errno(rawValue: ENOENT) }
    public static var fileExists: Errno { Errno(rawValue: EEXIST) }
    public static var fileTooLarge: Errno { Errno(rawValue: EFBIG) }
    public static var tooManySymbolicLinkLevels: Errno { Errno(rawValue: ELOOP) }
    public static var isDirectory: Errno { Errno(rawValue: EISDIR) }
    public static var ioError: Errno { Errno(rawValue: EIO) }
    public static var invalidArgument: Errno { Errno(rawValue: EINVAL) }
    public static var notPermitted: Errno { Errno(rawValue: EPERM) }
    public static var permissionDenied: Errno { Errno(rawValue: EACCES) }
    public static var resourceTemporarilyUnavailable: Errno { Errno(rawValue: EAGAIN) }
    public static var improperLink: Errno { Errno(rawValue: EXDEV) }
    public static var notSupported: Errno { Errno(rawValue: EOPNOTSUPP) }
    public static var operationNotSupportedByDevice: Errno { Errno(rawValue: ENODEV) }
}
