import Glibc
import Runtime

/// userbox_attach_options as the header lays it out: uid, gid (unsigned int each), then the
/// extra environment (a NULL-terminated array).
typealias AttachOptions = (uid: UInt32, gid: UInt32, env: [String])

func attachOptions(_ raw: UnsafeRawPointer?) -> AttachOptions {
    guard let raw else { return (0, 0, []) }
    let uid = raw.load(fromByteOffset: 0, as: UInt32.self)
    let gid = raw.load(fromByteOffset: 4, as: UInt32.self)
    let env = raw.load(fromByteOffset: 8, as: UnsafePointer<UnsafeMutablePointer<CChar>?>?.self)
    return (uid, gid, strings(env))
}

@_cdecl("userbox_attach_run")
public func userbox_attach_run(_ c: OpaquePointer?, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
                               _ options: UnsafeRawPointer?, _ exitStatus: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    let command = strings(argv)
    guard !command.isEmpty else { LastError.set("no command given"); return -1 }
    let o = attachOptions(options)
    var result: Int32 = 0
    let rc = status { () throws(RuntimeError) in result = try handle.container.attach(command, uid: o.uid, gid: o.gid, environment: o.env) }
    if rc == 0 { exitStatus?.pointee = result }
    return rc
}

@_cdecl("userbox_enter")
public func userbox_enter(_ c: OpaquePointer?, _ options: UnsafeRawPointer?,
                          _ environment: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    let o = attachOptions(options)
    var env: [String] = []
    let rc = status { () throws(RuntimeError) in env = try handle.container.enter(uid: o.uid, gid: o.gid, environment: o.env) }
    if rc == 0, let environment { environment.pointee = cList(env) }
    return rc
}

@_cdecl("userbox_get_config_item")
public func userbox_get_config_item(_ c: OpaquePointer?, _ key: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.from(c), let key else { LastError.set("no container handle or key"); return nil }
    let wanted = String(cString: key)
    let path = handle.container.paths.config
    guard let file = fopen(path, "re") else { LastError.set("cannot read \(path): \(String(cString: strerror(errno)))"); return nil }
    defer { fclose(file) }
    // `key = value` lines, as LXC writes them; the last one for a key wins, as in LXC.
    var found: String?
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0, let line {
        let text = String(cString: line)
        guard let eq = text.firstIndex(of: "=") else { continue }
        let k = text[..<eq].trimmingCharacters(in: " \t")
        guard k == wanted else { continue }
        found = text[text.index(after: eq)...].trimmingCharacters(in: " \t\n")
    }
    LastError.clear()
    return found.map { strdup($0) }
}

@_cdecl("userbox_get_ips")
public func userbox_get_ips(_ c: OpaquePointer?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return nil }
    guard let state = handle.container.state else { LastError.set(RuntimeError.notRunning(handle.container.name).description); return nil }
    return cList(state.addresses)
}

@_cdecl("userbox_list")
public func userbox_list(_ lxcpath: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    cList(Container.all(lxcpath: lxcpath.map { String(cString: $0) }).map(\.name).sorted())
}

@_cdecl("userbox_free")
public func userbox_free(_ p: UnsafeMutableRawPointer?) { free(p) }

@_cdecl("userbox_free_list")
public func userbox_free_list(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
    guard let list else { return }
    var i = 0
    while let item = list[i] {
        free(item)
        i += 1
    }
    free(list)
}

extension Substring {
    /// Without leading and trailing characters of `set` (no Foundation here).
    func trimmingCharacters(in set: String) -> String {
        let blanks = Set(set)
        var s = self
        while let f = s.first, blanks.contains(f) { s = s.dropFirst() }
        while let l = s.last, blanks.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
