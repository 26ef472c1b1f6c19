import Glibc
import LinuxSys
import Runtime

/// userbox_attach_options as the header lays it out (x86-64 and aarch64 LP64): uid, gid
/// (unsigned int) at 0 and 4, extra_env at 8, initial_cwd at 16, env_policy, stdin_fd,
/// stdout_fd, stderr_fd (int) at 24, 28, 32, 36. t_capi's C program checks the header's offsets
/// against these, so the two cannot drift apart unnoticed.
func attachOptions(_ raw: UnsafeRawPointer?) -> AttachOptions {
    guard let raw else { return AttachOptions() }
    let env = raw.load(fromByteOffset: 8, as: UnsafePointer<UnsafeMutablePointer<CChar>?>?.self)
    let cwd = raw.load(fromByteOffset: 16, as: UnsafePointer<CChar>?.self)
    return AttachOptions(uid: raw.load(fromByteOffset: 0, as: UInt32.self), gid: raw.load(fromByteOffset: 4, as: UInt32.self),
                         environment: strings(env), keepsEnvironment: raw.load(fromByteOffset: 24, as: Int32.self) == 1,
                         workingDirectory: cwd.map { String(cString: $0) },
                         standardInput: raw.load(fromByteOffset: 28, as: Int32.self),
                         standardOutput: raw.load(fromByteOffset: 32, as: Int32.self),
                         standardError: raw.load(fromByteOffset: 36, as: Int32.self))
}

/// The process that joins: the static helper when it is installed (no copy of this process's
/// memory, which in a Python program costs more than all the rest), else a fork of this one.
var attachLaunch: AttachLaunch { Helpers.joiner.map { .helper($0) } ?? .fork }

/// userbox_attach and userbox_attach_run: `run` starts (or runs) the command in the container
/// with the caller's options; its result goes to `out` when it succeeds.
func attachCall(_ c: OpaquePointer?, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?, _ options: UnsafeRawPointer?,
                _ out: UnsafeMutablePointer<Int32>?,
                _ run: (Container, [String], AttachOptions) throws(RuntimeError) -> Int32) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    let command = strings(argv)
    guard !command.isEmpty else { LastError.set("no command given"); return -1 }
    var result: Int32 = 0
    let rc = status { () throws(RuntimeError) in result = try run(handle.container, command, attachOptions(options)) }
    if rc == 0 { out?.pointee = result }
    return rc
}

@_cdecl("userbox_attach")
public func userbox_attach(_ c: OpaquePointer?, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
                           _ options: UnsafeRawPointer?, _ pid: UnsafeMutablePointer<Int32>?) -> Int32 {
    attachCall(c, argv, options, pid) { container, command, o throws(RuntimeError) in try container.spawn(command, options: o, launch: attachLaunch) }
}

@_cdecl("userbox_attach_run")
public func userbox_attach_run(_ c: OpaquePointer?, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
                               _ options: UnsafeRawPointer?, _ exitStatus: UnsafeMutablePointer<Int32>?) -> Int32 {
    attachCall(c, argv, options, exitStatus) { container, command, o throws(RuntimeError) in
        try container.attach(command, options: o, launch: attachLaunch)
    }
}

@_cdecl("userbox_enter")
public func userbox_enter(_ c: OpaquePointer?, _ options: UnsafeRawPointer?,
                          _ environment: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    var env: [String] = []
    let rc = status { () throws(RuntimeError) in env = try handle.container.enter(options: attachOptions(options)) }
    if rc == 0, let environment { environment.pointee = cList(env) }
    return rc
}

