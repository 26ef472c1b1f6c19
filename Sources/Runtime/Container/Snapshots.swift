import Glibc
import LinuxSys

/// A snapshot as lxc-snapshot lists it.
public struct SnapshotInfo: Sendable, Equatable {
    /// The snapshot's name (`snap0`, `snap1`...).
    public let name: String
    /// The directory that holds it (`NAME/snaps` of the container's directory).
    public let lxcpath: String
    /// `%Y:%m:%d %H:%M:%S`, as LXC writes `ts`.
    public let timestamp: String
    /// Its comment (the text `lxc-snapshot -c` stored), nil when it has none.
    public let comment: String?
}

extension Container {
    /// lxc-snapshot's place for them: `NAME/snaps/snapN`, each a container directory plus `ts`
    /// and an optional `comment`.
    var snapshotsDirectory: String { paths.directory + "/snaps" }

    func snapshotContainer(_ snap: String) throws(RuntimeError) -> Container {
        let snapshot = try Container(name: snap, lxcpath: snapshotsDirectory)
        guard snapshot.exists else { throw .notFound(container: "snapshot \(snap) of \(name)", lxcpath: snapshotsDirectory) }
        return snapshot
    }

    /// The snapshots, snap0 first.
    public func snapshots() -> [SnapshotInfo] {
        Container.all(lxcpath: snapshotsDirectory).filter { $0.name.hasPrefix("snap") }.sorted {
            (Int($0.name.dropFirst(4)) ?? Int.max) < (Int($1.name.dropFirst(4)) ?? Int.max)
        }.map { snap in
            let ts = (try? Files.read(snap.paths.directory + "/ts", followSymlinks: false, limit: 256)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let comment = (try? Files.read(snap.paths.directory + "/comment", followSymlinks: false, limit: 1 << 16)).map { String(decoding: $0, as: UTF8.self) }
            return SnapshotInfo(name: snap.name, lxcpath: snapshotsDirectory, timestamp: ts.split(separator: "\n").first.map(String.init) ?? "", comment: comment)
        }
    }

    /// lxc-snapshot NAME [-c FILE]: the stopped container as `snapN` (the first free N). A dir
    /// container is copied whole (as LXC does: an overlay clone snapshots cheaper); an overlay
    /// container's upper layer is copied over the same lower layers.
    public func snapshot(comment: String? = nil, user: UserRecord) throws(RuntimeError) -> String {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        if isRunning { throw .running(name) }
        let config = try loadConfig()
        guard let root = Container.rootIDs(of: config) else { throw .idmapNoRoot(kind: nil) }
        let layout: Layout
        switch config.rootfsBackend {
        case .dir: layout = .full
        case .overlay: layout = .deltaCopy
        // Copy-on-write where the rootfs is a subvolume; a btrfs: path that is a plain directory
        // is copied whole.
        case .btrfs: layout = Btrfs.isSubvolume(config.rootfs ?? paths.defaultRootfs) ? .btrfsSnapshot : .full
        }
        var n = 0
        while Files.exists(snapshotsDirectory + "/snap\(n)") { n += 1 }
        var extra: [(String, [UInt8])] = [("ts", Array((Container.timestamp() + "\n").utf8))]
        if let comment { extra.append(("comment", Array(comment.utf8))) }
        try duplicate(config, root: root, to: ContainerPaths(name: "snap\(n)", lxcpath: snapshotsDirectory), layout: layout,
                      keepName: true, keepMAC: true, user: user, extra: extra)
        return "snap\(n)"
    }

    /// lxc-snapshot -r SNAP [-N NEW]: a new container NEW from the snapshot, or (NEW omitted or
    /// this container's name) this stopped container's rootfs replaced by the snapshot's. The old
    /// rootfs is moved aside first and removed last, and its snapshots stay.
    public func restore(snapshot snap: String, as newName: String? = nil, user: UserRecord) throws(RuntimeError) {
        let snapshot = try snapshotContainer(snap)
        let snapConfig = try snapshot.loadConfig()
        guard let root = Container.rootIDs(of: snapConfig) else { throw .idmapNoRoot(kind: nil) }
        let layout: Layout
        switch snapConfig.rootfsBackend {
        case .overlay: layout = .deltaCopy
        case .btrfs where Btrfs.isSubvolume(snapConfig.rootfs ?? snapshot.paths.defaultRootfs): layout = .btrfsSnapshot
        case .dir, .btrfs: layout = .full
        }
        if let newName, newName != name {
            let target = try Container(name: newName, lxcpath: paths.lxcpath)
            guard !target.exists else { throw .alreadyExists(container: newName, lxcpath: paths.lxcpath) }
            try snapshot.duplicate(snapConfig, root: root, to: target.paths, layout: layout, keepName: false, keepMAC: false, user: user)
            return
        }
        if isRunning { throw .running(name) }
        let dependents = Dependencies.dependents(of: paths)
        if !dependents.isEmpty { throw .hasDependents(container: name, dependents: dependents.map { $0.name }) }
        // Built beside, in a scratch container of the snapshots directory, then swapped in.
        let scratch = ContainerPaths(name: "restoring", lxcpath: paths.directory + "/.restore")
        let ns = try userns(root, user: user)
        try rollBackRestore(user: user)
        try ns.remove(paths.directory + "/.restore")
        try snapshot.duplicate(snapConfig, root: root, to: scratch, layout: layout, keepName: true, keepMAC: true, user: user)
        // Inside the user namespace: moving a directory the container's root owns to another
        // parent needs its write permission, which only that root has.
        try ns.run(["--", "/bin/sh", "-c", """
            set -e
            for part in rootfs overlay; do if [ -e "$1/$part" ]; then mv -T "$1/$part" "$1/.restore/old-$part"; fi; done
            for part in rootfs overlay; do if [ -e "$2/$part" ]; then mv -T "$2/$part" "$1/$part"; fi; done
            """, "sh", paths.directory, scratch.directory], what: "swapping in the restored rootfs")
        let value = layout == .full ? "dir:" + paths.defaultRootfs
            : layout == .btrfsSnapshot ? "btrfs:" + paths.defaultRootfs
            : "overlay:" + (snapConfig.rootfsBackend.lowers).joined(separator: ":") + ":" + paths.directory + "/overlay/delta"
        let text = ConfigText.rewrite(try snapshot.configText(), replacing: ["lxc.rootfs.path": value], hwaddr: nil)
        do { try Files.replaceAtomically(paths.config, with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch { throw .system(error) }
        try ns.remove(paths.directory + "/.restore")
    }

    /// A restore killed while it swapped the rootfs leaves the old parts in `.restore/old-*`: they
    /// go back (whatever of the new is in place goes aside), so the container is as it was before
    /// and the restore can be run again. Nothing to do when no `old-*` is there.
    func rollBackRestore(user: UserRecord) throws(RuntimeError) {
        let aside = paths.directory + "/.restore"
        guard Files.exists(aside + "/old-rootfs") || Files.exists(aside + "/old-overlay") else { return }
        guard let root = Container.rootIDs(of: try loadConfig(lenient: true)) else { throw .idmapNoRoot(kind: nil) }
        try userns(root, user: user).run(["--", "/bin/sh", "-c", """
            set -e
            for part in rootfs overlay; do
                if [ -e "$1/.restore/old-$part" ]; then
                    if [ -e "$1/$part" ]; then mv -T "$1/$part" "$1/.restore/new-$part"; fi
                    mv -T "$1/.restore/old-$part" "$1/$part"
                fi
            done
            """, "sh", paths.directory], what: "rolling back an interrupted restore of \(name)")
    }

    /// lxc-snapshot -d SNAP|ALL.
    public func destroySnapshot(_ snap: String, user: UserRecord) throws(RuntimeError) {
        let names = snap == "ALL" ? snapshots().map { $0.name } : [snap]
        for name in names { try snapshotContainer(name).destroy(user: user) }
    }

    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%Y:%m:%d %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ContainerConfig.RootfsBackend {
    /// An overlay's lower layers (none for the others).
    var lowers: [String] {
        if case .overlay(let lowers, _) = self { return lowers }
        return []
    }
}
