import LinuxSys

/// usernsexec in a namespace where the container's ids are mapped from 0 and the caller as N (the
/// map size): there the container's root can make, keep, shift, copy and remove the container's
/// files, which are neither the caller's nor reachable by it on the host.
struct ContainerUserns {
    let usernsexec: String
    /// The caller's id inside.
    let n: UInt32
    let maps: [String]

    init(root: (uid: UInt32, gid: UInt32, uidCount: UInt32, gidCount: UInt32), user: UserRecord, usernsexec: String) {
        self.usernsexec = usernsexec
        n = min(root.uidCount, root.gidCount)
        maps = ["-m", "u:0:\(root.uid):\(n)", "-m", "u:\(n):\(user.uid):1", "-m", "g:0:\(root.gid):\(n)", "-m", "g:\(n):\(user.gid):1"]
    }

    /// usernsexec ARGUMENTS (after the maps); a failure names `what`.
    func run(_ arguments: [String], what: String) throws(RuntimeError) {
        try Process.check([usernsexec] + maps + arguments, what: what)
    }

    /// The tree gone, if it is there. A btrfs subvolume is deleted at once where the mount allows
    /// it (user_subvol_rm_allowed), else emptied and removed with rmdir (the kernel allows that for
    /// an empty subvolume).
    func remove(_ tree: String, what: String? = nil) throws(RuntimeError) {
        guard Files.exists(tree) else { return }
        let subvolume = Btrfs.isSubvolume(tree)
        if subvolume, let btrfs = try? Btrfs.tool(), (try? run(["--", btrfs, "-q", "subvolume", "delete", tree], what: "")) != nil { return }
        do { try run(["--remove", tree], what: what ?? "removing \(tree)") } catch {
            if subvolume { throw .subvolumeNotRemoved(path: tree, detail: error.description) }
            throw error
        }
    }
}

extension Container {
    func userns(_ root: (uid: UInt32, gid: UInt32, uidCount: UInt32, gidCount: UInt32), user: UserRecord) throws(RuntimeError) -> ContainerUserns {
        ContainerUserns(root: root, user: user, usernsexec: try tool("usernsexec"))
    }
}
