/// rtnetlink messages as bytes: encoding and decoding are pure (no socket), so every message we
/// build and every reply we parse is tested against fixed bytes. Layout and constants are the
/// kernel's UAPI (<linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>, <linux/veth.h>);
/// netlink is in host byte order, little endian here.
public enum Netlink {
    // nlmsghdr.nlmsg_type
    public static let done: UInt16 = 3
    public static let error: UInt16 = 2
    public static let newLink: UInt16 = 16
    public static let deleteLink: UInt16 = 17
    public static let getLink: UInt16 = 18
    public static let setLink: UInt16 = 19
    // nlmsghdr.nlmsg_flags
    public static let request: UInt16 = 0x1
    public static let multipart: UInt16 = 0x2
    public static let acknowledge: UInt16 = 0x4
    /// NLM_F_ROOT | NLM_F_MATCH.
    public static let dump: UInt16 = 0x300
    public static let exclusive: UInt16 = 0x200
    public static let create: UInt16 = 0x400
    /// In an NLMSG_ERROR: extended-ack attributes follow.
    public static let ackTLVs: UInt16 = 0x200
    public static let capped: UInt16 = 0x100
    // IFLA_*
    public static let ifAddress: UInt16 = 1
    public static let ifName: UInt16 = 3
    public static let ifMTU: UInt16 = 4
    public static let ifMaster: UInt16 = 10
    public static let ifLinkInfo: UInt16 = 18
    public static let ifNetNSFD: UInt16 = 28
    public static let infoKind: UInt16 = 1
    public static let infoData: UInt16 = 2
    public static let vethPeer: UInt16 = 1
    public static let extAckMessage: UInt16 = 1
    public static let interfaceUp: UInt32 = 0x1

    public static let headerSize = 16
    public static let ifinfoSize = 16

    @inline(__always) static func align(_ n: Int) -> Int { (n + 3) & ~3 }
}

/// A flat little-endian byte writer with the netlink alignment rules.
public struct NetlinkWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    mutating func u32(_ v: UInt32) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
    mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }

    mutating func patchU32(at offset: Int, _ v: UInt32) {
        bytes[offset] = UInt8(v & 0xFF); bytes[offset + 1] = UInt8(v >> 8 & 0xFF)
        bytes[offset + 2] = UInt8(v >> 16 & 0xFF); bytes[offset + 3] = UInt8(v >> 24)
    }

    mutating func patchU16(at offset: Int, _ v: UInt16) {
        bytes[offset] = UInt8(v & 0xFF); bytes[offset + 1] = UInt8(v >> 8)
    }

    /// struct ifinfomsg { family=AF_UNSPEC, type, index, flags, change }.
    mutating func ifinfo(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        u8(0); u8(0); u16(0)
        u32(UInt32(bitPattern: index)); u32(flags); u32(change)
    }

    /// An attribute whose payload `body` writes; lengths are patched afterwards (nesting works).
    mutating func attribute(_ type: UInt16, _ body: (inout NetlinkWriter) -> Void) {
        let start = bytes.count
        u16(0); u16(type)
        body(&self)
        patchU16(at: start, UInt16(bytes.count - start))
        pad()
    }

    mutating func attribute(_ type: UInt16, string: String) {
        attribute(type) { w in w.bytes += Array(string.utf8) + [0] }
    }

    mutating func attribute(_ type: UInt16, u32 value: UInt32) { attribute(type) { $0.u32(value) } }
    mutating func attribute(_ type: UInt16, bytes value: [UInt8]) { attribute(type) { $0.bytes += value } }
}

/// One request: header, then the family message and attributes.
public struct NetlinkRequest: Equatable, Sendable {
    public var bytes: [UInt8]

    public init(type: UInt16, flags: UInt16, sequence: UInt32, _ body: (inout NetlinkWriter) -> Void) {
        var w = NetlinkWriter()
        w.u32(0); w.u16(type); w.u16(flags); w.u32(sequence); w.u32(0)
        body(&w)
        w.patchU32(at: 0, UInt32(w.bytes.count))
        bytes = w.bytes
    }

    public var sequence: UInt32 { NetlinkReader.u32(bytes, 8) }
}
