import CLinux
import Glibc

/// argv-style NULL-terminated C string arrays, valid during `body`.
public func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A program run to completion with a fixed environment, its stdout and stderr collected (a
/// setuid helper must not let a child write to the pipe its caller parses).
public struct CapturedRun: Sendable {
    /// Exit status, or 128 + signal.
    public let status: Int32
    public let output: String

    public static func run(_ argv: [String], environment: [String], outputLimit: Int = 64 << 10) -> CapturedRun? {
        start(argv, environment: environment)?.finish(outputLimit: outputLimit)
    }

    /// A started program whose output is collected at `finish`, so several can run at once.
    public struct Pending: Sendable {
        public let pid: Int32
        let outputFD: Int32

        public func finish(outputLimit: Int = 64 << 10) -> CapturedRun {
            var collected: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if collected.count < outputLimit { collected += chunk[..<n] }
            }
            close(outputFD)
            let status = WaitStatus.wait(for: pid)?.shellStatus ?? 1
            return CapturedRun(status: status, output: String(decoding: collected, as: UTF8.self))
        }
    }

    public static func start(_ argv: [String], environment: [String]) -> Pending? {
        var outputFD: Int32 = -1
        let pid = withCStringArray(argv) { argv in
            withCStringArray(environment) { envp in clinux_spawn_captured(argv, envp, &outputFD) }
        }
        guard pid > 0 else { return nil }
        return Pending(pid: pid, outputFD: outputFD)
    }
}
