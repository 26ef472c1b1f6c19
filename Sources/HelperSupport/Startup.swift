import CLinux
import Glibc
import LinuxSys

/// The first thing every helper does, before it looks at any input.
///
/// argv was captured in C (it survives without /proc, and SWIFT_* variables were already scrubbed
/// by a constructor when AT_SECURE). Here: the environment is cleared (a helper never reads it),
/// fds 0-2 are made to exist (so a file opened later never becomes someone's stdout), the umask
/// is fixed, and the real ids are recorded — every permission check compares against those.
public struct HelperStartup: Sendable {
    public let program: String
    public let arguments: [String]
    public let realUID: UInt32
    public let realGID: UInt32

    public static func begin(program: String) -> HelperStartup {
        let arguments = Array(ProcessArguments.all.dropFirst())
        clearenv()
        ensureStandardDescriptors()
        umask(0o022)
        return HelperStartup(program: program, arguments: arguments, realUID: getuid(), realGID: getgid())
    }

    /// For a helper that changes shared state for its caller (lxc-user-nic), once the real ids are
    /// recorded: limits the caller could lower to make a privileged write fail half-way are
    /// raised and SIGXFSZ and the terminal stop signals are ignored (`clinux_harden_against_caller`),
    /// and a setuid-root helper makes all three uids root, so the caller can no longer signal it
    /// (SIGSTOP while it holds the nic database lock would hang every other user). Steps that must
    /// run with the caller's rights still switch the effective uid to `realUID` and back.
    public func protectFromCaller() {
        _ = clinux_harden_against_caller()
        if geteuid() == 0 && realUID != 0 {
            // Why fail closed: a helper that cannot keep the caller out must not go on to hold the lock.
            guard setresuid(0, 0, 0) == 0 else { HelperOutput.fail(program, "cannot set real uid to root: \(errno)") }
        }
    }

    private static func ensureStandardDescriptors() {
        for fd: Int32 in 0...2 where clinux_fd_is_open(fd) == 0 {
            let opened = clinux_open("/dev/null", O_RDWR, 0)
            // Why: without /dev/null we cannot make 0-2 safe; stop rather than risk writing a
            // message into whatever file gets that number next.
            if opened != fd { _exit(1) }
        }
    }
}

/// Messages and exits in the shape shadow and LXC use: `program: message` on stderr.
public enum HelperOutput {
    public static func standardOutput(_ text: String) { write(1, text) }

    public static func standardError(_ text: String) { write(2, text) }

    public static func fail(_ program: String, _ message: String, status: Int32 = 1) -> Never {
        standardError("\(program): \(message)\n")
        exit(status)
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

extension HelperStartup {
    /// Exits with `status`. Output already went out with write(2), so there is nothing to flush.
    public func exit(_ status: Int32) -> Never { Glibc.exit(status) }
}
