import Glibc
import LinuxSys

/// LXC's dependency records between a container and its overlay clones: the origin's
/// `lxc_snapshots` holds `LXCPATH\nNAME\n` for each clone, the clone's `lxc_rdepends` its
/// origin's. A container with live dependents cannot be destroyed (or renamed): the lower layer
/// under their overlays would go.
enum Dependencies {
    struct Entry: Equatable {
        let lxcpath: String
        let name: String
    }

    static func read(_ path: String) -> [Entry] {
        guard let bytes = try? Files.read(path, followSymlinks: false, limit: 1 << 20) else { return [] }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        return stride(from: 0, to: lines.count - 1, by: 2).map { Entry(lxcpath: lines[$0], name: lines[$0 + 1]) }
    }

    static func write(_ entries: [Entry], to path: String) throws(RuntimeError) {
        if entries.isEmpty { _ = unlink(path); return }
        let text = entries.map { "\($0.lxcpath)\n\($0.name)\n" }.joined()
        do { try Files.replaceAtomically(path, with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch { throw .system(error) }
    }

    static func snapshotsFile(_ paths: ContainerPaths) -> String { paths.directory + "/lxc_snapshots" }
    static func rdependsFile(_ paths: ContainerPaths) -> String { paths.directory + "/lxc_rdepends" }

    /// The clones that still exist and still name `paths` as their origin (entries left by a copy
    /// that never finished, or by a clone removed by hand, do not count).
    static func dependents(of paths: ContainerPaths) -> [Entry] {
        read(snapshotsFile(paths)).filter { entry in
            let clone = ContainerPaths(name: entry.name, lxcpath: entry.lxcpath)
            return Files.exists(clone.config)
                && read(rdependsFile(clone)).contains(Entry(lxcpath: paths.lxcpath, name: paths.name))
        }
    }

    /// Recorded before the clone is moved into place: a copy interrupted after this leaves only an
    /// entry that `dependents` ignores.
    static func add(clone: ContainerPaths, to origin: ContainerPaths) throws(RuntimeError) {
        var entries = read(snapshotsFile(origin)).filter { $0 != Entry(lxcpath: clone.lxcpath, name: clone.name) }
        entries.append(Entry(lxcpath: clone.lxcpath, name: clone.name))
        try write(entries, to: snapshotsFile(origin))
    }

    /// A destroyed clone leaves its origin's record.
    static func remove(clone: ContainerPaths) {
        for origin in read(rdependsFile(clone)) { remove(clone: clone, from: ContainerPaths(name: origin.name, lxcpath: origin.lxcpath)) }
    }

    /// `clone` out of `origin`'s record (a clone that was never finished).
    static func remove(clone: ContainerPaths, from origin: ContainerPaths) {
        let kept = read(snapshotsFile(origin)).filter { $0 != Entry(lxcpath: clone.lxcpath, name: clone.name) }
        try? write(kept, to: snapshotsFile(origin))
    }
}
