import Glibc
import SystemPackage
import LinuxSys
import IDModel
import SubID

/// Where a new container's root filesystem comes from.
public enum RootfsSource: Sendable {
    /// Debian's busybox-static made into a minimal system, offline.
    case busybox
    /// A copy of a rootfs directory (`-t DIRECTORY`).
    case directory(String)
    /// A rootfs tarball unpacked (`-t FILE.tar.xz` and the like): compressed as its name says.
    case tarball(String)
    /// A distribution image from the download template.
    case image(ImageRootfs)
    /// `-t download` as named on a command line, before the image is fetched (the caller turns it
    /// into `.image`; create refuses it).
    case download

    /// A template as lxc-create's `-t` and the APIs name it: `busybox`, `download`, a tarball (by
    /// its name: .tar, .tar.gz, .tgz, .tar.xz, .txz, .tar.bz2, .tar.zst) or else a rootfs
    /// directory; nil for an empty name.
    public init?(templateName name: String) {
        guard !name.isEmpty else { return nil }
        if name == "busybox" {
            self = .busybox
        } else if name == "download" {
            self = .download
        } else if [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar.zst"].contains(where: { name.hasSuffix($0) }) {
            self = .tarball(name)
        } else {
            self = .directory(name)
        }
    }
}

extension Container {
    /// Creates the container: its config (the idmap from the caller's first subordinate ranges
    /// unless given, ~/.config/userbox/default.conf appended as LXC does with default.conf) and
    /// its rootfs, owned on the host by the container's root ids.
    ///
    /// `configFile` is lxc-create's `-f`: its lines go into the new config after ours; its
    /// lxc.idmap lines replace the default idmap (unless `idmaps` is given) and its
    /// lxc.rootfs.path is left out (the rootfs is the new container's own).
    public func create(from source: RootfsSource, user: UserRecord, idmaps: [ContainerConfig.IDMap]? = nil,
                       configFile: String? = nil, extraConfig: String = "", storage: CopyOptions.Backend = .dir) throws(RuntimeError) {
        guard !exists else { throw .alreadyExists(container: name, lxcpath: paths.lxcpath) }
        if case .download = source { throw .imageNotPrepared }
        // As unprivileged lxc-create: a directory, or a btrfs subvolume (-B btrfs).
        if storage == .overlay { throw .unsupportedCopy("create makes dir or btrfs containers; an overlay container is a copy (userbox copy -s)") }
        if storage == .btrfs {
            _ = try Btrfs.tool()
            try Directories.make(paths.lxcpath, mode: 0o755)
            try Btrfs.requireBtrfs(paths.lxcpath, for: "-B btrfs")
        }
        var fileText = ""
        var fileMaps: [ContainerConfig.IDMap] = []
        if let configFile {
            let bytes: [UInt8]
            do { bytes = try Files.read(configFile, followSymlinks: true, limit: 1 << 20) } catch { throw .system(error) }
            let text = String(decoding: bytes, as: UTF8.self)
            // Checked on its own first, so an error names the file and its line.
            do { fileMaps = try ConfigParser.parse(text, file: configFile).idmaps } catch { throw .config(error) }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let key = line.split(separator: "=", maxSplits: 1).first.map { String($0).trimmingBlanks } ?? ""
                if key == "lxc.idmap" || key == "lxc.rootfs.path" { continue }
                fileText += line + "\n"
            }
        }
        let maps: [ContainerConfig.IDMap]
        if let idmaps { maps = idmaps } else if !fileMaps.isEmpty { maps = fileMaps } else { maps = try defaultIDMaps(for: user) }
        var text = "# userbox container \(name)\n"
        for m in maps { text += "lxc.idmap = \(m.kind == .uid ? "u" : "g") \(m.inside) \(m.outside) \(m.count)\n" }
        text += "lxc.rootfs.path = \(storage == .btrfs ? "btrfs" : "dir"):\(paths.defaultRootfs)\n"
        if case .image(let image) = source {
            // As lxc-download merges it: the distribution's config, then the container's own keys.
            text += "\n# Distribution configuration (\(image.label))\n"
                + ImageRootfs.substitute(image.distributionConfig, name: name, path: paths.directory, rootfs: paths.defaultRootfs)
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n# Container specific configuration\nlxc.uts.name = \(name)\n"
        } else {
            text += "lxc.uts.name = \(name)\nlxc.mount.auto = proc:mixed sys:ro\n"
        }
        if case .busybox = source {
            text += "# busybox init powers off on SIGUSR2\nlxc.signal.halt = SIGUSR2\n"
            // As LXC's busybox template: a getty on tty1 (`userbox console NAME -t 1`).
            text += "lxc.tty.max = 1\n"
        }
        if let defaults = try? Files.read(ContainerPaths.defaultConfig, followSymlinks: true, limit: 1 << 20) {
            text += "# from \(ContainerPaths.defaultConfig)\n" + String(decoding: defaults, as: UTF8.self) + "\n"
        }
        if let configFile { text += "# from \(configFile)\n" + fileText }
        text += extraConfig
        // The config must be valid before anything is made.
        let config: ContainerConfig
        do {
            config = try ConfigParser.parse(text, file: paths.config, include: Container.includedFile)
        } catch { throw .config(error) }
        let identity = OwnerIdentity(name: user.name, uid: user.uid)
        try IDMapCheck.verify(config, user: user, subuid: try Container.subordinateFile(identity, kind: .uid),
                              subgid: try Container.subordinateFile(identity, kind: .gid))
        guard let root = Container.rootIDs(of: config) else { throw .idmapNoRoot(kind: nil) }

