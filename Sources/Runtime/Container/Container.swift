import Glibc
import LinuxSys
import IDModel
import SubID

/// One container of the calling user: its paths, its configuration, its state.
public struct Container: Sendable {
    /// Where its config, rootfs, logs and state are.
    public let paths: ContainerPaths

    /// The container `name` in `lxcpath` (default `~/.local/share/userbox`); it need not exist yet.
    /// Throws `invalidName` unless the name is 1-64 of `A-Z a-z 0-9 - _ .` not starting with a
    /// dot (`ContainerPaths.isValidName`): it is a directory name and appears in cgroup names.
    public init(name: String, lxcpath: String? = nil) throws(RuntimeError) {
        guard ContainerPaths.isValidName(name) else {
            throw .invalidName(name)
        }
        paths = ContainerPaths(name: name, lxcpath: lxcpath)
    }

    /// The container's name.
    public var name: String { paths.name }
    /// Whether it has been created (its config file exists).
    public var exists: Bool { Files.exists(paths.config) }

    /// `lenient`: unknown keys and bad values are skipped (see `ConfigParser.parse`).
    public func loadConfig(lenient: Bool = false) throws(RuntimeError) -> ContainerConfig {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        let text: String
        do { text = String(decoding: try Files.read(paths.config, followSymlinks: true, limit: 1 << 20), as: UTF8.self) } catch {
            throw .system(error)
        }
        do throws(ConfigError) {
            return try ConfigParser.parse(text, file: paths.config, include: Container.includedFile, lenient: lenient)
        } catch { throw .config(error) }
    }

    /// What an lxc.include names, read as a config file.
    static func includedFile(_ path: String) throws(SystemError) -> String {
        String(decoding: try Files.read(path, followSymlinks: true, limit: 1 << 20), as: UTF8.self)
    }

    /// Its state while it runs: the recorded state whose init is still that very process (pid and
    /// start time); nil when it is stopped, or when a reboot left a stale record.
    public var state: ContainerState? { ContainerState.current(paths) }
    /// Whether it runs (see `state`).
    public var isRunning: Bool { state != nil }

    /// The config checked as start would check it: it parses, its rootfs exists, its idmaps lie in
    /// the caller's subordinate ranges.
    public func check(user: UserRecord) throws(RuntimeError) -> ContainerConfig {
        let config = try loadConfig()
        var directories: [String]
        if case .overlay(let lowers, let upper) = config.rootfsBackend {
            // The mount point, the layers and the work directory all must be there and reachable.
            directories = [paths.defaultRootfs] + lowers + [upper, ContainerConfig.overlayWork(upper)]
        } else {
            guard let rootfs = config.rootfs, rootfs.hasPrefix("/") else { throw .rootfsNotAbsolute(config: paths.config) }
            directories = [rootfs]
        }
        for directory in directories {
            var st = stat()
            guard stat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { throw .rootfsNotDirectory(directory) }
            try Container.checkReachable(directory, config: config)
        }
        let identity = OwnerIdentity(name: user.name, uid: user.uid)
        try IDMapCheck.verify(config, user: user, subuid: try Container.subordinateFile(identity, kind: .uid),
                              subgid: try Container.subordinateFile(identity, kind: .gid))
        _ = try SecurityModules.execLabel(for: config)
        return config
    }

    /// Every directory above the rootfs must be searchable by the container's root, which is a
    /// subordinate uid on the host: neither the owner nor (usually) in the group.
    static func checkReachable(_ rootfs: String, config: ContainerConfig) throws(RuntimeError) {
        let rootUID = rootIDs(of: config)?.uid ?? 0
        var path = ""
        for component in rootfs.split(separator: "/").dropLast() {
            path += "/" + component
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            if st.st_mode & 0o001 == 0 {
                throw .rootfsUnreachable(rootUID: rootUID, directory: path)
            }
        }
    }

    /// The container's root ids on the host (for the shift at create and the removal at destroy).
    static func rootIDs(of config: ContainerConfig) -> (uid: UInt32, gid: UInt32, uidCount: UInt32, gidCount: UInt32)? {
        guard let u = config.idmaps.first(where: { $0.kind == .uid && $0.inside == 0 }),
              let g = config.idmaps.first(where: { $0.kind == .gid && $0.inside == 0 }) else { return nil }
        return (u.outside, g.outside, u.count, g.count)
    }

    /// Every container under `lxcpath` (directories holding a config).
    public static func all(lxcpath: String? = nil) -> [Container] {
        let root = ContainerPaths(name: "x", lxcpath: lxcpath).lxcpath
        let names = ((try? DirectoryEntries.names(atPath: root)) ?? []).filter(ContainerPaths.isValidName)
        return names.sorted().compactMap { try? Container(name: $0, lxcpath: lxcpath) }.filter { $0.exists }
    }
}