/// The config's `key = value` lines (edited ones, else the file's), or the reason it cannot be read.
func configLines(_ handle: Handle) throws(CallError) -> [String] {
    if let lines = handle.lines { return lines }
    let path = handle.container.paths.config
    guard let bytes = try? Files.read(path, followSymlinks: false, limit: 1 << 20) else {
        throw CallError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// lxc.rootfs.path as liblxc's get_config_item gives it: the storage type that starts the value
/// (`dir:`, `overlay:`, `overlayfs:`, `btrfs:`) taken off, so a script that opens files under
/// the path it gets works as with liblxc (`overlay:LOWER:UPPER` reads `LOWER:UPPER`).
func withoutStorageType(_ value: String) -> String {
    for prefix in ["dir:", "overlay:", "overlayfs:", "btrfs:"] where value.hasPrefix(prefix) { return String(value.dropFirst(prefix.count)) }
    return value
}

/// The key of a `key = value` line, nil for comments and blanks.
func keyOf(_ line: String) -> String? {
    guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { return nil }
    return line[..<eq].trimmingCharacters(in: " \t")
}

@_cdecl("userbox_get_config_item")
public func userbox_get_config_item(_ c: OpaquePointer?, _ key: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.from(c), let key else { LastError.set("no container handle or key"); return nil }
    let wanted = String(cString: key)
    do {
        // The last line for a key wins, as in LXC.
        var found: String?
        for line in try configLines(handle) where keyOf(line) == wanted {
            found = line[line.index(after: line.firstIndex(of: "=")!)...].trimmingCharacters(in: " \t\r")
        }
        LastError.clear()
        return found.map { strdup(wanted == "lxc.rootfs.path" ? withoutStorageType($0) : $0) }
    } catch {
        LastError.set(error.description)
        return nil
    }
}

@_cdecl("userbox_set_config_item")
public func userbox_set_config_item(_ c: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
    guard let handle = Handle.from(c), let key, let value else { LastError.set("no container handle, key or value"); return -1 }
    let k = String(cString: key), v = String(cString: value)
    do throws(CallError) {
        guard !k.contains("\n"), !v.contains("\n"), k.hasPrefix("lxc.") else { throw CallError("\(k): not a config key (lxc.*, one line)") }
        // Checked as the config parser reads it, so a bad value is refused now, not at start.
        if k != "lxc.include" {
            do { _ = try ConfigParser.parse("\(k) = \(v)\n") } catch { throw CallError(error.description) }
        }
        var lines = try configLines(handle)
        // The key's lines go; the new one takes the first one's place (appended when it had none).
        let at = lines.firstIndex { keyOf($0) == k }
        lines.removeAll { keyOf($0) == k }
        let line = "\(k) = \(v)"
        if let at { lines.insert(line, at: min(at, lines.count)) } else {
            if lines.last == "" { lines.insert(line, at: lines.count - 1) } else { lines.append(line) }
        }
        handle.lines = lines
        return 0
    } catch {
        LastError.set(error.description)
        return -1
    }
}

@_cdecl("userbox_clear_config_item")
public func userbox_clear_config_item(_ c: OpaquePointer?, _ key: UnsafePointer<CChar>?) -> Int32 {
    guard let handle = Handle.from(c), let key else { LastError.set("no container handle or key"); return -1 }
    let k = String(cString: key)
    do {
        var lines = try configLines(handle)
        lines.removeAll { keyOf($0) == k }
        handle.lines = lines
        return 0
    } catch {
        LastError.set(error.description)
        return -1
    }
}

@_cdecl("userbox_save_config")
public func userbox_save_config(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    do throws(CallError) {
        let lines = try configLines(handle)
        let path = handle.container.paths.config
        var text = lines.joined(separator: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        do { try Files.replaceAtomically(path, with: Array(text.utf8), attributes: .init(owner: nil, mode: 0o644)) } catch {
            throw CallError(error.description)
        }
        handle.lines = nil
        return 0
    } catch {
        LastError.set(error.description)
        return -1
    }
}

@_cdecl("userbox_get_ips")
public func userbox_get_ips(_ c: OpaquePointer?, _ interface: UnsafePointer<CChar>?, _ family: UnsafePointer<CChar>?,
                            _ scope: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return nil }
    var only: AddressFamily?
    if let family {
        guard let f = AddressFamily(rawValue: String(cString: family)) else {
            LastError.set("unknown address family \"\(String(cString: family))\" (inet or inet6)")
            return nil
        }
        only = f
    }
    guard handle.container.isRunning else { LastError.set(RuntimeError.notRunning(handle.container.name).description); return nil }
    LastError.clear()
    return cList(handle.container.ips(interface: interface.map { String(cString: $0) }, family: only, scope: Int(scope)))
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
