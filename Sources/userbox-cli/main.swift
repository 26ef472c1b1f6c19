import ArgumentParser
import CLISupport
import Glibc
import LinuxSys
import Runtime
import IDModel
import SubID

/// userbox: unprivileged containers on the setuid helpers, the way liblxc runs them.
struct Userbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "userbox",
        abstract: "Unprivileged containers: idmapped through newuidmap/newgidmap, networked through lxc-user-nic.",
        discussion: """
            Containers live in ~/.local/share/userbox/NAME (config in LXC's format, rootfs, console.log, userbox.log). \
            Exit status: 0 when done; 1 when refused or failed (the reason follows "userbox:" on stderr); \
            64 when the command line is wrong; attach exits with the command's status.
            """,
        subcommands: [Create.self, Start.self, Attach.self, Stop.self, Wait.self, List.self, Info.self, Destroy.self, ConfigCommand.self,
                      Admin.self, MonitorCommand.self])
}

struct Common: ParsableArguments {
    @Option(name: [.customShort("P"), .long], help: ArgumentHelp("Containers directory (default ~/.local/share/userbox)", valueName: "DIR"))
    var lxcpath: String?

    func container(_ name: String) throws -> Container {
        do { return try Container(name: name, lxcpath: lxcpath) } catch { throw Failure(error.description) }
    }
}

/// An error a person can act on: `userbox: message`, exit 1.
typealias Failure = ToolFailure

func me() throws -> UserRecord {
    guard let user = SystemUserDatabase().user(id: getuid()) else { throw Failure("cannot determine your user name (uid \(getuid()))") }
    return user
}

/// Runs a Runtime call, turning its error into our message.
func attempt<T>(_ body: () throws(RuntimeError) -> T) throws -> T {
    do { return try body() } catch { throw Failure(error.description) }
}

