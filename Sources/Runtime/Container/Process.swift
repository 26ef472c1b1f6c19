import CLinux
import Glibc
import LinuxSys

/// Runs tools we depend on (usernsexec, lxc-user-nic, hooks) with a fixed environment.
enum Process {
    static let path = Executables.searchPathEnvironment

    /// Runs to completion; nil when it cannot be started.
    static func run(_ argv: [String], environment: [String] = [path]) -> CapturedRun? {
        CapturedRun.run(argv, environment: environment)
    }

    static func check(_ argv: [String], what: String) throws(RuntimeError) {
        guard let result = run(argv) else { throw .cannotRun(argv[0]) }
        guard result.status == 0 else {
            let detail = result.output.split(separator: "\n").suffix(3).joined(separator: "; ")
            throw .toolFailed(what: what, program: argv[0], status: result.status, detail: detail)
        }
    }
}
