public import ArgumentParser
import Glibc

/// One voice for a command-line tool built on swift-argument-parser: every error is
/// `PROGRAM: message` on stderr (ours and argument-parser's alike, whose own would start with
/// `Error:`), and the exit status says which kind of failure it was.
///
/// Exit statuses (documented in each man page):
/// - 0: done (or `--help`);
/// - 1: refused or failed: the message says why (a `ToolFailure`), or a check found problems;
/// - 64: the command line is wrong (EX_USAGE, as argument-parser reports it), with the usage.
public enum ToolMain {
    public static func run<Command: ParsableCommand>(_ type: Command.Type, program: String) -> Never {
        do {
            var command = try type.parseAsRoot()
            try command.run()
            exit(0)
        } catch let failure as ToolFailure {
            StandardError.print("\(program): \(failure.message)")
            exit(failure.exitCode)
        } catch {
            let status = type.exitCode(for: error)
            let message = type.fullMessage(for: error)
            if status == .success {
                // --help, --version, a completion script: what was asked for, on stdout.
                if !message.isEmpty { Swift.print(message) }
                exit(0)
            }
            if !message.isEmpty { StandardError.print(voiced(message, program: program)) }
            exit(status.rawValue)
        }
    }

    /// argument-parser's message with its `Error: ` turned into `PROGRAM: `.
    static func voiced(_ message: String, program: String) -> String {
        message.hasPrefix("Error: ") ? program + ": " + message.dropFirst("Error: ".count) : message
    }
}

/// An error a person can act on: printed as `PROGRAM: message`, exit status 1 unless said.
public struct ToolFailure: Error, CustomStringConvertible {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

/// Standard error written with write(2) (no buffering to lose before exit).
public enum StandardError {
    public static func print(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
