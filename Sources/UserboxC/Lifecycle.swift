import Glibc
import ImageFetch
import ImageTemplate
import LinuxSys
import Runtime

@_cdecl("userbox_abi_version")
public func userbox_abi_version() -> Int32 { 1 }

@_cdecl("userbox_last_error")
public func userbox_last_error() -> UnsafePointer<CChar>? { LastError.current }

@_cdecl("userbox_container_new")
public func userbox_container_new(_ name: UnsafePointer<CChar>?, _ lxcpath: UnsafePointer<CChar>?) -> OpaquePointer? {
    guard let name else { LastError.set("no container name given"); return nil }
    do {
        let container = try Container(name: String(cString: name), lxcpath: lxcpath.map { String(cString: $0) })
        return OpaquePointer(Unmanaged.passRetained(Handle(container)).toOpaque())
    } catch {
        LastError.set(error.description)
        return nil
    }
}

@_cdecl("userbox_container_free")
public func userbox_container_free(_ c: OpaquePointer?) {
    guard let c else { return }
    Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(c)).release()
}

@_cdecl("userbox_container_name")
public func userbox_container_name(_ c: OpaquePointer?) -> UnsafePointer<CChar>? { Handle.from(c).map { UnsafePointer($0.name) } }

@_cdecl("userbox_container_lxcpath")
public func userbox_container_lxcpath(_ c: OpaquePointer?) -> UnsafePointer<CChar>? { Handle.from(c).map { UnsafePointer($0.lxcpath) } }

@_cdecl("userbox_defined")
public func userbox_defined(_ c: OpaquePointer?) -> Int32 { Handle.from(c)?.container.exists == true ? 1 : 0 }

@_cdecl("userbox_running")
public func userbox_running(_ c: OpaquePointer?) -> Int32 { Handle.from(c)?.container.isRunning == true ? 1 : 0 }

/// A static C string (a literal's bytes, NUL-terminated, in the library's read-only data).
func cString(_ literal: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("userbox_state")
public func userbox_state(_ c: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let container = Handle.from(c)?.container else { return cString("STOPPED") }
    if container.status == .frozen { return cString("FROZEN") }
    switch container.state?.phase {
    case .starting: return cString("STARTING")
    case .running: return cString("RUNNING")
    case .stopping: return cString("STOPPING")
    case .stopped, nil: return cString("STOPPED")
    }
}

@_cdecl("userbox_init_pid")
public func userbox_init_pid(_ c: OpaquePointer?) -> Int32 { Handle.from(c)?.container.state?.initPID ?? -1 }

/// Who calls: the user the container belongs to.
func caller() throws(CallError) -> UserRecord {
    guard let user = SystemUserDatabase().user(id: getuid()) else { throw CallError("cannot determine your user name (uid \(getuid()))") }
    return user
}

@_cdecl("userbox_create")
public func userbox_create(_ c: OpaquePointer?, _ template: UnsafePointer<CChar>?, _ flags: Int32,
                           _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    let quiet = flags & 1 != 0
    let arguments = strings(argv)
    let name = template.map { String(cString: $0) } ?? "busybox"
    guard let source = RootfsSource(templateName: name) else { LastError.set("no template named"); return -1 }
    return outcome {
        let user = try caller()
        if case .download = source {
            var options = DownloadOptions(cacheBase: ImageCache.defaultBase(home: ContainerPaths.home))
            try options.parse(arguments)
            let fetcher = HTTPSFetcher(privateCA: options.privateCA, userAgent: "userbox compat:7")
            let message = try handle.container.create(download: options, fetcher: fetcher, user: user,
                                                      say: { line in if !quiet { print(line); fflush(nil) } }, progress: { _ in nil })
            if !quiet, let message { print(message); fflush(nil) }
        } else {
            guard arguments.isEmpty else { throw CallError("template options are for the download template only") }
            try handle.container.create(from: source, user: user)
        }
    }
}

@_cdecl("userbox_start")
public func userbox_start(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    let container = handle.container
    return outcome {
        // Its monitor: the lean userbox of the installation libuserbox is in, which detaches it
        // (no zombie for this process to reap), else userbox-cli.
        let user = try caller()
        let arguments = ["__monitor", "--lxcpath", container.paths.lxcpath, container.name]
        if let lean = Helpers.leanCLI {
            _ = try container.start(user: user, monitor: .spawnDetaching([lean] + arguments))
        } else if let full = Helpers.fullCLI {
            _ = try container.start(user: user, monitor: .spawn([full] + arguments))
        } else {
            throw CallError("cannot find userbox or userbox-cli (the monitor) in the installation libuserbox is in")
        }
    }
}

@_cdecl("userbox_stop")
public func userbox_stop(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    return status { () throws(RuntimeError) in try handle.container.stop(kill: true) }
}

@_cdecl("userbox_shutdown")
public func userbox_shutdown(_ c: OpaquePointer?, _ timeout: Int32) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    return status { () throws(RuntimeError) in try handle.container.stop(kill: false, timeout: Int(max(timeout, 0))) }
}

@_cdecl("userbox_destroy")
public func userbox_destroy(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    return outcome { try handle.container.destroy(user: try caller()) }
}

@_cdecl("userbox_freeze")
public func userbox_freeze(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    return status { () throws(RuntimeError) in try handle.container.freeze(true) }
}

@_cdecl("userbox_unfreeze")
public func userbox_unfreeze(_ c: OpaquePointer?) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    return status { () throws(RuntimeError) in try handle.container.freeze(false) }
}

@_cdecl("userbox_wait")
public func userbox_wait(_ c: OpaquePointer?, _ states: UnsafePointer<CChar>?, _ timeout: Double) -> Int32 {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return -1 }
    guard let text = states.map({ String(cString: $0) }), let set = ContainerStatus.set(parsing: text) else {
        LastError.set("unknown state: use RUNNING, FROZEN, THAWED or STOPPED, or several joined by '|'")
        return -1
    }
    if handle.container.wait(for: set, timeout: timeout < 0 ? nil : timeout) { return 0 }
    LastError.set("\(handle.container.name) is still \(handle.container.status.rawValue) after \(timeout) s")
    return -1
}
