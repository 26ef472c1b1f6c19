import Glibc
import LinuxSys

/// lxc-copy's options that userbox implements.
public struct CopyOptions: Sendable {
    /// `-B`'s storage types: a directory copy, an overlay over the source, a btrfs snapshot.
    public enum Backend: String, Sendable {
        /// A directory: the rootfs copied file by file.
        case dir
        /// An overlay whose lower layers are the source's: nothing copied, the source kept.
        case overlay
        /// A btrfs subvolume: a snapshot of the source's, or a new one filled by copying.
        case btrfs
    }
    /// `-s`: copy-on-write (an overlay clone of a dir or overlay container).
    public var snapshot = false
    /// `-B`: the new container's storage (default: the source's; overlay with `-s`).
    public var backend: Backend?
    /// `-K`: keep the hostname (lxc.uts.name).
    public var keepName = false
    /// `-M`: keep the MAC addresses (lxc.net.N.hwaddr).
    public var keepMAC = false
    /// `-m bind=SRC:DEST[:ro]`: host directories bound into the copy (lxc.mount.entry lines).
    public var binds: [(source: String, destination: String, readOnly: Bool)] = []
    /// `-e`: an ephemeral copy (lxc.ephemeral = 1, destroyed when it stops) that is started at once.
    public var ephemeral = false
    /// `-D`: with `-e`, keep the copy when it stops (no lxc.ephemeral).
    public var keepData = false
    /// The words after `--`: given to every clone hook.
    public var hookArguments: [String] = []
    /// lxc-copy's defaults: a full copy in the source's storage, new name and MACs, no binds.
    public init() {}
}

extension Container {
    /// lxc-copy: a new container NEW from this stopped one, in this containers directory or
    /// `lxcpath`. A dir copy copies the rootfs inside a user namespace mapping the container's ids
    /// (owners, modes, xattrs, ACLs, file capabilities, hard links and holes kept); an overlay
    /// clone gets an empty upper layer over this one's rootfs (stacked on this one's layers when it
    /// is an overlay itself) and is recorded as this one's dependent. The new container is built in
    /// `.NEW.partial` and renamed into place last: an interrupted copy leaves nothing `ls` shows,
    /// and the next copy to that name removes the leftover.
    public func copy(as newName: String, lxcpath newLxcpath: String? = nil, options: CopyOptions, user: UserRecord) throws(RuntimeError) -> Container {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        if isRunning { throw .running(name) }
        let config = try loadConfig()
        let target = try Container(name: newName, lxcpath: newLxcpath ?? paths.lxcpath)
        guard !target.exists else { throw .alreadyExists(container: newName, lxcpath: target.paths.lxcpath) }
        guard let root = Container.rootIDs(of: config) else { throw .idmapNoRoot(kind: nil) }

        let sourceIsOverlay: Bool
        if case .overlay = config.rootfsBackend { sourceIsOverlay = true } else { sourceIsOverlay = false }
        let sourceIsBtrfs = config.rootfsBackend == .btrfs
        // As lxc-copy: the source's storage, except that -s on a dir source makes an overlay clone.
        let backend = options.backend ?? (sourceIsBtrfs ? .btrfs : options.snapshot || sourceIsOverlay ? .overlay : .dir)
        let layout: Layout
        switch backend {
        case .dir: layout = .full
        case .overlay: layout = .overlayClone
        case .btrfs:
            let newLxcpath = target.paths.lxcpath
            try Directories.make(newLxcpath, mode: 0o755)
            try Btrfs.requireBtrfs(newLxcpath, for: "-B btrfs")
            let rootfs = config.rootfs ?? paths.defaultRootfs
            if sourceIsBtrfs && Btrfs.isSubvolume(rootfs) && Btrfs.sameFilesystem(rootfs, newLxcpath) {
                layout = .btrfsSnapshot
            } else if options.snapshot {
                throw .unsupportedCopy("-s -B btrfs snapshots a btrfs container on the same filesystem; \(name) is not one (copy it with -B btrfs, then snapshot that copy)")
            } else {
                layout = .fullIntoSubvolume
            }
        }
        var appended = options.binds.map { bind in
            "lxc.mount.entry = \(bind.source) \(bind.destination.drop { $0 == "/" }) none bind,\(bind.readOnly ? "ro," : "")create=dir 0 0\n"
        }.joined()
        if options.ephemeral && !options.keepData { appended += "lxc.ephemeral = 1\n" }
        try duplicate(config, root: root, to: target.paths, layout: layout,
                      keepName: options.keepName, keepMAC: options.keepMAC, user: user, appendConfig: appended,
                      hookArguments: options.hookArguments)
        return target
    }

