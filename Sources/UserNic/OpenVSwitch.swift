import Glibc
import LinuxSys

/// Open vSwitch ports through `ovs-vsctl`, found only in the fixed directories LXC searches (the
/// caller's PATH is never consulted) and run with a fixed environment, stdin from /dev/null and its
/// output kept off our stdout.
public enum OpenVSwitch {
    public enum Failure: Error, CustomStringConvertible {
        /// Why: a name starting with '-' would be read as an ovs-vsctl option.
        case optionLikeName(String)
        case toolMissing(link: String)
        case cannotRun(String, tool: String)
        case toolFailed(String, status: Int32, detail: String)

        public var description: String {
            switch self {
            case .optionLikeName(let name): "\"\(name)\" cannot be used with Open vSwitch: it starts with '-'"
            case .toolMissing(let link):
                "\(link) is not a Linux bridge and ovs-vsctl was not found in \(Executables.searchPath): "
                    + "install openvswitch-switch to use Open vSwitch bridges"
            case .cannotRun(let what, let tool): "\(what): cannot run \(tool)"
            case .toolFailed(let what, let status, let detail): "\(what) (ovs-vsctl exited with \(status))" + detail
            }
        }
    }

    /// Why a timeout: we hold the nic database lock while it runs; a dead ovsdb-server must not
    /// stall every other caller forever (ovs-vsctl waits forever by default).
    static let timeoutSeconds = 10

    static func tool() -> String? {
        Executables.directories(of: Executables.searchPath).map { $0 + "/ovs-vsctl" }.first(where: Executables.isExecutableFile)
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
            throw .openVSwitch(.optionLikeName(bad))
        }
    }

    private static func run(_ command: [String], failure: String) throws(UserNic.Failure) {
        guard let tool = tool() else {
            throw .openVSwitch(.toolMissing(link: command[command.count - 2]))
        }
        let argv = [tool, "--timeout=\(timeoutSeconds)", "--"] + command
        guard let result = CapturedRun.run(argv, environment: [Executables.searchPathEnvironment]) else {
            throw .openVSwitch(.cannotRun(failure, tool: tool))
        }
        guard result.status == 0 else {
            // Why the last line: ovs-vsctl ends with its error; anything before is chatter.
            let detail = result.output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw .openVSwitch(.toolFailed(failure, status: result.status, detail: detail))
        }
    }
}
