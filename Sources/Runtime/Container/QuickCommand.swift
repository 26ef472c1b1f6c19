/// The commands that sit on a container's start and attach path, parsed without
/// swift-argument-parser so the `userbox` binary stays small and starts fast. Anything this does
/// not recognise exactly (help, unknown options, other commands) goes to the full CLI, which
/// parses and explains it.
public enum QuickCommand: Equatable, Sendable {
    /// `start [-d] [-P PATH] NAME`.
    case start(name: String, lxcpath: String?)
    /// `attach [-P PATH] [-u UID] [-g GID] NAME [-- COMMAND...]` (`/bin/sh` without a command).
    case attach(name: String, lxcpath: String?, uid: UInt32, gid: UInt32, command: [String])
    /// `stop [-k] [-t SECONDS] [-P PATH] NAME`.
    case stop(name: String, lxcpath: String?, kill: Bool, timeout: Int)
    /// Internal: a container's monitor, spawned by libuserbox's start with the ready pipe on fd 3.
    case monitor(name: String, lxcpath: String?)

    /// The command `arguments` (without the program name) spell, or nil for anything else, which the
    /// full CLI then parses and, if wrong, explains.
    public static func parse(_ arguments: [String]) -> QuickCommand? {
        guard let verb = arguments.first else { return nil }
        var rest = Array(arguments.dropFirst())
        var lxcpath: String?, name: String?, uid: UInt32 = 0, gid: UInt32?, kill = false, timeout = 10, command: [String] = []
        var index = 0
        func value() -> String? {
            index += 1
            return index < rest.count ? rest[index] : nil
        }
        while index < rest.count {
            let word = rest[index]
            if word == "--" {
                guard verb == "attach" else { return nil }
                command = Array(rest[(index + 1)...])
                rest = Array(rest[..<index])
                break
            }
            if word.hasPrefix("--lxcpath=") {
                lxcpath = String(word.dropFirst("--lxcpath=".count))
            } else {
                switch (verb, word) {
                case (_, "-P"), (_, "--lxcpath"): guard let v = value() else { return nil }; lxcpath = v
                case ("start", "-d"), ("start", "--daemon"): break
                case ("attach", "-u"), ("attach", "--uid"): guard let v = value().flatMap({ UInt32($0) }) else { return nil }; uid = v
                case ("attach", "-g"), ("attach", "--gid"): guard let v = value().flatMap({ UInt32($0) }) else { return nil }; gid = v
                case ("stop", "-k"), ("stop", "--kill"): kill = true
                case ("stop", "-t"), ("stop", "--timeout"): guard let v = value().flatMap({ Int($0) }), v >= 0 else { return nil }; timeout = v
                default:
                    guard !word.hasPrefix("-"), name == nil else { return nil }
                    name = word
                }
            }
            index += 1
        }
        guard let name else { return nil }
        switch verb {
        case "start": return .start(name: name, lxcpath: lxcpath)
        case "attach": return .attach(name: name, lxcpath: lxcpath, uid: uid, gid: gid ?? uid, command: command.isEmpty ? ["/bin/sh"] : command)
        case "stop": return .stop(name: name, lxcpath: lxcpath, kill: kill, timeout: timeout)
        case "__monitor": return .monitor(name: name, lxcpath: lxcpath)
        default: return nil
        }
    }
}
