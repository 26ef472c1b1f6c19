import CLibcap
import CLinux
import Glibc

/// Before the map is opened: keep only CAP_SETUID (uid_map) or CAP_SETGID (gid_map), plus
/// CAP_SETFCAP when host uid 0 is mapped (Linux 5.12+ requires it), and when setuid-root run as
/// the caller's uid. The kernel then sees the namespace's owner with just the capability the
/// write needs — the same security properties whether installed setuid or with file capabilities.
enum CapabilityDrop {
    enum Failure: Error {
        case keepCaps
        case setEffectiveUID(UInt32)
        case setCaps
    }

    static func apply(kind: IDMapKindCapability, mapsHostRoot: Bool, realUID: UInt32) throws(Failure) {
        if geteuid() == 0 && realUID != 0 {
            guard clinux_set_keepcaps(1) == 0 else { throw .keepCaps }
            guard seteuid(realUID) == 0 else { throw .setEffectiveUID(realUID) }
        }
        guard let current = cap_get_proc() else { throw .setCaps }
        defer { cap_free(UnsafeMutableRawPointer(current)) }
        var wanted: [cap_value_t] = [kind.capability]
        if mapsHostRoot {
            // Only if we hold it (a file-caps install may grant just cap_setuid): the kernel then
            // refuses the map itself, which is the honest outcome.
            var held = CAP_CLEAR
            if cap_get_flag(current, cap_value_t(CAP_SETFCAP), CAP_PERMITTED, &held) == 0 && held == CAP_SET {
                wanted.append(cap_value_t(CAP_SETFCAP))
            }
        }
        guard let caps = cap_init() else { throw .setCaps }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        let ok = wanted.withUnsafeBufferPointer { list in
            cap_set_flag(caps, CAP_EFFECTIVE, Int32(list.count), list.baseAddress, CAP_SET) == 0
                && cap_set_flag(caps, CAP_PERMITTED, Int32(list.count), list.baseAddress, CAP_SET) == 0
        }
        guard ok, cap_set_proc(caps) == 0 else { throw .setCaps }
    }
}

struct IDMapKindCapability {
    let capability: cap_value_t
    static let uid = IDMapKindCapability(capability: cap_value_t(CAP_SETUID))
    static let gid = IDMapKindCapability(capability: cap_value_t(CAP_SETGID))
}
