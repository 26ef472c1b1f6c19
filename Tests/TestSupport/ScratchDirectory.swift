import Glibc

/// A fresh directory under /tmp for one test, removed with everything in it when the value goes
/// away. The one place unit tests make and clean scratch space.
public final class ScratchDirectory: @unchecked Sendable {
    public let path: String

    /// `label` becomes part of the name, so a leftover says which test made it.
    public init(_ label: String = "unit") {
        var template = Array("/tmp/subid-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { preconditionFailure("mkdtemp failed: errno \(errno)") }
        path = String(cString: made)
    }

    deinit { _ = system("rm -rf '\(path)'") }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `path/name` with `mode`.
    public func write(_ name: String, _ text: String, mode: mode_t = 0o644) {
        let fd = open(file(name), O_WRONLY | O_CREAT | O_TRUNC, mode)
        precondition(fd >= 0, "cannot create \(file(name))")
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        fchmod(fd, mode)
        close(fd)
    }
}
