public import IDModel
import CLinux
import Glibc
import LinuxSys
import SystemPackage

/// Reads and atomically rewrites /etc/subuid or /etc/subgid the way shadow's commonio does, with
/// its lock, so shadow's tools and ours can run side by side.
///
/// A rewrite copies the current file to `FILE-` (the backup shadow keeps), writes the new content
/// to an unpredictable temporary name in the same directory, fsyncs it, gives it the old file's
/// owner and mode (less the bits shadow also drops: execute, setuid, setgid, sticky, other-write),
/// renames it over the file and fsyncs the directory. A crash at any point leaves the old file
/// or the new one, never a mix. Interrupting signals are held while the lock is held, and the
/// lock file is removed on every exit path.
public struct SubIDStore: Sendable {
    public let kind: IDKind
    public let path: String

    public init(kind: IDKind, path: String? = nil) {
        self.kind = kind
        self.path = path ?? kind.defaultPath
    }

    /// What was read and the status of exactly the bytes read.
    struct Snapshot {
        var file: SubIDFile
        var status: stat?
    }

    public func read() throws(StoreError) -> SubIDFile {
        guard let snapshot = try load(missingOK: false) else { throw .missing(path: path) }
        return snapshot.file
    }

    /// Reads if present; nil when the file does not exist.
    public func readIfPresent() throws(StoreError) -> SubIDFile? {
        try load(missingOK: true)?.file
    }

    public var exists: Bool { Files.exists(path) }

    private func load(missingOK: Bool) throws(StoreError) -> Snapshot? {
        let file: Descriptor
        do {
            file = try Descriptor.open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
        } catch {
            if error == .noSuchFileOrDirectory && missingOK { return nil }
            if error == .noSuchFileOrDirectory { throw .missing(path: path) }
            if error == .tooManySymbolicLinkLevels { throw .symlink(path: path) }
            throw .io(SystemError("open", path, error))
        }
        let st: stat
        do { st = try file.status() } catch { throw .io(SystemError("stat", path, error)) }
        guard clinux_s_isreg(st.st_mode) != 0 else { throw .notRegularFile(path: path) }
        do {
            return Snapshot(file: SubIDFile(parsing: try Files.readAll(file, path: path)), status: st)
        } catch { throw .io(error) }
    }

    /// Locks the file, reads it (an empty file when missing and `create` is true), lets `change`
    /// edit it, and writes it back if it changed. Returns the file as it is afterwards.
    @discardableResult
    public func update<E: Error>(
        createIfMissing create: Bool = false, _ change: (inout SubIDFile) throws(E) -> Void
    ) throws(UpdateError<E>) -> SubIDFile {
        var oldMask = clinux_sigset()
        clinux_block_interrupts(&oldMask)
        defer { clinux_restore_signals(&oldMask) }
        let lock = ShadowLock(target: path)
        do { try lock.acquire() } catch { throw .store(error) }
        defer { lock.release() }
        let snapshot: Snapshot
        do throws(StoreError) {
            // Why: a writer creates a missing file (mode 0644, root-owned), as shadow's commonio does.
            snapshot = try load(missingOK: create) ?? Snapshot(file: SubIDFile(), status: nil)
        } catch { throw .store(error) }
        var file = snapshot.file
        do { try change(&file) } catch { throw .change(error) }
        guard file.isChanged else { return file }
        do {
            if let status = snapshot.status {
                try replace(path + "-", with: snapshot.file.originalBytes, like: status, keepTimes: true)
            }
            try replace(path, with: file.serialized(), like: snapshot.status, keepTimes: false)
        } catch { throw .store(error) }
        return file
    }

    public enum UpdateError<E: Error>: Error, CustomStringConvertible {
        case store(StoreError)
        case change(E)

        public var description: String {
            switch self {
            case .store(let error): return error.description
            case .change(let error):
                #if hasFeature(Embedded)
                // Embedded Swift cannot print an arbitrary error (no reflection); callers there
                // switch on .change and describe their own error type.
                _ = error
                return "the change was refused"
                #else
                return "\(error)"
                #endif
            }
        }
    }

    /// The old file's owner (when we may set it) and mode, less the bits shadow also drops;
    /// a new file is root's, 0644, as shadow's commonio creates it.
    private func replace(_ target: String, with bytes: [UInt8], like status: stat?, keepTimes: Bool) throws(StoreError) {
        let owner = status.map { (uid: $0.st_uid, gid: $0.st_gid) } ?? (uid: 0, gid: 0)
        let attributes = Files.ReplacementAttributes(
            owner: geteuid() == 0 ? owner : nil,
            mode: status.map { $0.st_mode & 0o664 } ?? 0o644,
            times: keepTimes ? status.map { (access: $0.st_atim, modification: $0.st_mtim) } : nil)
        do { try Files.replaceAtomically(target, with: bytes, attributes: attributes, temporaryPrefix: path) } catch {
            throw .io(error)
        }
    }
}