    /// How `duplicate` lays out the new rootfs.
    enum Layout {
        /// A full copy of a dir rootfs.
        case full
        /// An empty upper layer over this container's rootfs (and its layers): a dependent clone.
        case overlayClone
        /// An overlay with a copy of this container's upper layer over the same lowers (a snapshot
        /// of an overlay container, and its restore).
        case deltaCopy
        /// A btrfs snapshot of this container's subvolume (copy-on-write, at once).
        case btrfsSnapshot
        /// A full copy into a new btrfs subvolume.
        case fullIntoSubvolume
    }

    /// Builds `final` from this container in `.NAME.partial` beside it and renames it into place
    /// last; `extra` files (a snapshot's timestamp and comment) go in before the rename.
    func duplicate(_ config: ContainerConfig, root: (uid: UInt32, gid: UInt32, uidCount: UInt32, gidCount: UInt32), to final: ContainerPaths,
                   layout: Layout, keepName: Bool, keepMAC: Bool, user: UserRecord, extra: [(String, [UInt8])] = [],
                   appendConfig: String = "", hookArguments: [String] = []) throws(RuntimeError) {
        let staging = final.lxcpath + "/." + final.name + ".partial"
        let ns = try userns(root, user: user)
        // A leftover of an interrupted copy to this name: its files belong to the container's ids.
        try ns.remove(staging, what: "removing the unfinished copy \(staging)")
        try Directories.make(final.lxcpath, mode: 0o755)
        do { _ = try valueOrErrno { mkdir(staging, 0o755) } } catch { throw .system(SystemError("create", staging, error)) }
        do {
            try build(config, root: root, ns: ns, staging: staging, final: final, layout: layout, keepName: keepName, keepMAC: keepMAC,
                      extra: extra, appendConfig: appendConfig, hookArguments: hookArguments)
        } catch {
            // A failure we see (a full disk, a failing clone hook) leaves nothing behind; one we do
            // not (kill -9) leaves the staging directory for the next copy to this name.
            try? ns.remove(staging)
            if layout == .overlayClone { Dependencies.remove(clone: final, from: paths) }
            throw error
        }
    }

