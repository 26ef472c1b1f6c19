import AuditTrail
import Glibc
import IDModel
import LinuxSys
import SubID
import SubIDQuery

// shadow's libsubid C API (ABI 4 names, plus ABI 5's subid_free), over SubIDLibrary. This target
// exists apart from SubIDQuery because its linker settings (Swift runtime inside, only subid_*
// exported, a soname) must not reach the binaries that link the logic.
//
// Memory the caller gets is malloc'd (ABI 4 callers release it with free()). The structs are read
// and written by offset: `struct subid_range { unsigned long start, count; }` and
// `struct subordinate_range { const char *owner; unsigned long start, count; }` (libsubid/subid.h);
// on Linux an unsigned long and a pointer are both one machine word.

private let word = MemoryLayout<UInt>.stride

/// subid_init's choices: the program name before each message, and where messages go (stderr
/// until subid_init says otherwise, as shadow's).
nonisolated(unsafe) private var programName = "(libsubid)"
nonisolated(unsafe) private var logFile: UnsafeMutablePointer<FILE>?

private func log(_ message: String) {
    let line = "\(programName): \(message)\n"
    if let logFile {
        fputs(line, logFile)
        fflush(logFile)
    } else {
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}

/// The sources, or nil after logging why they cannot be used. Plugins are called without a
/// timer here: SIGALRM belongs to the program that loaded us.
private func sources() -> [SubIDSource]? {
    SubIDPlugin.timeoutSeconds = 0
    switch NameServiceSwitch.subidSources() {
    case .success(let sources): return sources
    case .failure(let error):
        log(error.description)
        return nil
    }
}

private func kind(_ type: Int32) -> IDKind { type == 2 ? .gid : .uid }

@_cdecl("subid_init")
public func subid_init(_ progname: UnsafePointer<CChar>?, _ logfd: UnsafeMutablePointer<FILE>?) -> Bool {
    programName = progname.map { String(cString: $0) } ?? "(libsubid)"
    if let logfd {
        logFile = logfd
        return true
    }
    // No stream: messages are dropped (shadow opens /dev/null for them).
    guard let null = fopen("/dev/null", "we") else {
        logFile = nil
        return false
    }
    logFile = null
    return true
}

@_cdecl("subid_free")
public func subid_free(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}

private func getRanges(_ owner: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ kind: IDKind) -> Int32 {
    out?.pointee = nil
    guard let owner, let out else { return -1 }
    guard let sources = sources() else { return -1 }
    let name = String(cString: owner)
    return answer(SubIDLibrary.ranges(owner: name, kind: kind, users: SystemUserDatabase(), sources: sources)) { ranges in
        guard let array = malloc(ranges.count * 2 * word) else { return false }
        for (index, range) in ranges.enumerated() {
            array.storeBytes(of: UInt(range.start), toByteOffset: index * 2 * word, as: UInt.self)
            array.storeBytes(of: UInt(range.count), toByteOffset: (index * 2 + 1) * word, as: UInt.self)
        }
        out.pointee = array
        return true
    }
}

/// A count for C: the answer's length once `store` has handed it over (not called for none),
/// -1 after logging a failure.
private func answer<T>(_ result: Result<[T], SubIDLibrary.Failure>, store: ([T]) -> Bool) -> Int32 {
    switch result {
    case .failure(let error):
        log(error.description)
        return -1
    case .success(let items):
        if items.isEmpty { return 0 }
        return store(items) ? Int32(items.count) : -1
    }
}

@_cdecl("subid_get_uid_ranges")
public func subid_get_uid_ranges(_ owner: UnsafePointer<CChar>?, _ ranges: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 {
    getRanges(owner, ranges, .uid)
}

@_cdecl("subid_get_gid_ranges")
public func subid_get_gid_ranges(_ owner: UnsafePointer<CChar>?, _ ranges: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 {
    getRanges(owner, ranges, .gid)
}

private func getOwners(_ id: UInt32, _ out: UnsafeMutablePointer<UnsafeMutablePointer<uid_t>?>?, _ kind: IDKind) -> Int32 {
    out?.pointee = nil
    guard let out else { return -1 }
    guard let sources = sources() else { return -1 }
    return answer(SubIDLibrary.owners(of: id, kind: kind, users: SystemUserDatabase(), sources: sources)) { uids in
        guard let array = malloc(uids.count * MemoryLayout<uid_t>.stride)?.bindMemory(to: uid_t.self, capacity: uids.count) else {
            return false
        }
        for (index, uid) in uids.enumerated() { array[index] = uid }
        out.pointee = array
        return true
    }
}

@_cdecl("subid_get_uid_owners")
public func subid_get_uid_owners(_ uid: uid_t, _ owners: UnsafeMutablePointer<UnsafeMutablePointer<uid_t>?>?) -> Int32 {
    getOwners(uid, owners, .uid)
}

@_cdecl("subid_get_gid_owners")
public func subid_get_gid_owners(_ gid: gid_t, _ owners: UnsafeMutablePointer<UnsafeMutablePointer<uid_t>?>?) -> Int32 {
    getOwners(gid, owners, .gid)
}

/// A `struct subordinate_range` the caller passed.
private struct SubordinateRange {
    let pointer: UnsafeMutableRawPointer

    var owner: String? {
        pointer.load(as: UnsafePointer<CChar>?.self).map { String(cString: $0) }
    }
    var start: UInt {
        get { pointer.load(fromByteOffset: word, as: UInt.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: word, as: UInt.self) }
    }
    var count: UInt {
        get { pointer.load(fromByteOffset: 2 * word, as: UInt.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 2 * word, as: UInt.self) }
    }
}

private func loginDefs() -> LoginDefs {
    LoginDefs(parsing: (try? Files.read("/etc/login.defs", followSymlinks: true, limit: 1 << 20)) ?? [])
}

private func grant(_ pointer: UnsafeMutableRawPointer?, _ reuse: Bool, _ kind: IDKind) -> Bool {
    guard let pointer else { return false }
    let request = SubordinateRange(pointer: pointer)
    guard let owner = request.owner else { return false }
    guard let sources = sources() else { return false }
    switch SubIDLibrary.grant(owner: owner, count: UInt64(request.count), start: UInt64(request.start), reuse: reuse, kind: kind,
                              users: SystemUserDatabase(), sources: sources, defs: loginDefs()) {
    case .failure(let error):
        log(error.description)
        return false
    case .success(let grant):
        if grant.added {
            let identity = OwnerIdentity(name: grant.owner, uid: SystemUserDatabase().user(named: owner)?.uid)
            Audit.rangeChanged(kind, grant.range, of: identity, added: true, program: programName)
        }
        request.start = UInt(grant.range.start)
        request.count = UInt(grant.range.count)
        return true
    }
}

@_cdecl("subid_grant_uid_range")
public func subid_grant_uid_range(_ range: UnsafeMutableRawPointer?, _ reuse: Bool) -> Bool { grant(range, reuse, .uid) }

@_cdecl("subid_grant_gid_range")
public func subid_grant_gid_range(_ range: UnsafeMutableRawPointer?, _ reuse: Bool) -> Bool { grant(range, reuse, .gid) }

private func ungrant(_ pointer: UnsafeMutableRawPointer?, _ kind: IDKind) -> Bool {
    guard let pointer else { return false }
    let request = SubordinateRange(pointer: pointer)
    guard let owner = request.owner else { return false }
    guard let range = IDRange(start: UInt64(request.start), count: UInt64(request.count)), !range.isEmpty else {
        log("\(request.count) ids from \(request.start) are not a range of subordinate ids")
        return false
    }
    guard let sources = sources() else { return false }
    switch SubIDLibrary.ungrant(owner: owner, range: range, kind: kind, users: SystemUserDatabase(), sources: sources) {
    case .failure(let error):
        log(error.description)
        return false
    case .success(let changed):
        if changed {
            let identity = OwnerIdentity(name: owner, uid: SystemUserDatabase().user(named: owner)?.uid)
            Audit.rangeChanged(kind, range, of: identity, added: false, program: programName)
        } else {
            log("\(owner) holds no subordinate \(kind)s in \(range)")
        }
        return changed
    }
}

@_cdecl("subid_ungrant_uid_range")
public func subid_ungrant_uid_range(_ range: UnsafeMutableRawPointer?) -> Bool { ungrant(range, .uid) }

@_cdecl("subid_ungrant_gid_range")
public func subid_ungrant_gid_range(_ range: UnsafeMutableRawPointer?) -> Bool { ungrant(range, .gid) }