        // Searchable by others: the container's root (a subordinate uid) must reach its rootfs.
        try Directories.make(paths.directory, mode: 0o755)
        let rootfs = paths.defaultRootfs
        do throws(RuntimeError) {
            if storage == .btrfs {
                try Process.check([try Btrfs.tool(), "-q", "subvolume", "create", rootfs], what: "creating the btrfs subvolume \(rootfs)")
            } else {
                do { _ = try valueOrErrno { mkdir(rootfs, 0o755) } } catch { throw .system(SystemError("create", rootfs, error)) }
            }
            let ns = try userns(root, user: user)
            let n = ns.n
            switch source {
            case .busybox:
                try BusyboxTemplate.build(rootfs, hostname: name)
                try ns.run(["--shift", rootfs, "u:\(n):0:1", "g:\(n):0:1"], what: "shifting the rootfs to the container's root")
                try ns.run(["--", "/bin/chown", "1000:1000", rootfs + "/home/user"], what: "giving /home/user to user 1000")
            case .directory(let from):
                guard Files.exists(from) else { throw .missing(path: from) }
                try Process.check(["/bin/cp", "-a", "--", from + "/.", rootfs + "/"], what: "copying \(from)")
                try ns.run(["--shift", rootfs, "u:\(n):0:1", "g:\(n):0:1"], what: "shifting the rootfs to the container's root")
            case .tarball(let archive):
                guard Files.exists(archive) else { throw .missing(path: archive) }
                // Extracted as the container's root, so the owners in the archive land in the container's ids.
                try ns.run(["--", "/bin/sh", "-c", "tar -xpf \"$0\" -C \"$1\" --numeric-owner && chown 0:0 \"$1\"", archive, rootfs],
                           what: "extracting \(archive)")
            case .download:
                throw .imageNotPrepared
            case .image(let image):
                // As the container's root: the tarball's owners land on its ids; what a user
                // namespace cannot make (device nodes) is excluded by the image itself.
                try image.checkSpace(rootfs: rootfs)
                try ns.run(["--"] + image.extractArguments(rootfs: rootfs), what: "unpacking the rootfs (\(image.label))")
                // lxc-download's substitutions in the files the image lists, regular files only
                // (a symlink is not followed out of the rootfs).
                let script = "r=$1; shift; mkdir -p \"$r/dev/pts\" || exit 1; for f; do p=\"$r/$f\"; "
                    + "if [ -f \"$p\" ] && [ ! -L \"$p\" ]; then sed -i -e \"s#LXC_NAME#$NAME#g\" -e \"s#LXC_PATH#$LXCP#g\" "
                    + "-e \"s#LXC_ROOTFS#$r#g\" \"$p\" || exit 1; fi; done"
                try ns.run(["--", "/usr/bin/env", "NAME=\(name)", "LXCP=\(paths.directory)", "/bin/sh", "-c", script, "sh", rootfs]
                           + image.safeTemplates, what: "filling in the image's templates")
            }
            try writeConfig(text)
        } catch {
            _ = try? destroy(user: user, config: config)
            throw error
        }
    }

    func writeConfig(_ text: String) throws(RuntimeError) {
        do { try Files.replaceAtomically(paths.config, with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch {
            throw .system(error)
        }
    }

    func tool(_ name: String) throws(RuntimeError) -> String {
        guard let path = Helpers.tool(name) else { throw .toolMissing(name) }
        return path
    }

    /// The caller's first subordinate uid and gid ranges, 65536 ids each from their start.
    func defaultIDMaps(for user: UserRecord) throws(RuntimeError) -> [ContainerConfig.IDMap] {
        let identity = OwnerIdentity(name: user.name, uid: user.uid)
        var maps: [ContainerConfig.IDMap] = []
        for kind in IDKind.allCases {
            let file = try Container.subordinateFile(identity, kind: kind)
            guard let range = file?.ranges(of: identity).first(where: { $0.count >= 65536 }) else {
                throw .noSubordinateRange(user: user.name, kind: kind)
            }
            maps.append(.init(kind: kind, inside: 0, outside: range.start, count: 65536))
        }
        return maps
    }

    /// Removes the container: its rootfs from inside a namespace that maps its ids (they are not
    /// the caller's on the host), then its directory.
    public func destroy(user: UserRecord, config knownConfig: ContainerConfig? = nil) throws(RuntimeError) {
        if isRunning { throw .running(name) }
        let dependents = Dependencies.dependents(of: paths)
        if !dependents.isEmpty { throw .hasDependents(container: name, dependents: dependents.map { $0.name }) }
        let snaps = snapshots()
        if !snaps.isEmpty { throw .hasSnapshots(container: name, snapshots: snaps.map { $0.name }) }
        let config: ContainerConfig
        // Why lenient: a config with a key we do not know (or a typo) must not make a container
        // impossible to remove; only its idmap and rootfs matter here (lxc-destroy does the same).
        if let knownConfig { config = knownConfig } else { config = try loadConfig(lenient: true) }
        let rootfs = config.rootfs ?? paths.defaultRootfs
        // lxc.hook.destroy, as LXC runs it: on the host, `HOOK NAME lxc destroy` with LXC_*, before
        // anything is removed; a failing hook stops the destroy (fix or remove the hook).
        if !config.hooks("destroy").isEmpty {
            Hooks.exportEnvironment(self, config: config, rootfs: rootfs)
            try Hooks.run("destroy", config, self)
        }
        if let root = Container.rootIDs(of: config) {
            let ns = try userns(root, user: user)
            // The old rootfs of an interrupted restore is removed with the rest.
            try? rollBackRestore(user: user)
            // The rootfs, and an overlay clone's layers, belong to the container's ids.
            for tree in [rootfs, paths.directory + "/overlay", paths.directory + "/.restore"] { try ns.remove(tree) }
        }
        Dependencies.remove(clone: paths)
        try Process.check(["/bin/rm", "-rf", "--", paths.directory], what: "removing \(paths.directory)")
        _ = unlink(paths.state)
    }
}

/// A minimal system from Debian's busybox-static: every applet as a symlink, an inittab whose
/// console asks for Enter and a getty on tty1, users root (no password) and user (1000).
enum BusyboxTemplate {
    static let busybox = "/bin/busybox"

    static func build(_ rootfs: String, hostname: String) throws(RuntimeError) {
        guard access(busybox, X_OK) == 0 else { throw .busyboxMissing(busybox) }
        for dir in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "etc/init.d", "root", "tmp", "proc", "sys", "dev",
                    "home", "home/user", "var", "var/log", "run", "lib", "mnt"] {
            do { _ = try valueOrErrno { mkdir(rootfs + "/" + dir, dir == "tmp" ? 0o1777 : 0o755) } } catch {
                if error != .fileExists { throw .system(SystemError("create", "\(rootfs)/\(dir)", error)) }
            }
        }
        _ = chmod(rootfs + "/tmp", 0o1777)
        _ = chmod(rootfs + "/root", 0o700)
        try Process.check(["/bin/cp", busybox, rootfs + "/bin/busybox"], what: "copying busybox")
        guard let list = Process.run([busybox, "--list-full"]) else { throw .cannotRun(busybox) }
        guard list.status == 0 else { throw .toolFailed(what: "listing busybox's applets", program: busybox, status: list.status, detail: list.output) }
        for applet in list.output.split(separator: "\n") where !applet.isEmpty && applet != "bin/busybox" {
            let target = rootfs + "/" + applet
            do { _ = try valueOrErrno { symlink("/bin/busybox", target) } } catch {
                if error != .fileExists { throw .system(SystemError("link", target, error)) }
            }
        }
        let files: [(String, String, mode_t)] = [
            // The getty's tty exists only with lxc.tty.max >= 1 (the template's config says 1); without
            // it busybox init retries it now and then, harmlessly.
            ("etc/inittab", "::sysinit:/etc/init.d/rcS\ntty1::respawn:/sbin/getty -L tty1 115200 vt100\n::askfirst:-/bin/sh\n::ctrlaltdel:/sbin/reboot\n::shutdown:/bin/umount -a -r\n", 0o644),
            ("etc/init.d/rcS", "#!/bin/sh\nmount -t tmpfs -o mode=1777 tmpfs /tmp 2>/dev/null\n:\n", 0o755),
            ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n", 0o644),
            ("etc/group", "root:x:0:\ntty:x:5:\nuser:x:1000:\n", 0o644),
            // root without a password, for the getty on tty1: only the container's owner reaches
            // its ttys (`passwd` inside sets one).
            ("etc/shadow", "root::0:0:99999:7:::\nuser:*:0:0:99999:7:::\n", 0o600),
            ("etc/hostname", hostname + "\n", 0o644),
            ("etc/hosts", "127.0.0.1 localhost\n127.0.1.1 \(hostname)\n", 0o644),
        ]
        for (path, text, mode) in files {
            do { try Files.replaceAtomically(rootfs + "/" + path, with: Array(text.utf8), attributes: .init(owner: nil, mode: UInt32(mode))) } catch {
                throw .system(error)
            }
        }
    }
}