    private func build(_ config: ContainerConfig, root: (uid: UInt32, gid: UInt32, uidCount: UInt32, gidCount: UInt32), ns: ContainerUserns,
                       staging: String, final: ContainerPaths, layout: Layout, keepName: Bool, keepMAC: Bool, extra: [(String, [UInt8])],
                       appendConfig: String, hookArguments: [String]) throws(RuntimeError) {
        func copyTree(_ source: String, _ destination: String) throws(RuntimeError) {
            try ns.run(["--", "/bin/cp", "-a", "--sparse=always", "--", source, destination], what: "copying \(source)")
        }

        let rootfsValue: String
        // Commands for the container's root before the clone update, in its namespace.
        var prelude = ""
        switch layout {
        case .full, .fullIntoSubvolume:
            // Into a new subvolume: made first, then filled (cp's `SRC/.` keeps the top's owner
            // and mode too).
            let prepare = layout == .fullIntoSubvolume ? "\(try Btrfs.tool()) -q subvolume create \"$3\" && " : ""
            let destination = layout == .fullIntoSubvolume ? "$3/" : "$3"
            if case .overlay(let lowers, let upper) = config.rootfsBackend {
                // The merged view, mounted read-only from the layers (upper first) in the
                // namespace's own mount table, copied whole: the copy stands on nothing.
                let view = staging + "/.source"
                do { _ = try valueOrErrno { mkdir(view, 0o755) } } catch { throw .system(SystemError("create", view, error)) }
                let options = "lowerdir=" + ([upper] + lowers).joined(separator: ":") + ",userxattr"
                try ns.run(["--", "/bin/sh", "-c", "mount -t overlay -o \"$1\" overlay \"$2\" && \(prepare)exec /bin/cp -a --sparse=always -- \"$2/.\" \"\(destination)\"",
                            "sh", options, view, staging + "/rootfs"], what: "copying \(name)'s overlay rootfs")
                _ = rmdir(view)
            } else if layout == .fullIntoSubvolume {
                try ns.run(["--", "/bin/sh", "-c", "\(prepare)exec /bin/cp -a --sparse=always -- \"$1/.\" \"\(destination)\"",
                            "sh", config.rootfs ?? paths.defaultRootfs, "", staging + "/rootfs"], what: "copying \(name)'s rootfs into a btrfs subvolume")
            } else {
                try copyTree(config.rootfs ?? paths.defaultRootfs, staging + "/rootfs")
            }
            rootfsValue = (layout == .fullIntoSubvolume ? "btrfs:" : "dir:") + final.defaultRootfs
        case .btrfsSnapshot:
            try ns.run(["--", try Btrfs.tool(), "-q", "subvolume", "snapshot", config.rootfs ?? paths.defaultRootfs, staging + "/rootfs"],
                       what: "snapshotting \(name)'s btrfs subvolume")
            rootfsValue = "btrfs:" + final.defaultRootfs
        case .overlayClone, .deltaCopy:
            var lowers: [String]
            var sourceUpper: String?
            if case .overlay(let sourceLowers, let upper) = config.rootfsBackend {
                lowers = layout == .overlayClone ? [upper] + sourceLowers : sourceLowers
                sourceUpper = upper
            } else {
                lowers = [config.rootfs ?? paths.defaultRootfs]
            }
            for dir in ["rootfs", "overlay"] {
                do { _ = try valueOrErrno { mkdir(staging + "/" + dir, 0o755) } } catch { throw .system(SystemError("create", staging + "/" + dir, error)) }
            }
            if layout == .deltaCopy, let sourceUpper {
                do { _ = try valueOrErrno { mkdir(staging + "/overlay/work", 0o755) } } catch { throw .system(SystemError("create", staging + "/overlay/work", error)) }
                try ns.run(["--", "/bin/sh", "-c", "/bin/cp -a --sparse=always -- \"$1\" \"$2\" && exec /bin/chown 0:0 \"$3\" \"$4\"",
                            "sh", sourceUpper, staging + "/overlay/delta", staging + "/rootfs", staging + "/overlay/work"], what: "copying \(sourceUpper)")
            } else {
                for dir in ["overlay/delta", "overlay/work"] {
                    do { _ = try valueOrErrno { mkdir(staging + "/" + dir, 0o755) } } catch { throw .system(SystemError("create", staging + "/" + dir, error)) }
                }
                // The upper layer's root is the merged root: the lower's owner and mode.
                var lowerInfo = stat()
                let topMode = String(stat(lowers[0], &lowerInfo) == 0 ? lowerInfo.st_mode & 0o7777 : 0o755, radix: 8)
                // Done in the same namespace as the clone update (one usernsexec, not two).
                prelude = "chown 0:0 " + ["rootfs", "overlay/delta", "overlay/work"].map { Hooks.quoted(staging + "/" + $0) }.joined(separator: " ")
                    + "\nchmod \(topMode) \(Hooks.quoted(staging + "/overlay/delta"))\n"
            }
            if lowers.isEmpty { lowers = [paths.defaultRootfs] }
            rootfsValue = "overlay:" + lowers.joined(separator: ":") + ":" + final.directory + "/overlay/delta"
        }

        var replacements: [String: String] = ["lxc.rootfs.path": rootfsValue]
        if !keepName { replacements["lxc.uts.name"] = final.name }
        let text = ConfigText.rewrite(try configText(), replacing: replacements, hwaddr: keepMAC ? nil : { MACAddress.randomizedTail($0) }) + appendConfig
        // Checked before anything is moved into place: a bad -m must not leave a broken container.
        let newConfig: ContainerConfig
        do { newConfig = try ConfigParser.parse(text, file: final.config, include: Container.includedFile) } catch { throw .config(error) }
        do { try Files.replaceAtomically(staging + "/config", with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch { throw .system(error) }
        try CloneUpdate(sourceName: name, final: final, staging: staging, keepName: keepName, hookArguments: hookArguments).run(newConfig, in: ns, prelude: prelude)
        for (file, bytes) in extra {
            do { try Files.replaceAtomically(staging + "/" + file, with: bytes, attributes: .init(owner: nil, mode: 0o644)) } catch { throw .system(error) }
        }
        if layout == .overlayClone {
            try Dependencies.write([.init(lxcpath: paths.lxcpath, name: name)], to: staging + "/lxc_rdepends")
            try Dependencies.add(clone: final, to: paths)
        }
        do { _ = try valueOrErrno { Glibc.rename(staging, final.directory) } } catch { throw .system(SystemError("move into place", staging, error)) }
    }

    /// The config file's text as written (includes and comments kept).
    func configText() throws(RuntimeError) -> String {
        do { return String(decoding: try Files.read(paths.config, followSymlinks: true, limit: 1 << 20), as: UTF8.self) } catch { throw .system(error) }
    }
}

/// Edits of a config file's text that keep everything else as it was.
enum ConfigText {
    /// Each key in `replacing` gets the given value at its first line (later lines of it dropped);
    /// `hwaddr`, when given, maps each concrete lxc.net.N.hwaddr to a new one.
    static func blankTrimmed(_ s: String) -> String { String(decoding: ConfigParser.trimmed(Array(s.utf8)[...]), as: UTF8.self) }

    static func rewrite(_ text: String, replacing: [String: String], hwaddr: ((String) -> String)?) -> String {
        var out = "", done: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let parts = line.split(separator: "=", maxSplits: 1)
            let key = parts.first.map { blankTrimmed(String($0)) } ?? ""
            if let value = replacing[key] {
                if !done.contains(key) { out += "\(key) = \(value)\n"; done.insert(key) }
                continue
            }
            if let hwaddr, key.hasPrefix("lxc.net."), key.hasSuffix(".hwaddr"), parts.count == 2 {
                let value = blankTrimmed(String(parts[1]))
                if !MACAddress.isTemplate(value) || !value.contains("x") { out += "\(key) = \(hwaddr(value))\n"; continue }
            }
            out += line + "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        for (key, value) in replacing where !done.contains(key) { out += "\(key) = \(value)\n" }
        return out
    }
}

extension Container {
    /// lxc-rename (lxc-copy -R): the stopped container's directory renamed, its config's paths
    /// and hostname (when it was the name) following, its origin's record updated. Refused while
    /// clones stand on it or it has snapshots (their configs name its paths).
    public func rename(to newName: String, user: UserRecord) throws(RuntimeError) -> Container {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        if isRunning { throw .running(name) }
        let dependents = Dependencies.dependents(of: paths)
        if !dependents.isEmpty { throw .hasDependents(container: name, dependents: dependents.map { $0.name }) }
        let snaps = snapshots()
        if !snaps.isEmpty { throw .hasSnapshots(container: name, snapshots: snaps.map { $0.name }) }
        let target = try Container(name: newName, lxcpath: paths.lxcpath)
        guard !target.exists else { throw .alreadyExists(container: newName, lxcpath: paths.lxcpath) }
        let config = try loadConfig(lenient: true)
        let old = paths.directory + "/", new = target.paths.directory + "/"
        func moved(_ path: String) -> String { path.hasPrefix(old) ? new + path.dropFirst(old.count) : path }
        let rootfsValue: String
        switch config.rootfsBackend {
        case .dir: rootfsValue = "dir:" + moved(config.rootfs ?? paths.defaultRootfs)
        case .btrfs: rootfsValue = "btrfs:" + moved(config.rootfs ?? paths.defaultRootfs)
        case .overlay(let lowers, let upper): rootfsValue = "overlay:" + (lowers + [upper]).map(moved).joined(separator: ":")
        }
        var replacements = ["lxc.rootfs.path": rootfsValue]
        if config.hostname == name || config.hostname == nil { replacements["lxc.uts.name"] = newName }
        let text = ConfigText.rewrite(try configText(), replacing: replacements, hwaddr: nil)
        // The new config is written first, beside the old: whichever moment this stops at, the
        // directory holds a config for where it is or the one to use once it is moved.
        let pending = paths.directory + "/config.renamed"
        do { try Files.replaceAtomically(pending, with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch { throw .system(error) }
        do { _ = try valueOrErrno { Glibc.rename(paths.directory, target.paths.directory) } } catch {
            _ = unlink(pending)
            throw .system(SystemError("rename", paths.directory, error))
        }
        do { _ = try valueOrErrno { Glibc.rename(target.paths.directory + "/config.renamed", target.paths.config) } } catch {
            throw .system(SystemError("move into place", target.paths.directory + "/config.renamed", error))
        }
        // A clone renamed: its origin's record follows.
        for origin in Dependencies.read(Dependencies.rdependsFile(target.paths)) {
            let originPaths = ContainerPaths(name: origin.name, lxcpath: origin.lxcpath)
            let entries = Dependencies.read(Dependencies.snapshotsFile(originPaths)).map { entry in
                entry == Dependencies.Entry(lxcpath: paths.lxcpath, name: name) ? Dependencies.Entry(lxcpath: paths.lxcpath, name: newName) : entry
            }
            try Dependencies.write(entries, to: Dependencies.snapshotsFile(originPaths))
        }
        // As lxc-rename (a clone under the new name): /etc/hostname follows the name and the
        // clone hooks run, now in place.
        if let root = Container.rootIDs(of: config) {
            let renamed = try target.loadConfig(lenient: true)
            try CloneUpdate(sourceName: name, final: target.paths, staging: target.paths.directory,
                            keepName: replacements["lxc.uts.name"] == nil, hookArguments: []).run(renamed, in: try userns(root, user: user))
        }
        return target
    }
}
