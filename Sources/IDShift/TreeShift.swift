import CLinux
import Glibc
import IDModel
public import LinuxSys
import SystemPackage

/// Shifts the owners of every file in a tree by an `IDTranslation`, in one process: symlinks are
/// changed themselves and never followed, other filesystems (mount points) are left alone, hard
/// links are shifted once, setuid/setgid bits that chown clears are put back, POSIX ACL entries
/// and the file-capability rootid follow the translation. Source and target ids must not meet,
/// so running it again after an interruption finishes the job and changes nothing twice.
public struct TreeShift {
    public struct Report: Equatable, Sendable {
        public var visited = 0
        public var changed = 0
        public var otherFilesystems: [String] = []
    }

    /// A step that failed on an entry: "cannot OPERATION PATH: ERRNO".
    public typealias Failure = SystemError

    public let translation: IDTranslation

    public init(_ translation: IDTranslation) throws(IDTranslation.Problem) {
        try translation.validate()
        self.translation = translation
    }

    public func shift(_ root: String) throws(Failure) -> Report {
        let top: Descriptor
        do { top = try Descriptor.open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
            throw Failure("open directory", root, error)
        }
        let st: clinux_file_status
        do { st = try statusAt(top.rawValue, "") } catch { throw Failure("stat", root, error) }
        var report = Report()
        // The root through its own fd (the one place a /proc path names an fd we hold).
        try shiftEntry(parent: top.rawValue, name: ".", xattrName: "/proc/self/fd/\(top.rawValue)", directoryPath: root, st: st, report: &report)
        let job = ShiftJob(shift: self, mount: st.mount_id)
        // The job's queue holds raw fds (an array cannot hold noncopyable values) and closes each.
        job.queue.append((top.take(), root))
        job.run(threads: ShiftJob.threadCount)
        if let failure = job.failure { throw failure }
        report.visited += job.report.visited
        report.changed += job.report.changed
        report.otherFilesystems += job.report.otherFilesystems.sorted()
        return report
    }

    struct Inode: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// One directory's entries; subdirectories go back to the job (or are walked here when the
    /// queue is long, so open directory fds stay bounded). The working directory of this thread
    /// is `dir` while its entries are handled.
    func walk(_ dir: Int32, path: String, job: ShiftJob, report: inout Report) throws(Failure) {
        do { _ = try valueOrErrno { fchdir(dir) } } catch { throw Failure("enter", path, error) }
        let names: [String]
        do { names = try directoryEntries(dir) } catch { throw Failure("read directory", path, error) }
        for name in names {
            if job.stopped { return }
            let st: clinux_file_status
            do { st = try statusAt(dir, name) } catch {
                if error == .noSuchFileOrDirectory { continue }
                throw Failure("stat", path + "/" + name, error)
            }
            // Why: a bind mount of the same filesystem has the same st_dev; its mount id differs.
            if st.mount_id != job.mount {
                report.otherFilesystems.append(path + "/" + name)
                continue
            }
            // Why: one thread per multiply-linked inode, or two could interleave a chown (which
            // clears file capabilities) with the other's capability restore.
            if !isDirectory(st) && st.nlink > 1 && !job.claim(Inode(device: st.device, inode: st.inode)) { continue }
            try shiftEntry(parent: dir, name: name, xattrName: name, directoryPath: path, st: st, report: &report)
            if isDirectory(st) {
                let childPath = path + "/" + name
                let child: Int32
                do { child = try openDirectory(dir, name) } catch {
                    throw Failure("open directory", childPath, error)
                }
                if job.offer(child, childPath) { continue }
                defer { close(child) }
                try walk(child, path: childPath, job: job, report: &report)
                do { _ = try valueOrErrno { fchdir(dir) } } catch { throw Failure("enter", path, error) }
            }
        }
    }

    /// `name` is relative to `parent`; `xattrName` names the same entry for the l*xattr calls
    /// (relative to the working directory, which is `parent`).
    private func shiftEntry(
        parent: Int32, name: String, xattrName: String, directoryPath: String, st: clinux_file_status,
        report: inout Report
    ) throws(Failure) {
        report.visited += 1
        let uid = translation.uid(st.uid), gid = translation.gid(st.gid)
        let xattrPath = xattrName
        var path: String { name == "." ? directoryPath : directoryPath + "/" + name }
        var capability: [UInt8]?
        var changed = false
        if !isSymlink(st) {
            // ACLs first, before the owner: if we are interrupted after this, a second run still
            // finds the owner unshifted and comes back here; ids already moved are not sources.
            for attribute in presentAttributes(xattrPath, regular: isRegular(st)) {
                guard let value = readXattr(xattrPath, attribute) else { continue }
                if attribute == SecurityXattrs.capability {
                    capability = value
                    continue
                }
                guard let translated = SecurityXattrs.translateACL(value, translation), translated != value else { continue }
                do {
                    _ = try valueOrErrno { translated.withUnsafeBytes { clinux_lsetxattr(xattrPath, attribute, $0.baseAddress, UInt($0.count)) } }
                } catch { throw Failure("set \(attribute) on", path, error) }
                changed = true
            }
        }
        if uid != st.uid || gid != st.gid {
            do { _ = try valueOrErrno { fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) } } catch {
                // Why: in a user namespace an unmapped owner reads as the overflow id (65534), and
                // an id with no mapping cannot be given: say which, not just "not permitted".
                if error == .invalidArgument {
                    throw Failure("give uid \(uid) gid \(gid) (not mapped in this namespace) to", path, error)
                }
                if error == .notPermitted && (st.uid == 65534 || st.gid == 65534) {
                    throw Failure("change the owner (not mapped in this namespace) of", path, error)
                }
                throw Failure("change the owner of", path, error)
            }
            changed = true
            if !isSymlink(st) {
                // chown clears setuid and setgid, and file capabilities: put them back.
                if st.mode & UInt32(S_ISUID | S_ISGID) != 0 {
                    do { _ = try valueOrErrno { fchmodat(parent, name, mode_t(st.mode & 0o7777), 0) } } catch {
                        throw Failure("restore the mode of", path, error)
                    }
                }
                if let capability, let translated = SecurityXattrs.translateCapability(capability, translation) {
                    do {
                        _ = try valueOrErrno {
                            translated.withUnsafeBytes { clinux_lsetxattr(xattrPath, SecurityXattrs.capability, $0.baseAddress, UInt($0.count)) }
                        }
                    } catch { throw Failure("restore the capabilities of", path, error) }
                }
            }
        }
        if changed { report.changed += 1 }
    }

    /// Which id-carrying attributes the file has: one llistxattr, since most files have none.
    private func presentAttributes(_ path: String, regular: Bool) -> [String] {
        var buffer = [CChar](repeating: 0, count: 1024)
        let n = clinux_llistxattr(path, &buffer, UInt(buffer.count))
        guard n > 0 else { return [] }
        let names = buffer[0..<Int(n)].split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return names.filter {
            $0 == SecurityXattrs.accessACL || $0 == SecurityXattrs.defaultACL || (regular && $0 == SecurityXattrs.capability)
        }
    }

    private func readXattr(_ path: String, _ name: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = clinux_lgetxattr(path, name, &buffer, UInt(buffer.count))
        guard n >= 0 else { return nil }
        return Array(buffer[0..<Int(n)])
    }
}