extension Userbox {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a container from the busybox template, a rootfs directory or a tarball.",
            discussion: "The idmap comes from your first subordinate uid and gid ranges (65536 ids each) unless --idmap is given. The rootfs is owned on the host by the container's root ids.")
        @OptionGroup var common: Common
        @Option(name: [.short, .long], help: "busybox, a rootfs directory, or a tarball (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst).")
        var template: RootfsSource = .busybox
        @Option(help: ArgumentHelp("An lxc.idmap value, e.g. 'u 0 2000000 65536' (repeat for g).", valueName: "MAP")) var idmap: [ContainerConfig.IDMap] = []
        @Option(name: [.customShort("f"), .customLong("config")], help: ArgumentHelp("A config file merged into the new container's (lxc-create -f): its lxc.idmap lines are the idmap unless --idmap is given; its rootfs path is ignored.", valueName: "FILE"))
        var configFile: String?
        @Option(help: ArgumentHelp("Extra config lines (KEY=VALUE), appended.", valueName: "LINE")) var set: [String] = []
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            let source = template
            let maps: [ContainerConfig.IDMap]? = idmap.isEmpty ? nil : idmap
            let user = try me()
            let extra = set.map { line -> String in
                guard let eq = line.firstIndex(of: "=") else { return line + "\n" }
                return "\(line[..<eq]) = \(line[line.index(after: eq)...])\n"
            }.joined()
            try attempt { () throws(RuntimeError) in try container.create(from: source, user: user, idmaps: maps, configFile: configFile, extraConfig: extra) }
            print("created \(name) in \(container.paths.directory)")
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a container (detached, with a monitor).")
        @OptionGroup var common: Common
        @Flag(name: [.short, .customLong("daemon")], help: "Detached (the default, as lxc-start's).") var daemon = false
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            let user = try me()
            // The monitor is this very binary, run as `__monitor` (userbox itself forks its monitor).
            guard let exe = Helpers.selfPath else { throw Failure("cannot find my own executable") }
            var monitor = [exe, "__monitor"]
            if let lxcpath = common.lxcpath { monitor += ["--lxcpath", lxcpath] }
            monitor.append(name)
            let state = try attempt { () throws(RuntimeError) in try container.start(user: user, monitor: .spawn(monitor)) }
            print("started \(name): init pid \(state.initPID)")
        }
    }

    struct Attach: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a command in a running container's namespaces (default: /bin/sh).")
        @OptionGroup var common: Common
        @Option(name: [.short, .long], help: "uid inside the container.") var uid: UInt32 = 0
        @Option(name: [.short, .long], help: "gid inside the container (default: the uid).") var gid: UInt32?
        @Argument var name: String
        @Argument(parsing: .postTerminator) var command: [String] = []

        func run() throws {
            let container = try common.container(name)
            let status = try attempt { () throws(RuntimeError) in
                try container.attach(command.isEmpty ? ["/bin/sh"] : command, uid: uid, gid: gid ?? uid)
            }
            throw ExitCode(status)
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a container: its halt signal, then SIGKILL after the timeout.")
        @OptionGroup var common: Common
        @Flag(name: [.short, .long], help: "Kill at once (SIGKILL).") var kill = false
        @Option(name: [.short, .long], help: "Seconds to wait for a clean shutdown.") var timeout = 10
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            try attempt { () throws(RuntimeError) in try container.stop(kill: kill, timeout: timeout) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List containers.")
        @OptionGroup var common: Common
        @Flag(help: "Columns NAME STATE PID IPV4 USER.") var fancy = false

        func run() throws {
            let user = (try? me())?.name ?? String(getuid())
            let all = Container.all(lxcpath: common.lxcpath)
            guard fancy else { for c in all { print(c.name) }; return }
            var rows = [["NAME", "STATE", "PID", "IPV4", "USER"]]
            for c in all {
                let s = c.state
                rows.append([c.name, s == nil ? "STOPPED" : "RUNNING", s.map { String($0.initPID) } ?? "-",
                             s.map { $0.addresses.isEmpty ? "-" : $0.addresses.joined(separator: ", ") } ?? "-", user])
            }
            Table.print(rows)
        }
    }

    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until a container is in one of the given states (lxc-wait).",
            discussion: "STATE is RUNNING or STOPPED, or several joined with '|'. Exit status 0 when reached, 1 after the timeout.")
        @OptionGroup var common: Common
        @Option(name: [.short, .long], help: "Give up after this many seconds (default: wait for ever).") var timeout: Double?
        @Argument var name: String
        @Argument(help: "RUNNING, STOPPED, or both as RUNNING|STOPPED.") var state: String

        func validate() throws {
            if ContainerStatus.set(parsing: state) == nil { throw ValidationError("unknown state '\(state)': use RUNNING or STOPPED") }
        }

        func run() throws {
            let container = try common.container(name)
            guard container.exists else { throw Failure(RuntimeError.notFound(container: name, lxcpath: container.paths.lxcpath).description) }
            guard container.wait(for: ContainerStatus.set(parsing: state) ?? [], timeout: timeout) else {
                throw Failure("\(name) is still \(container.status.rawValue) after \(timeout.map { "\($0)" } ?? "?") s")
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a container's state, init pid, addresses and idmap.")
        @OptionGroup var common: Common
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            let config = try attempt { () throws(RuntimeError) in try container.loadConfig() }
            let state = container.state
            print("Name:           \(name)")
            print("State:          \(state == nil ? "STOPPED" : "RUNNING")")
            if let state {
                print("PID:            \(state.initPID)")
                for a in state.addresses { print("IP:             \(a)") }
            }
            for m in config.idmaps { print("Idmap:          \(m.kind == .uid ? "u" : "g") \(m.inside) \(m.outside) \(m.count)") }
            print("Rootfs:         \(config.rootfs ?? "-")")
            print("Console log:    \(container.paths.consoleLog)")
        }
    }

    struct Destroy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a stopped container and its rootfs.")
        @OptionGroup var common: Common
        @Flag(name: [.short, .long], help: "Kill it first if it runs.") var force = false
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            let user = try me()
            if force && container.isRunning { try attempt { () throws(RuntimeError) in try container.stop(kill: true) } }
            try attempt { () throws(RuntimeError) in try container.destroy(user: user) }
            print("destroyed \(name)")
        }
    }

    struct ConfigCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "config", abstract: "Container configuration.", subcommands: [Check.self])
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Check a container's config as start would (syntax, rootfs, idmap against your ranges).")
            @OptionGroup var common: Common
            @Argument var name: String
            func run() throws {
                let container = try common.container(name)
                let user = try me()
                _ = try attempt { () throws(RuntimeError) in try container.check(user: user) }
                print("\(container.paths.config): OK")
            }
        }
    }

    struct Admin: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Root-only setup for users.", subcommands: [Delegate.self])
        struct Delegate: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Give USER a cgroup subtree (<hierarchy>/userbox/USER) in every mounted hierarchy.")
            @Argument var user: String
            func run() throws {
                guard let record = SystemUserDatabase().user(named: user) else { throw Failure("user '\(user)' does not exist") }
                let made = try attempt { () throws(RuntimeError) in try Cgroups.delegate(to: record) }
                for dir in made { print("delegated \(dir) to \(user)") }
            }
        }
    }

    struct MonitorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__monitor", abstract: "Internal: a container's monitor.", shouldDisplay: false)
        @Option var lxcpath: String?
        @Argument var name: String
        func run() throws {
            let container = try Common.parse(lxcpath.map { ["--lxcpath", $0] } ?? []).container(name)
            let user = try me()
            throw ExitCode(Monitor.run(container, user: user, readyFD: 3))
        }
    }
}

// Every error reads `userbox: message`; exit statuses: 0, 1 (refused or failed), 64 (usage);
// attach exits with the command's status.
ToolMain.run(Userbox.self, program: "userbox")
