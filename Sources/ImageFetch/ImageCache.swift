import Glibc
import SystemPackage
public import Images
import IDShift
import LinuxSys

/// The download cache, `BASE/DIST/RELEASE/ARCH/VARIANT/` (BASE: `~/.cache/userbox/download`):
/// the image's files and a record, `entry`, written last. Without a valid record there is no
/// entry, whatever else the directory holds, so a failed, partial or interrupted download never
/// becomes one (lxc/lxc#1889). New files are gathered in a staging directory beside the entry and
/// moved in under the image's lock (`VARIANT.lock`, flock), which also makes two creates of the
/// same image download it once: the second waits, then finds the entry.
public struct ImageCache: Sendable {
    public let base: String
    /// The rootfs as downloaded; the entry keeps it recompressed (`recompress`) when it can.
    public static let rootfsName = "rootfs.tar.xz"
    /// The rootfs of a simplestreams image that publishes only a squashfs, kept as downloaded.
    public static let squashfsName = "rootfs.squashfs"
    public static let metaName = "meta.tar.xz"
    static let recordName = "entry"

    public init(base: String) { self.base = base }

    /// `$XDG_CACHE_HOME/userbox/download`, else `HOME/.cache/userbox/download`.
    public static func defaultBase(home: String, environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> String {
        if let xdg = environment("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/userbox/download" }
        return home + "/.cache/userbox/download"
    }

    public struct Key: Equatable, Sendable {
        public var dist, release, arch, variant: String
        public init(dist: String, release: String, arch: String, variant: String) {
            self.dist = dist; self.release = release; self.arch = arch; self.variant = variant
        }

        /// Each part is one path component: no `/`, not `.` or `..`, not empty.
        public var isValid: Bool {
            [dist, release, arch, variant].allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.utf8.contains(0x2F) }
        }
    }

    public func directory(_ key: Key) -> String { "\(base)/\(key.dist)/\(key.release)/\(key.arch)/\(key.variant)" }

    /// The complete entry, or nil: no record, a malformed one, or a rootfs missing or of
    /// another size (a damaged entry is not used; the caller fetches it again).
    public func entry(_ key: Key) -> CacheEntry? {
        let dir = directory(key)
        guard let bytes = try? Files.read(dir + "/" + Self.recordName, followSymlinks: false, limit: 4096),
              let entry = CacheEntry(parsing: String(decoding: bytes, as: UTF8.self)) else { return nil }
        var st = stat()
        guard lstat(dir + "/" + entry.rootfsFile, &st) == 0, st.st_mode & S_IFMT == S_IFREG, UInt64(st.st_size) == entry.rootfsSize,
              access(dir + "/" + Self.metaName, R_OK) == 0 else { return nil }
        return entry
    }

    /// The cached rootfs's sha256 when it is not the one recorded (a damaged entry); nil when it
    /// is intact or the record has none.
    public func damage(_ entry: CacheEntry, _ key: Key) -> String? {
        guard let recorded = entry.cachedSHA256 else { return nil }
        let actual = SHA256Hasher.file(directory(key) + "/" + entry.rootfsFile) ?? "unreadable"
        return actual == recorded ? nil : actual
    }

    public enum CacheError: Error, Equatable, Sendable, CustomStringConvertible {
        case invalidKey(Key)
        case system(SystemError)
        case interrupted(Int32)
        case recompression(program: String, status: Int32, detail: String)

        public var description: String {
            switch self {
            case .invalidKey(let key): "\(key.dist)/\(key.release)/\(key.arch)/\(key.variant) is not an image name"
            case .system(let error): error.description
            case .interrupted(let signal): "interrupted (\(String(cString: strsignal(signal))))"
            case .recompression(let program, let status, let detail):
                "recompressing the rootfs for the cache: \(program) failed (status \(status))" + (detail.isEmpty ? "" : ": \(detail)")
            }
        }
    }

