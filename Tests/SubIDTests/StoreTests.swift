import Glibc
import LinuxSys
import TestSupport
import Testing
import IDModel
@testable import SubID

/// The store on a scratch directory (outside /etc the link lock is taken without lckpwdf, so
/// these run as any user).
@Suite struct StoreTests {
    let scratch = ScratchDirectory("store")
    var directory: String { scratch.path }

    func write(_ name: String, _ text: String, mode: mode_t = 0o644) { scratch.write(name, text, mode: mode) }

    func read(_ name: String) -> String? {
        guard let bytes = try? Files.read(directory + "/" + name) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    var store: SubIDStore { SubIDStore(kind: .uid, path: directory + "/subuid") }

    @Test func updateWritesBackupKeepsModeAndReleasesLock() throws {
        write("subuid", "# c\nfoo:100000:10", mode: 0o600)
        try store.update { (file: inout SubIDFile) throws(Never) in
            file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 200000, count: 5)!))
        }
        #expect(read("subuid") == "# c\nfoo:100000:10\nbar:200000:5\n")
        #expect(read("subuid-") == "# c\nfoo:100000:10")
        #expect(mode("subuid") == 0o600)
        #expect(!Files.exists(directory + "/subuid.lock"))
        #expect(leftovers().isEmpty)
    }

    @Test func modeLosesTheBitsShadowDrops() throws {
        write("subuid", "foo:1:2\n", mode: 0o777)
        try store.update { (file: inout SubIDFile) throws(Never) in
            file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 10, count: 5)!))
        }
        #expect(mode("subuid") == 0o664)
    }

    @Test func unchangedFileIsNotRewritten() throws {
        write("subuid", "foo:1:2\n")
        try store.update { (_: inout SubIDFile) throws(Never) in }
        #expect(!Files.exists(directory + "/subuid-"))
    }

    struct Refusal: Error {}

    @Test func failedChangeLeavesFileAndNoLock() {
        write("subuid", "foo:1:2\n")
        #expect(throws: (any Error).self) {
            try store.update { (file: inout SubIDFile) throws(Refusal) in
                file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 10, count: 5)!))
                throw Refusal()
            }
        }
        #expect(read("subuid") == "foo:1:2\n")
        #expect(!Files.exists(directory + "/subuid.lock"))
        #expect(!Files.exists(directory + "/subuid-"))
    }

    @Test func staleLockIsTakenOver() throws {
        write("subuid", "foo:1:2\n")
        write("subuid.lock", "999999999\0")  // no such pid
        try store.update { (file: inout SubIDFile) throws(Never) in
            file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 10, count: 5)!))
        }
        #expect(read("subuid")?.hasSuffix("bar:10:5\n") == true)
        #expect(!Files.exists(directory + "/subuid.lock"))
    }

    @Test func liveEmptyAndGarbageLocksRefuse() {
        write("subuid", "foo:1:2\n")
        let lock = directory + "/subuid.lock"
        func attempt() -> StoreError? {
            do {
                try store.update { (file: inout SubIDFile) throws(Never) in
                    file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 10, count: 5)!))
                }
                return nil
            } catch {
                if case .store(let e) = error { return e }
                return nil
            }
        }
        write("subuid.lock", "")
        #expect(attempt() == .lockWithoutPID(lock: lock))
        write("subuid.lock", "garbage")
        #expect(attempt() == .lockWithInvalidPID(lock: lock, content: "garbage"))
        write("subuid.lock", "\(getpid())\0")
        #expect(attempt() == .lockHeld(lock: lock, pid: getpid()))
        #expect(read("subuid") == "foo:1:2\n")
        #expect(Files.exists(lock), "someone else's lock must stay")
    }

    @Test func symlinkedFileIsRefused() {
        write("real", "foo:1:2\n")
        symlink(directory + "/real", directory + "/subuid")
        #expect(throws: StoreError.symlink(path: directory + "/subuid")) { try store.read() }
    }

    @Test func missingFileIsCreatedOnlyWhenAsked() throws {
        #expect(throws: StoreError.missing(path: directory + "/subuid")) { try store.read() }
        try store.update(createIfMissing: true) { (file: inout SubIDFile) throws(Never) in
            file.appendUnchecked(SubIDEntry(owner: "bar", range: IDRange(start: 10, count: 5)!))
        }
        #expect(read("subuid") == "bar:10:5\n")
        #expect(mode("subuid") == 0o644)
    }

    func mode(_ name: String) -> mode_t {
        var st = stat()
        lstat(directory + "/" + name, &st)
        return st.st_mode & 0o7777
    }

    func leftovers() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.contains(".cio") || name.contains(".lock") || name.hasPrefix("subuid.") { names.append(name) }
        }
        return names
    }
}
