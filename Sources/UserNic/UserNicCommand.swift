import LinuxSys

/// lxc-user-nic's command line (LXC 2.1+):
/// `create LXCPATH NAME PID TYPE BRIDGE [NICNAME]` and `delete LXCPATH NAME NETNS_PATH TYPE BRIDGE [HOSTVETH]`.
public enum UserNicCommand: Equatable, Sendable {
    case create(pid: Int32, type: String, link: String, nicName: String?)
    case delete(netnsPath: String, type: String, link: String, hostInterface: String?)

    public enum Failure: Error, Equatable, Sendable {
        case usage
        case badPID(String)
        case badName(String)
    }

    public static let usage = """
        Description:
          Manage nics in another network namespace

        Usage:
          lxc-user-nic [command]

        Available Commands:
          create {lxcpath} {name} {pid} {type} {bridge} {container nicname}
          delete {lxcpath} {name} {/proc/<pid>/ns/net} {type} {bridge} {container nicname}

        """

    public static func parse(_ arguments: [String]) -> Result<UserNicCommand, Failure> {
        guard arguments.count == 6 || arguments.count == 7 else { return .failure(.usage) }
        let type = arguments[4], link = arguments[5]
        let last = arguments.count == 7 ? arguments[6] : nil
        // Why: TYPE and LINK go into /run/lxc/nics as words; LINK names an interface or "none".
        guard isWord(type) else { return .failure(.badName(type)) }
        guard link == "none" || NetworkInterfaceName.isValid(link) else { return .failure(.badName(link)) }
        if let last, !NetworkInterfaceName.isValid(last) { return .failure(.badName(last)) }
        switch arguments[0] {
        case "create":
            let text = arguments[3]
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.count <= 10,
                let pid = Int32(text), pid > 0
            else { return .failure(.badPID(text)) }
            return .success(.create(pid: pid, type: type, link: link, nicName: last))
        case "delete":
            return .success(.delete(netnsPath: arguments[3], type: type, link: link, hostInterface: last))
        default:
            return .failure(.usage)
        }
    }

    static func isWord(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count < 100 && s.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
