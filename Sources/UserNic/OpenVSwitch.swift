import Glibc
import LinuxSys

/// Open vSwitch ports through `ovs-vsctl`, found only in the fixed directories LXC searches (the
/// caller's PATH is never consulted) and run with a fixed environment, stdin from /dev/null and its
/// output kept off our stdout.
enum OpenVSwitch {
    static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// Why a timeout: we hold the nic database lock while it runs; a dead ovsdb-server must not
    /// stall every other caller forever (ovs-vsctl waits forever by default).
    static let timeoutSeconds = 10

    static func tool() -> String? {
        for directory in searchPath {
            let candidate = directory + "/ovs-vsctl"
            var st = stat()
            if stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o111 != 0 { return candidate }
        }
        return nil
    }

    static func addPort(bridge: String, port: String) throws(UserNic.Failure) {
        try checkNames(bridge, port)
        try run(["add-port", bridge, port], failure: "Failed to attach \"\(port)\" to openvswitch bridge \"\(bridge)\"")
    }

    static func deletePort(bridge: String, port: String) throws(UserNic.Failure) {
        try checkNames(bridge, port)
        try run(["--if-exists", "del-port", bridge, port],
                failure: "Failed to remove port \"\(port)\" from openvswitch bridge \"\(bridge)\"")
    }

    /// Why: a name starting with '-' would be read as an ovs-vsctl option.
    private static func checkNames(_ names: String...) throws(UserNic.Failure) {
        if let bad = names.first(where: { $0.hasPrefix("-") }) {
            throw UserNic.Failure("\"\(bad)\" cannot be used with Open vSwitch: it starts with '-'")
        }
    }

    private static func run(_ command: [String], failure: String) throws(UserNic.Failure) {
        guard let tool = tool() else {
            throw UserNic.Failure(
                "\(command[command.count - 2]) is not a Linux bridge and ovs-vsctl was not found in "
                    + searchPath.joined(separator: ":") + ": install openvswitch-switch to use Open vSwitch bridges")
        }
        let argv = [tool, "--timeout=\(timeoutSeconds)", "--"] + command
        guard let result = CapturedRun.run(argv, environment: ["PATH=" + searchPath.joined(separator: ":")]) else {
            throw UserNic.Failure(failure + ": cannot run \(tool): \(errno)")
        }
        guard result.status == 0 else {
            // Why the last line: ovs-vsctl ends with its error; anything before is chatter.
            let detail = result.output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw UserNic.Failure(failure + " (ovs-vsctl exited with \(result.status))" + detail)
        }
    }
}
