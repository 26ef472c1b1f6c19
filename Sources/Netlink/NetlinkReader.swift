/// Decoding of replies. Every length is checked against the bytes there are: a short or lying
/// message is an error, never a trap.
public enum NetlinkReader {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case truncated
        case unexpectedSequence(expected: UInt32, got: UInt32)
        /// NLMSG_ERROR with a negative errno, and the kernel's extended-ack text when it sent one.
        case kernel(errno: Int32, message: String?)
        case unexpectedType(UInt16)

        public var description: String {
            switch self {
            case .truncated: "truncated netlink message"
            case .unexpectedSequence(let e, let g): "netlink reply for request \(g), expected \(e)"
            case .kernel(let errno, let message): "kernel said errno \(errno)" + (message.map { ": \($0)" } ?? "")
            case .unexpectedType(let t): "unexpected netlink message type \(t)"
            }
        }
    }

    public struct Message: Equatable, Sendable {
        public var type: UInt16
        public var flags: UInt16
        public var sequence: UInt32
        public var payload: ArraySlice<UInt8>
    }

    static func u16(_ b: some Collection<UInt8>, _ at: Int) -> UInt16 {
        let i = b.index(b.startIndex, offsetBy: at)
        return UInt16(b[i]) | UInt16(b[b.index(after: i)]) << 8
    }

    static func u32(_ b: some Collection<UInt8>, _ at: Int) -> UInt32 {
        UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16
    }

    /// Splits one datagram into messages.
    public static func messages(_ datagram: [UInt8]) throws(Failure) -> [Message] {
        var result: [Message] = []
        var offset = 0
        while offset < datagram.count {
            guard offset + Netlink.headerSize <= datagram.count else { throw .truncated }
            let length = Int(u32(datagram, offset))
            guard length >= Netlink.headerSize, offset + length <= datagram.count else { throw .truncated }
            result.append(Message(
                type: u16(datagram, offset + 4), flags: u16(datagram, offset + 6), sequence: u32(datagram, offset + 8),
                payload: datagram[(offset + Netlink.headerSize)..<(offset + length)]))
            offset += Netlink.align(length)
        }
        return result
    }

    /// An NLMSG_ERROR payload: 0 is the ACK; otherwise the errno and the extended-ack message.
    public static func acknowledgement(_ message: Message) throws(Failure) {
        guard message.type == Netlink.error else { throw .unexpectedType(message.type) }
        let p = message.payload
        guard p.count >= 4 + Netlink.headerSize else { throw .truncated }
        let code = Int32(bitPattern: u32(p, 0))
        if code == 0 { return }
        // Found by fuzzing: Int32.min cannot be negated; no kernel sends it, so it is malformed.
        guard code != .min else { throw .truncated }
        var text: String?
        if message.flags & Netlink.ackTLVs != 0 {
            // The original request's header (or whole request unless capped) precedes the TLVs.
            let echoed = message.flags & Netlink.capped != 0 ? Netlink.headerSize : Int(u32(p, 4))
            let tlvStart = 4 + Netlink.align(echoed)
            if tlvStart <= p.count {
                for (type, value) in attributes(p.dropFirst(tlvStart)) where type == Netlink.extAckMessage {
                    text = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
        }
        throw .kernel(errno: -code, message: text)
    }

    /// The attributes in `bytes` (type without the nested/byte-order bits, payload); stops at
    /// the first malformed one.
    public static func attributes(_ bytes: ArraySlice<UInt8>) -> [(UInt16, ArraySlice<UInt8>)] {
        var result: [(UInt16, ArraySlice<UInt8>)] = []
        var offset = bytes.startIndex
        while offset + 4 <= bytes.endIndex {
            let length = Int(u16(bytes[offset...], 0))
            let type = u16(bytes[offset...], 2) & 0x3FFF
            guard length >= 4, offset + length <= bytes.endIndex else { break }
            result.append((type, bytes[(offset + 4)..<(offset + length)]))
            offset += Netlink.align(length)
        }
        return result
    }

    /// What RTM_NEWLINK (a GETLINK reply) says about a link.
    public struct Link: Equatable, Sendable {
        public var index: Int32
        public var flags: UInt32
        public var name: String?
        public var mtu: UInt32?
        public var master: Int32?
        public var kind: String?
    }

    public static func link(_ message: Message) throws(Failure) -> Link {
        guard message.type == Netlink.newLink else { throw .unexpectedType(message.type) }
        let p = message.payload
        guard p.count >= Netlink.ifinfoSize else { throw .truncated }
        var link = Link(index: Int32(bitPattern: u32(p, 4)), flags: u32(p, 8))
        for (type, value) in attributes(p.dropFirst(Netlink.ifinfoSize)) {
            switch type {
            case Netlink.ifName: link.name = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            case Netlink.ifMTU where value.count >= 4: link.mtu = u32(value, 0)
            case Netlink.ifMaster where value.count >= 4: link.master = Int32(bitPattern: u32(value, 0))
            case Netlink.ifLinkInfo:
                for (infoType, infoValue) in attributes(value) where infoType == Netlink.infoKind {
                    link.kind = String(decoding: infoValue.prefix { $0 != 0 }, as: UTF8.self)
                }
            default: break
            }
        }
        return link
    }
}
