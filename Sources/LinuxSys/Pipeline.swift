import CLinux
import Glibc

/// Two programs run as `first | second` (the download cache's `xz -d | zstd`): nothing in
/// between on disk, and each one's exit status seen (a shell pipeline without pipefail reports
/// the last only). Both write their messages into `messages`, a file, read back on failure.
public struct Pipeline: Sendable {
    public let statuses: (first: Int32, second: Int32)
    public let messages: String

    public var succeeded: Bool { statuses.first == 0 && statuses.second == 0 }

    /// nil when a program cannot be started (or the pipe or the messages file cannot be made).
    public static func run(_ first: [String], _ second: [String], environment: [String], messages path: String) -> Pipeline? {
        var ends: [Int32] = [-1, -1]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { return nil }
        let log = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard log >= 0 else { close(ends[0]); close(ends[1]); return nil }
        defer { close(log); unlink(path) }
        let spawn = { (argv: [String], input: Int32, output: Int32) -> Int32 in
            withCStringArray(argv) { argv in withCStringArray(environment) { envp in clinux_spawn_redirected(argv, envp, input, output, log) } }
        }
        let firstPID = spawn(first, -1, ends[1])
        let secondPID = firstPID > 0 ? spawn(second, ends[0], -1) : -1
        // Ours closed, so each sees the other's end of the pipe close when it exits.
        close(ends[0]); close(ends[1])
        if firstPID > 0 && secondPID <= 0 { kill(firstPID, SIGTERM) }
        let firstStatus = firstPID > 0 ? WaitStatus.wait(for: firstPID)?.shellStatus ?? 1 : 1
        let secondStatus = secondPID > 0 ? WaitStatus.wait(for: secondPID)?.shellStatus ?? 1 : 1
        guard firstPID > 0, secondPID > 0 else { return nil }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        _ = lseek(log, 0, SEEK_SET)
        while text.count < 16 << 10 {
            let n = chunk.withUnsafeMutableBytes { read(log, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            text += chunk[..<n]
        }
        return Pipeline(statuses: (firstStatus, secondStatus), messages: String(decoding: text, as: UTF8.self))
    }
}
