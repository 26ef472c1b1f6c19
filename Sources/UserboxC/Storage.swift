import Glibc
import LinuxSys
import Runtime

// Clones and snapshots: lxc-copy's and lxc-snapshot's work (Runtime's Copy and Snapshots).

@_cdecl("userbox_clone")
public func userbox_clone(_ c: OpaquePointer?, _ newName: UnsafePointer<CChar>?, _ lxcpath: UnsafePointer<CChar>?, _ flags: Int32,
                          _ bdevtype: UnsafePointer<CChar>?) -> OpaquePointer? {
    guard let handle = Handle.from(c), let newName else { LastError.set("no container handle or new name"); return nil }
    var options = CopyOptions()
    // LXC_CLONE_KEEPNAME 1, KEEPMACADDR 2, SNAPSHOT 4: liblxc's values.
    options.keepName = flags & 1 != 0
    options.keepMAC = flags & 2 != 0
    options.snapshot = flags & 4 != 0
    if let bdevtype {
        switch String(cString: bdevtype) {
        case "dir": options.backend = .dir
        case "overlay", "overlayfs": options.backend = .overlay
        case "btrfs": options.backend = .btrfs
        case let other: LastError.set("clone: storage \(other) is not dir, overlay or btrfs"); return nil
        }
    }
    do throws(CallError) {
        let user = try caller()
        do {
            let copy = try handle.container.copy(as: String(cString: newName), lxcpath: lxcpath.map { String(cString: $0) }, options: options, user: user)
            return OpaquePointer(Unmanaged.passRetained(Handle(copy)).toOpaque())
        } catch {
            throw CallError(error.description)
        }
    } catch {
        LastError.set(error.description)
        return nil
    }
}

@_cdecl("userbox_snapshot")
public func userbox_snapshot(_ c: OpaquePointer?, _ commentFile: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return nil }
    do throws(CallError) {
        var comment: String?
        if let commentFile {
            let path = String(cString: commentFile)
            guard let bytes = try? Files.read(path, followSymlinks: true, limit: 1 << 16) else {
                throw CallError("cannot read the comment file \(path): \(String(cString: strerror(errno)))")
            }
            comment = String(decoding: bytes, as: UTF8.self)
        }
        let user = try caller()
        do { return strdup(try handle.container.snapshot(comment: comment, user: user)) } catch { throw CallError(error.description) }
    } catch {
        LastError.set(error.description)
        return nil
    }
}

@_cdecl("userbox_snapshot_list")
public func userbox_snapshot_list(_ c: OpaquePointer?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let handle = Handle.from(c) else { LastError.set("no container handle"); return nil }
    // name, comment file ("" without one), timestamp, lxcpath: python3-lxc's tuple, tab-separated.
    return cList(handle.container.snapshots().map { snap in
        let commentFile = snap.comment == nil ? "" : "\(snap.lxcpath)/\(snap.name)/comment"
        return "\(snap.name)\t\(commentFile)\t\(snap.timestamp)\t\(snap.lxcpath)"
    })
}

@_cdecl("userbox_snapshot_restore")
public func userbox_snapshot_restore(_ c: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ newName: UnsafePointer<CChar>?) -> Int32 {
    guard let handle = Handle.from(c), let name else { LastError.set("no container handle or snapshot name"); return -1 }
    return outcome { try handle.container.restore(snapshot: String(cString: name), as: newName.map { String(cString: $0) }, user: try caller()) }
}

@_cdecl("userbox_snapshot_destroy")
public func userbox_snapshot_destroy(_ c: OpaquePointer?, _ name: UnsafePointer<CChar>?) -> Int32 {
    guard let handle = Handle.from(c), let name else { LastError.set("no container handle or snapshot name"); return -1 }
    return outcome { try handle.container.destroySnapshot(String(cString: name), user: try caller()) }
}
