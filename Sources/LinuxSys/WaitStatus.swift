import CLinux

/// How a child ended, decoded once from waitpid's status word.
public enum WaitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public init(raw: Int32) {
        self = clinux_wifexited(raw) != 0 ? .exited(clinux_wexitstatus(raw)) : .signaled(clinux_wtermsig(raw))
    }

    /// Waits for `pid` (EINTR retried); nil when there is no such child.
    public static func wait(for pid: Int32) -> WaitStatus? {
        let raw = clinux_wait(pid)
        return raw < 0 ? nil : WaitStatus(raw: raw)
    }

    public var succeeded: Bool { self == .exited(0) }

    /// The status a shell would report: the exit code, or 128 + the signal.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
