import IDModel
public import LinuxSys
import SystemPackage

/// Why reading or rewriting /etc/subuid or /etc/subgid failed. Every case leaves the file as it was.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case symlink(path: String)
    case notRegularFile(path: String)
    case io(SystemError)
    case lockWithoutPID(lock: String)
    case lockWithInvalidPID(lock: String, content: String)
    case lockHeld(lock: String, pid: Int32)
    case lockFailed(lock: String, SystemError)
    case passwordLockFailed

    public var description: String {
        switch self {
        case .missing(let path): "\(path) does not exist"
        case .symlink(let path): "\(path) is a symbolic link: refusing to follow it"
        case .notRegularFile(let path): "\(path) is not a regular file"
        case .io(let error): error.description
        case .lockWithoutPID(let lock): "existing lock file \(lock) without a PID; remove it if no tool is running"
        case .lockWithInvalidPID(let lock, let content):
            "existing lock file \(lock) with an invalid PID '\(content)'; remove it if no tool is running"
        case .lockHeld(let lock, let pid): "lock \(lock) already used by PID \(pid); try again later"
        case .lockFailed(let lock, let error): "cannot get lock \(lock): \(error.errno.description)"
        case .passwordLockFailed: "cannot lock /etc/.pwd.lock (another tool holds it); try again later"
        }
    }
}
