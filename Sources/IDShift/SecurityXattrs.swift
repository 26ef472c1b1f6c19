/// The two extended attributes that carry ids and must follow a shift.
public enum SecurityXattrs {
    public static let accessACL = "system.posix_acl_access"
    public static let defaultACL = "system.posix_acl_default"
    public static let capability = "security.capability"

    /// POSIX ACL xattr: a 4-byte version (2), then 8-byte entries {tag u16, perm u16, id u32}, all
    /// little endian. ACL_USER (2) and ACL_GROUP (8) entries carry a uid or gid. nil: malformed.
    public static func translateACL(_ bytes: [UInt8], _ t: IDTranslation) -> [UInt8]? {
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0, readLE32(bytes, 0) == 2 else { return nil }
        var out = bytes
        var offset = 4
        while offset < bytes.count {
            let tag = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            let id = readLE32(bytes, offset + 4)
            if tag == 0x02 { writeLE32(&out, offset + 4, t.uid(id)) }
            if tag == 0x08 { writeLE32(&out, offset + 4, t.gid(id)) }
            offset += 8
        }
        return out
    }

    /// security.capability: v2 (20 bytes) applies to the namespace that reads it; v3 (24 bytes)
    /// names the uid of the namespace root it applies to (rootid). The rootid follows the uid
    /// translation; a v2 value is read as rootid 0. nil: malformed.
    public static func translateCapability(_ bytes: [UInt8], _ t: IDTranslation) -> [UInt8]? {
        guard bytes.count >= 4 else { return nil }
        let revision = readLE32(bytes, 0) & 0xFF00_0000
        let rootID: UInt32
        switch (revision, bytes.count) {
        case (0x0200_0000, 20): rootID = 0
        case (0x0300_0000, 24): rootID = readLE32(bytes, 20)
        default: return nil
        }
        let newRoot = t.uid(rootID)
        if newRoot == rootID { return bytes }
        var out = Array(bytes.prefix(20))
        writeLE32(&out, 0, (readLE32(bytes, 0) & 0x00FF_FFFF) | 0x0300_0000)
        out += [0, 0, 0, 0]
        writeLE32(&out, 20, newRoot)
        return out
    }

    static func readLE32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func writeLE32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        b[at] = UInt8(v & 0xFF)
        b[at + 1] = UInt8(v >> 8 & 0xFF)
        b[at + 2] = UInt8(v >> 16 & 0xFF)
        b[at + 3] = UInt8(v >> 24)
    }
}