    /// Holds the image's lock until released (or the process ends).
    public final class Lock: @unchecked Sendable {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    /// Waits for the image's lock (another create downloading the same image holds it);
    /// `waiting` is called once if it has to. Polled rather than blocking, so an interrupt
    /// (Ctrl-C) ends the wait.
    public func lock(_ key: Key, waiting: () -> Void = {}) throws(CacheError) -> Lock {
        guard key.isValid else { throw .invalidKey(key) }
        let dir = directory(key)
        try makeParents(of: dir)
        let path = dir + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .system(SystemError("open", path, Errno(rawValue: errno))) }
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            guard e == EWOULDBLOCK || e == EINTR else { close(fd); throw .system(SystemError("lock", path, Errno(rawValue: e))) }
            if let signal = Interrupts.caught { close(fd); throw .interrupted(signal) }
            if !told { waiting(); told = true }
            usleep(100_000)
        }
        return Lock(fd: fd)
    }

    /// A fresh staging directory beside the entry (same filesystem, so moving in is a rename);
    /// staging directories left by processes that died are removed first.
    public func stage(_ key: Key, holding lock: Lock) throws(CacheError) -> String {
        let parent = directory(key) + ".partial"
        try makeParents(of: parent + "/x")
        for name in (try? DirectoryEntries.names(atPath: parent)) ?? [] {
            // Only stale ones: a live pid's staging belongs to a download under this lock's holder.
            if let pid = Int32(name.split(separator: ".").first ?? ""), kill(pid, 0) == 0 || errno == EPERM, pid != getpid() { continue }
            removeTree(parent + "/" + name)
        }
        let path = "\(parent)/\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(path, 0o700) == 0 else { throw .system(SystemError("create", path, Errno(rawValue: errno))) }
        return path
    }

    /// Makes the staged files (the entry's rootfs file, meta.tar.xz) the entry: the old entry's
    /// record goes first, then its rootfs in any format, the files are renamed in, the new record
    /// is written last.
    public func commit(_ staging: String, as entry: CacheEntry, for key: Key, holding lock: Lock) throws(CacheError) {
        let dir = directory(key)
        try makeParents(of: dir + "/x")
        _ = unlink(dir + "/" + Self.recordName)
        for name in CacheEntry.rootfsFiles { _ = unlink(dir + "/" + name) }
        for name in [entry.rootfsFile, Self.metaName] {
            guard rename(staging + "/" + name, dir + "/" + name) == 0 else {
                throw .system(SystemError("move into the cache", dir + "/" + name, Errno(rawValue: errno)))
            }
        }
        do { try Files.replaceAtomically(dir + "/" + Self.recordName, with: Array(entry.serialized.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch {
            throw .system(error)
        }
        removeTree(staging)
    }

    /// Drops the entry (`--flush-cache`): record first, so a crash midway leaves no entry.
    public func flush(_ key: Key, holding lock: Lock) {
        let dir = directory(key)
        _ = unlink(dir + "/" + Self.recordName)
        removeTree(dir)
        removeTree(dir + ".partial")
    }

    /// Every complete entry under the base, for `userbox images --cached`.
    public func entries() -> [(key: Key, entry: CacheEntry)] {
        keys().compactMap { key in entry(key).map { (key, $0) } }
    }

    /// Every image directory under the base, complete or not (`userbox images --flush` removes
    /// what a crashed download left too).
    public func keys() -> [Key] {
        var found: [Key] = []
        for dist in subdirectories(base) {
            for release in subdirectories("\(base)/\(dist)") {
                for arch in subdirectories("\(base)/\(dist)/\(release)") {
                    for variant in subdirectories("\(base)/\(dist)/\(release)/\(arch)") where !variant.hasSuffix(".partial") {
                        found.append(Key(dist: dist, release: release, arch: arch, variant: variant))
                    }
                }
            }
        }
        return found
    }

    func subdirectories(_ path: String) -> [String] {
        ((try? DirectoryEntries.names(atPath: path)) ?? []).filter { name in
            var st = stat()
            return lstat(path + "/" + name, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
        }.sorted()
    }

    func makeParents(of path: String) throws(CacheError) {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        do { try Files.makeDirectories(parent, mode: 0o755) } catch { throw .system(error) }
    }

    /// A staging or entry directory gone (best effort: what is left is no entry, and stale
    /// staging is removed by the next download). TreeRemoval never follows a symlink out.
    public func removeTree(_ path: String) {
        try? TreeRemoval.remove(path)
    }
}
