import ArgumentParser
import CLISupport
import ContainerCgroups
import Glibc
import LinuxSys
import Runtime
import ImageFetch
import ImageTemplate
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
        subcommands: [Create.self, Copy.self, Rename.self, Snapshot.self, Start.self, Attach.self, Stop.self, Console.self, Freeze.self, Unfreeze.self, Wait.self, List.self, Info.self, Destroy.self,
                      Images.self, Autostart.self, ConfigCommand.self,
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

/// How a container's monitor is started from here: this very binary as `__monitor` (the lean
/// userbox forks its monitor instead).
func monitorCommand(_ common: Common, _ name: String) throws -> [String] {
    guard let exe = Helpers.selfPath else { throw Failure("cannot find my own executable") }
    return [exe, "__monitor"] + (common.lxcpath.map { ["--lxcpath", $0] } ?? []) + [name]
}

/// Starts `container` with a monitor (this binary); with `foreground`, shows its console from
/// the first line until it stops or the user detaches (start -F). `cleanUp` runs if it cannot start.
func startContainer(_ container: Container, common: Common, user: UserRecord, foreground: Bool, quiet: Bool = false,
                    cleanUp: () -> Void = {}) throws {
    let name = container.name
    let monitor = try monitorCommand(common, name)
    var info = stat()
    let logStart = foreground && stat(container.paths.consoleLog, &info) == 0 ? Int(info.st_size) : 0
    let state: ContainerState
    do { state = try container.start(user: user, monitor: .spawn(monitor), commandLine: true) } catch {
        cleanUp()
        throw Failure(error.description)
    }
    guard foreground else {
        if !quiet { print("started \(name): init pid \(state.initPID)") }
        return
    }
    let end = try attempt { () throws(RuntimeError) in try container.console(banner: false, replayFrom: logStart) }
    if end == .detached { standardError("\nuserbox: detached from \(name)'s console; it keeps running (userbox console \(name) to return)") }
    if end == .closed { standardError("\nuserbox: \(name)'s console closed (the container stopped)") }
}

func standardError(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// Runs a Runtime call, turning its error into our message.
func attempt<T>(_ body: () throws(RuntimeError) -> T) throws -> T {
    do { return try body() } catch { throw Failure(error.description) }
}

extension Userbox {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a container from the busybox template, a distribution image (download), a rootfs directory or a tarball.",
            discussion: """
                The idmap comes from your first subordinate uid and gid ranges (65536 ids each) unless --idmap is given. \
                The rootfs is owned on the host by the container's root ids. With -t download the image comes from an \
                image server (LXC's index or simplestreams), as lxc-create -t download: the options after -- are \
                -d DIST -r RELEASE -a ARCH [--variant V] [--server HOST] [--flush-cache] [--force-cache] [--ca FILE] \
                [--keyring FILE]; images are cached in ~/.cache/userbox/download.
                """)
        @OptionGroup var common: Common
        @Option(name: [.short, .long], help: "busybox, download, a rootfs directory, or a tarball (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst).")
        var template: RootfsSource = .busybox
        @Option(help: ArgumentHelp("An lxc.idmap value, e.g. 'u 0 2000000 65536' (repeat for g).", valueName: "MAP")) var idmap: [ContainerConfig.IDMap] = []
        @Option(name: [.customShort("f"), .customLong("config")], help: ArgumentHelp("A config file merged into the new container's (lxc-create -f): its lxc.idmap lines are the idmap unless --idmap is given; its rootfs path is ignored.", valueName: "FILE"))
        var configFile: String?
        @Option(help: ArgumentHelp("Extra config lines (KEY=VALUE), appended.", valueName: "LINE")) var set: [String] = []
        @Option(name: [.customShort("B"), .customLong("bdev")], help: ArgumentHelp("Storage of the rootfs: dir, or btrfs (a subvolume; the containers directory must be on btrfs).", valueName: "TYPE"))
        var storage: String = "dir"
        @Argument var name: String
        @Argument(parsing: .postTerminator, help: ArgumentHelp("The template's options (-t download: -d DIST -r RELEASE -a ARCH ...).", valueName: "TEMPLATE-OPTIONS"))
        var templateOptions: [String] = []

        func validate() throws {
            if case .download = template {} else if !templateOptions.isEmpty {
                throw ValidationError("options after -- are for -t download only")
            }
        }

        /// Ctrl-C (or SIGTERM/SIGHUP) stops the create where it can be undone.
        var interrupted: Failure { Failure("interrupted: \(name) was not created, nothing was left behind", exitCode: 130) }

        func run() throws {
            let container = try common.container(name)
            _ = Interrupts.catchThem()
            let maps: [ContainerConfig.IDMap]? = idmap.isEmpty ? nil : idmap
            let user = try me()
            let extra = set.map { line -> String in
                guard let eq = line.firstIndex(of: "=") else { return line + "\n" }
                return "\(line[..<eq]) = \(line[line.index(after: eq)...])\n"
            }.joined()
            guard let backend = CopyOptions.Backend(rawValue: storage), backend != .overlay else { throw ValidationError("-B takes dir or btrfs, not '\(storage)'") }
            var message: String?
            do {
                if case .download = template {
                    let (options, fetcher) = try downloadOptions(templateOptions)
                    message = try container.create(download: options, fetcher: fetcher, user: user, idmaps: maps, configFile: configFile,
                                                   extraConfig: extra, storage: backend, say: { print($0); fflush(nil) },
                                                   progress: { DownloadProgress(label: $0) })
                } else {
                    try container.create(from: template, user: user, idmaps: maps, configFile: configFile, extraConfig: extra, storage: backend)
                }
            } catch let error as ImageCreateError {
                if error.interruption != nil { throw Failure(error.description + "; nothing was cached", exitCode: 130) }
                // Create removed what it made; a stopped unpack fails with the tar's message.
                if Interrupts.caught != nil { throw interrupted }
                throw Failure(error.description)
            } catch let error as RuntimeError {
                if Interrupts.caught != nil { throw interrupted }
                throw Failure(error.description)
            }
            // Caught too late to stop the unpack (a signal to userbox alone): undone here.
            if Interrupts.caught != nil {
                _ = try? container.destroy(user: user)
                throw interrupted
            }
            if let message {
                print("\n---\n" + message, terminator: message.hasSuffix("\n") ? "" : "\n")
            }
            print("created \(name) in \(container.paths.directory)")
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a container (detached, with a monitor).")
        @OptionGroup var common: Common
        @Flag(name: [.short, .customLong("daemon")], help: "Detached (the default, as lxc-start's).") var daemon = false
        @Flag(name: [.customShort("F"), .customLong("foreground")],
              help: "Stay attached: the console on this terminal from the first line until the container stops (Ctrl+a q detaches; it runs on).")
        var foreground = false
        @Argument var name: String

        func validate() throws {
            if daemon && foreground { throw ValidationError("-d and -F exclude each other") }
        }

        func run() throws {
            try startContainer(try common.container(name), common: common, user: try me(), foreground: foreground)
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
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List containers (lxc-ls).",
            discussion: "--fancy prints lxc-ls's columns; -F picks them from name, state, autostart, groups, ipv4, ipv6, unprivileged, pid, user.")
        @OptionGroup var common: Common
        @Flag(name: [.short, .long], help: "Columns NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED.") var fancy = false
        @Option(name: [.customShort("F"), .customLong("fancy-format")], help: ArgumentHelp("Comma-separated columns for --fancy.", valueName: "COLUMNS"))
        var columns: String = "name,state,autostart,groups,ipv4,ipv6,unprivileged"

        static let known = ["name", "state", "autostart", "groups", "ipv4", "ipv6", "unprivileged", "pid", "user"]

        func validate() throws {
            for c in columns.split(separator: ",") where !List.known.contains(String(c).lowercased()) {
                throw ValidationError("unknown column '\(c)': use \(List.known.joined(separator: ", "))")
            }
        }

        func run() throws {
            let user = (try? me())?.name ?? String(getuid())
            let all = Container.all(lxcpath: common.lxcpath)
            // What a killed monitor left goes here too (lxc-ls shows only; we also tidy up).
            for c in all { c.reapCgroups() }
            guard fancy else { for c in all { print(c.name) }; return }
            let chosen = columns.split(separator: ",").map { String($0).lowercased() }
            var rows = [chosen.map { $0.uppercased() }]
            for c in all {
                let s = c.state
                let config = try? c.loadConfig(lenient: true)
                rows.append(chosen.map { column in
                    switch column {
                    case "name": c.name
                    case "state": s == nil ? "STOPPED" : c.status.rawValue
                    case "autostart": config?.startAuto == true ? "1" : "0"
                    case "groups": config.map { $0.groups.isEmpty ? "-" : $0.groups.joined(separator: ",") } ?? "-"
                    case "ipv4": s.map { $0.addresses.isEmpty ? "-" : $0.addresses.joined(separator: ", ") } ?? "-"
                    case "ipv6": "-"
                    case "unprivileged": "true"
                    case "pid": s.map { String($0.initPID) } ?? "-"
                    default: user
                    }
                })
            }
            Table.print(rows)
        }
    }

    struct Autostart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start (or stop) the containers with lxc.start.auto = 1, as lxc-autostart.",
            discussion: """
                Without -g, the autostart containers in no group; -g GROUP (repeatable, in that order) those \
                of the groups named; -a all of them. Within a group, lxc.start.order from the highest, ties by \
                name; after each start, lxc.start.delay seconds. -s, -k and -r act in the reverse order. \
                Exit status 1 when any container failed.
                """)
        @OptionGroup var common: Common
        @Option(name: [.short, .customLong("groups")], help: ArgumentHelp("A group to act on (repeatable; '' is the containers in no group).", valueName: "GROUP"))
        var group: [String] = []
        @Flag(name: [.short, .long], help: "Every autostart container, whatever its groups.") var all = false
        @Flag(name: [.short, .long], help: "Shut them down (their halt signal, then SIGKILL after the timeout).") var shutdown = false
        @Flag(name: [.short, .long], help: "Kill them.") var kill = false
        @Flag(name: [.short, .long], help: "Reboot them (stop, then start).") var reboot = false
        @Flag(name: [.customShort("L"), .long], help: "List what would be done, with each delay.") var list = false
        @Option(name: [.short, .long], help: "Seconds to wait for a clean shutdown.") var timeout = 10

        func validate() throws {
            if [shutdown, kill, reboot].filter({ $0 }).count > 1 { throw ValidationError("-s, -k and -r exclude each other") }
            if all && !group.isEmpty { throw ValidationError("-a and -g exclude each other") }
        }

        func run() throws {
            let user = try me()
            let candidates = Container.all(lxcpath: common.lxcpath).compactMap { c in
                (try? c.loadConfig(lenient: true)).map { Runtime.Autostart.Candidate(name: c.name, config: $0) }
            }
            let selection: Runtime.Autostart.Selection = all ? .all : group.isEmpty ? .ungrouped : .groups(group)
            var plan = Runtime.Autostart.plan(candidates, selection: selection)
            let stopping = shutdown || kill
            if stopping { plan.reverse() }
            if list {
                for c in plan { print(stopping ? c.name : "\(c.name) \(c.config.startDelay)") }
                return
            }
            var failed = 0
            for c in plan {
                let container = try common.container(c.name)
                do throws(RuntimeError) {
                    if stopping || reboot {
                        if container.isRunning { try container.stop(kill: kill, timeout: timeout) }
                        if !reboot { print("stopped \(c.name)"); continue }
                    }
                    if container.isRunning { continue }
                    guard let monitor = try? monitorCommand(common, c.name) else { throw .cannotRun("userbox-cli (own path unknown)") }
                    let state = try container.start(user: user, monitor: .spawn(monitor), commandLine: true)
                    print("started \(c.name): init pid \(state.initPID)")
                    if c.config.startDelay > 0 { sleep(UInt32(c.config.startDelay)) }
                } catch {
                    StandardError.print("userbox: \(c.name): \(error)")
                    failed += 1
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }

    }

    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until a container is in one of the given states (lxc-wait).",
            discussion: "STATE is RUNNING, FROZEN, THAWED (running, not frozen) or STOPPED, or several joined with '|'. Exit status 0 when reached, 1 after the timeout.")
        @OptionGroup var common: Common
        @Option(name: [.short, .long], help: "Give up after this many seconds (default: wait for ever).") var timeout: Double?
        @Argument var name: String
        @Argument(help: "RUNNING, FROZEN, THAWED or STOPPED, or several as RUNNING|STOPPED.") var state: String

        func validate() throws {
            if ContainerStatus.set(parsing: state) == nil { throw ValidationError("unknown state '\(state)': use RUNNING, FROZEN, THAWED or STOPPED") }
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
        static let configuration = CommandConfiguration(
            abstract: "Show a container's state, init pid, addresses, resource use and nics (lxc-info).",
            discussion: "Resource use comes from the container's cgroups, its nics' byte counts from their host ends (TX: what the container sent).")
        @OptionGroup var common: Common
        @Flag(name: [.customShort("H"), .customLong("no-humanize")], help: "Raw numbers (bytes, nanoseconds).") var raw = false
        @Argument var name: String

        func run() throws {
            let container = try common.container(name)
            let config = try attempt { () throws(RuntimeError) in try container.loadConfig() }
            let state = container.state
            func line(_ key: String, _ value: String) { print(key.padding(15) + " " + value) }
            func size(_ bytes: UInt64) -> String { raw ? String(bytes) : Humanize.bytes(bytes) }
            line("Name:", name)
            line("State:", state == nil ? "STOPPED" : container.status.rawValue)
            if let state {
                line("PID:", String(state.initPID))
                for a in state.addresses { line("IP:", a) }
                let cgroups = container.cgroups
                if let cgroups, !cgroups.isEmpty {
                    let use = cgroups.usage
                    if let ns = use.cpuNanoseconds { line("CPU use:", raw ? String(ns) : Humanize.seconds(nanoseconds: ns)) }
                    if let b = use.blockIOBytes { line("BlkIO use:", size(b)) }
                    if let m = use.memoryBytes { line("Memory use:", size(m)) }
                    if let k = use.kernelMemoryBytes { line("KMem use:", size(k)) }
                    if let p = use.pids { line("Pids:", String(p)) }
                    for m in cgroups.members { line("Cgroup:", m.payload) }
                } else {
                    line("Cgroup:", "none of its own (no writable cgroup: see `userbox start`'s warning in \(container.paths.log))")
                }
                for veth in state.hostVeths {
                    let stats = "/sys/class/net/\(veth)/statistics/"
                    func counter(_ f: String) -> UInt64 { (try? Files.read(stats + f, followSymlinks: true, limit: 64)).flatMap { UInt64(String(decoding: $0, as: UTF8.self).filter(\.isNumber)) } ?? 0 }
                    // The host end receives what the container sends.
                    let tx = counter("rx_bytes"), rx = counter("tx_bytes")
                    line("Link:", veth)
                    line(" TX bytes:", size(tx))
                    line(" RX bytes:", size(rx))
                    line(" Total bytes:", size(tx + rx))
                }
            }
            for m in config.idmaps { line("Idmap:", "\(m.kind == .uid ? "u" : "g") \(m.inside) \(m.outside) \(m.count)") }
            line("Rootfs:", config.rootfs ?? "-")
            line("Console log:", container.paths.consoleLog)
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a stopped container (lxc-copy).",
            discussion: "A dir copy copies the rootfs inside a user namespace with the container's ids (owners, modes, xattrs, ACLs, file capabilities, hard links and holes kept); a dir copy of an overlay container copies its merged view and stands on nothing. -s makes an overlay clone: an empty upper layer over the source's rootfs, mounted when the clone starts; the source then cannot be destroyed until its clones are. The copy gets NEW as its hostname (lxc.uts.name and /etc/hostname) and new MAC addresses unless -K / -M; lxc.hook.clone hooks run with the words after --. -e makes an ephemeral overlay clone (NEW defaults to NAME_XXXXXX), starts it and destroys it when it stops; with a command after --, runs it attached and then shuts the copy down.")
        @OptionGroup var common: Common
        @Flag(name: [.short, .customLong("snapshot")], help: "Copy-on-write: an overlay clone.") var snapshot = false
        @Option(name: [.customShort("B"), .customLong("backingstorage")], help: ArgumentHelp("Storage of the copy: dir, overlay or btrfs.", valueName: "TYPE"))
        var backend: String?
        @Flag(name: [.customShort("K"), .customLong("keepname")], help: "Keep the hostname.") var keepName = false
        @Flag(name: [.customShort("M"), .customLong("keepmac")], help: "Keep the MAC addresses.") var keepMAC = false
        @Flag(name: [.short, .customLong("ephemeral")], help: "An overlay clone that is started now and destroyed when it stops.") var ephemeral = false
        @Flag(name: [.customShort("D"), .customLong("keepdata")], help: "With -e: keep the copy when it stops.") var keepData = false
        @Flag(name: [.customShort("F"), .customLong("foreground")], help: "With -e: the console on this terminal (as start -F).") var foreground = false
        @Flag(name: [.short, .customLong("daemon")], help: "With -e: detached (the default).") var daemon = false
        @Option(name: [.short, .customLong("newpath")], help: ArgumentHelp("Containers directory of the copy (default: the source's).", valueName: "DIR"))
        var newpath: String?
        @Option(name: [.short, .customLong("mount")], help: ArgumentHelp("Bind a host directory into the copy (repeatable).", valueName: "bind=SRC:DEST[:ro]"))
        var mount: [String] = []
        @Argument(help: "The container to copy.") var name: String
        @Argument(help: "The new container's name (with -e: default NAME_XXXXXX).") var newName: String?
        @Argument(parsing: .postTerminator, help: "Arguments for the clone hooks; with -e, a command to run in the copy.") var words: [String] = []

        func validate() throws {
            if let backend, CopyOptions.Backend(rawValue: backend) == nil { throw ValidationError("-B takes dir, overlay or btrfs, not '\(backend)'") }
            for m in mount where Copy.bind(m) == nil {
                throw ValidationError("-m takes bind=SRC:DEST[:ro] with absolute paths, not '\(m)' (overlay= mounts are not available)")
            }
            if newName == nil && !ephemeral { throw ValidationError("give the new container's name (only -e makes one up)") }
            if (keepData || foreground || daemon) && !ephemeral { throw ValidationError("-D, -F and -d go with -e") }
            if foreground && daemon { throw ValidationError("-d and -F exclude each other") }
            if foreground && !words.isEmpty { throw ValidationError("-F and a command exclude each other") }
            if ephemeral, let backend, backend != "overlay" { throw ValidationError("-e makes an overlay clone (-B overlay)") }
        }

        /// `bind=SRC:DEST[:ro]`.
        static func bind(_ spec: String) -> (source: String, destination: String, readOnly: Bool)? {
            guard spec.hasPrefix("bind=") else { return nil }
            let parts = spec.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || (parts.count == 3 && parts[2] == "ro"), parts[0].hasPrefix("/"), parts[1].hasPrefix("/"),
                  !parts[0].contains(" "), !parts[1].contains(" ") else { return nil }
            return (parts[0], parts[1], parts.count == 3)
        }

        /// NAME_XXXXXX, as lxc-copy -e names an unnamed copy.
        static func randomName(_ base: String) -> String {
            let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            return base + "_" + String((0..<6).map { _ in letters.randomElement()! })
        }

        func run() throws {
            let container = try common.container(name)
            let user = try me()
            var options = CopyOptions()
            options.snapshot = snapshot || ephemeral
            options.backend = backend.flatMap(CopyOptions.Backend.init(rawValue:))
            options.keepName = keepName
            options.keepMAC = keepMAC
            options.binds = mount.compactMap(Copy.bind)
            options.ephemeral = ephemeral
            options.keepData = keepData
            options.hookArguments = words
            var target = newName ?? Copy.randomName(name)
            if newName == nil {
                while (try? Runtime.Container(name: target, lxcpath: newpath ?? container.paths.lxcpath))?.exists == true { target = Copy.randomName(name) }
            }
            let copy = try attempt { () throws(RuntimeError) in try container.copy(as: target, lxcpath: newpath, options: options, user: user) }
            guard ephemeral else {
                print("copied \(name) to \(copy.name)")
                return
            }
            print("Created \(copy.name) as clone of \(name)")
            // As lxc-copy -e: a copy that cannot start is removed again (unless -D kept it).
            try startContainer(copy, common: common, user: user, foreground: foreground, quiet: !words.isEmpty) {
                if !keepData { try? copy.destroy(user: user) }
            }
            if !words.isEmpty {
                let status = try attempt { () throws(RuntimeError) in try copy.attach(words, uid: 0, gid: 0) }
                // The stop destroys it (lxc.ephemeral), unless -D kept it.
                try attempt { () throws(RuntimeError) in try copy.stop(kill: false, timeout: 10) }
                if status != 0 { throw ExitCode(status) }
            }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a stopped container (lxc-rename).",
            discussion: "Its directory, its config's paths and its hostname (when it was the name) follow. Refused while overlay clones stand on it or it has snapshots.")
        @OptionGroup var common: Common
        @Argument var name: String
        @Argument var newName: String
        func run() throws {
            let container = try common.container(name)
            let user = try me()
            _ = try attempt { () throws(RuntimeError) in try container.rename(to: newName, user: user) }
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot a stopped container, list, restore or remove its snapshots (lxc-snapshot).",
            discussion: "Snapshots live in NAME/snaps/snapN. A dir container's snapshot is a full copy (an overlay clone of it snapshots cheaply); an overlay container's copies its upper layer. -r restores into NAME (stopped; its snapshots stay) or into a new container.")
        @OptionGroup var common: Common
        @Option(name: [.short, .customLong("comment")], help: ArgumentHelp("A file whose text is kept with the new snapshot.", valueName: "FILE"))
        var comment: String?
        @Flag(name: [.customShort("L"), .customLong("list")], help: "List the snapshots.") var list = false
        @Flag(name: [.customShort("C"), .customLong("showcomments")], help: "With -L, show each comment.") var showComments = false
        @Option(name: [.short, .customLong("restore")], help: ArgumentHelp("Restore this snapshot.", valueName: "SNAP")) var restore: String?
        @Option(name: [.customShort("N"), .customLong("newname")], help: ArgumentHelp("With -r, into a new container.", valueName: "NEW")) var newName: String?
        @Option(name: [.short, .customLong("destroy")], help: ArgumentHelp("Remove this snapshot, or ALL.", valueName: "SNAP")) var destroy: String?
        @Argument var name: String
        @Argument(help: "With -r: the new container's name (as -N).") var restoreInto: String?

        func validate() throws {
            if [list, restore != nil, destroy != nil].filter({ $0 }).count > 1 { throw ValidationError("-L, -r and -d exclude each other") }
            if restoreInto != nil && restore == nil { throw ValidationError("a second name only goes with -r SNAP") }
        }

        func run() throws {
            let container = try common.container(name)
            let user = try me()
            if list {
                let snaps = container.snapshots()
                if snaps.isEmpty { print("No snapshots") }
                for snap in snaps {
                    print("\(snap.name) (\(snap.lxcpath)) \(snap.timestamp)")
                    if showComments, let text = snap.comment { print(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
                }
            } else if let restore {
                try attempt { () throws(RuntimeError) in try container.restore(snapshot: restore, as: newName ?? restoreInto, user: user) }
            } else if let destroy {
                try attempt { () throws(RuntimeError) in try container.destroySnapshot(destroy, user: user) }
            } else {
                var text: String?
                if let comment {
                    guard let bytes = try? Files.read(comment, followSymlinks: true, limit: 1 << 16) else { throw Failure("cannot read the comment file \(comment)") }
                    text = String(decoding: bytes, as: UTF8.self)
                }
                let snap = try attempt { () throws(RuntimeError) in try container.snapshot(comment: text, user: user) }
                print(snap)
            }
        }
    }

    struct Console: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect this terminal to a running container's console or one of its ttys (lxc-console).",
            discussion: "Type Ctrl+a q to leave (the container keeps running), Ctrl+a Ctrl+a to send Ctrl+a. tty 0 is the console; ttys 1 to lxc.tty.max are the container's /dev/ttyN, where its gettys run. One connection per tty at a time.")
        @OptionGroup var common: Common
        @Option(name: [.short, .customLong("tty")], help: ArgumentHelp("tty number (0: the console).", valueName: "N")) var tty = 0
        @Option(name: [.short, .customLong("escape")], help: ArgumentHelp("Escape prefix, ^X for Ctrl+X.", valueName: "PREFIX")) var escape = "^a"
        @Argument var name: String

        func validate() throws {
            guard tty >= 0 && tty <= 64 else { throw ValidationError("-t takes 0 (the console) to 64") }
            guard Container.escapeCharacter(escape) != nil else { throw ValidationError("-e takes ^X (Ctrl+X) or one character, not '\(escape)'") }
        }

        func run() throws {
            let container = try common.container(name)
            let end = try attempt { () throws(RuntimeError) in try container.console(tty: tty, escape: Container.escapeCharacter(escape)) }
            if end == .closed { standardError("\nuserbox: \(name)'s console closed (the container stopped)") }
        }
    }

    struct Freeze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Freeze every process of a running container (lxc-freeze).",
                                                        discussion: "Uses the v1 freezer where the container has one, else cgroup2's cgroup.freeze.")
        @OptionGroup var common: Common
        @Argument var name: String
        func run() throws {
            let container = try common.container(name)
            try attempt { () throws(RuntimeError) in try container.freeze(true) }
        }
    }

    struct Unfreeze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thaw a frozen container (lxc-unfreeze).")
        @OptionGroup var common: Common
        @Argument var name: String
        func run() throws {
            let container = try common.container(name)
            try attempt { () throws(RuntimeError) in try container.freeze(false) }
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
