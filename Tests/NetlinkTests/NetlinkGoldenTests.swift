import SystemPackage
import Testing
@testable import Netlink

/// Golden bytes, written out from the kernel's struct layouts (little endian), one line per field.
@Suite struct NetlinkGoldenTests {
    func hex(_ text: String) -> [UInt8] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .filter { !$0.hasPrefix("#") }
            .map { UInt8($0, radix: 16)! }
    }

    @Test func deleteLink() {
        let expected = hex("""
            20 00 00 00  11 00  05 00  2a 00 00 00  00 00 00 00
            00 00 00 00  07 00 00 00  00 00 00 00  00 00 00 00
            """)  // nlmsghdr{len 32, RTM_DELLINK, REQUEST|ACK, seq 42, pid 0}; ifinfomsg{index 7}
        #expect(LinkRequest.delete(index: 7, sequence: 42).bytes == expected)
    }

    @Test func setMasterAndUp() {
        let expected = hex("""
            28 00 00 00  10 00  05 00  01 00 00 00  00 00 00 00
            00 00 00 00  05 00 00 00  01 00 00 00  01 00 00 00
            08 00 0a 00  03 00 00 00
            """)  // RTM_NEWLINK; ifinfomsg{index 5, flags IFF_UP, change IFF_UP}; IFLA_MASTER=3
        #expect(LinkRequest.set(index: 5, master: 3, up: true, sequence: 1).bytes == expected)
    }

    @Test func dumpAllLinks() {
        let expected = hex("""
            20 00 00 00  12 00  01 03  03 00 00 00  00 00 00 00
            00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00
            """)  // RTM_GETLINK, REQUEST|ROOT|MATCH (dump), ifinfomsg all zero (strict checking)
        #expect(LinkRequest.dump(sequence: 3).bytes == expected)
    }

    @Test func getLinkByName() {
        let expected = hex("""
            28 00 00 00  12 00  01 00  09 00 00 00  00 00 00 00
            00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00
            08 00 03 00  62 72 30 00
            """)  // RTM_GETLINK, REQUEST; IFLA_IFNAME "br0\0" (len 8, already aligned)
        #expect(LinkRequest.get(name: "br0", sequence: 9).bytes == expected)
    }

    @Test func createVethWithPeerInNamespace() {
        let expected = hex("""
            8c 00 00 00  10 00  05 06  07 00 00 00  00 00 00 00
            00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00
            12 00 03 00  76 65 74 68 31 30 30 30 5f 61 62 31 32 00  00 00
            08 00 04 00  dc 05 00 00
            0a 00 01 00  fe 11 22 33 44 55  00 00
            44 00 12 00
              09 00 01 00  76 65 74 68 00  00 00 00
              34 00 02 00
                30 00 01 00
                  00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00
                  09 00 03 00  65 74 68 30 00  00 00 00
                  08 00 04 00  dc 05 00 00
                  08 00 1c 00  09 00 00 00
            """)
        // nlmsghdr{len 140, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE}; ifinfomsg{}; IFLA_IFNAME;
        // IFLA_MTU 1500; IFLA_ADDRESS fe:11:22:33:44:55; IFLA_LINKINFO{ KIND "veth",
        // DATA{ VETH_INFO_PEER{ ifinfomsg{}, IFLA_IFNAME "eth0", IFLA_MTU 1500, IFLA_NET_NS_FD 9 } } }
        let request = LinkRequest.createVeth(
            host: "veth1000_ab12", peer: "eth0", peerNamespaceFD: 9, mtu: 1500,
            hostAddress: [0xfe, 0x11, 0x22, 0x33, 0x44, 0x55], sequence: 7)
        #expect(request.bytes == expected)
    }

    @Test func acknowledgementsAndErrors() throws {
        let ack = hex("""
            24 00 00 00  02 00  00 01  05 00 00 00  10 20 00 00
            00 00 00 00  20 00 00 00  11 00 05 00  05 00 00 00  00 00 00 00
            """)  // NLMSG_ERROR, flags CAPPED, error 0, echoed header
        let acks = try NetlinkReader.messages(ack)
        try NetlinkReader.acknowledgement(acks[0])
        let failure = hex("""
            3c 00 00 00  02 00  00 03  05 00 00 00  10 20 00 00
            ef ff ff ff  20 00 00 00  10 00 05 06  05 00 00 00  00 00 00 00
            18 00 01 00  46 69 6c 65 20 65 78 69 73 74 73 20 61 6c 72 65 61 64 79 00
            """)  // error -17 (EEXIST), CAPPED|ACK_TLVS, NLMSGERR_ATTR_MSG "File exists already"
        let messages = try NetlinkReader.messages(failure)
        #expect(throws: NetlinkReader.Failure.kernel(errno: 17, message: "File exists already")) {
            try NetlinkReader.acknowledgement(messages[0])
        }
        // Found by fuzzing: an error code of Int32.min overflowed when negated.
        let minimum = hex("""
            24 00 00 00  02 00  00 01  05 00 00 00  10 20 00 00
            00 00 00 80  20 00 00 00  11 00 05 00  05 00 00 00  00 00 00 00
            """)
        #expect(throws: NetlinkReader.Failure.truncated) { try NetlinkReader.acknowledgement(NetlinkReader.messages(minimum)[0]) }
    }

    @Test func linkReply() throws {
        let reply = hex("""
            48 00 00 00  10 00  00 00  09 00 00 00  00 00 00 00
            00 00 01 00  04 00 00 00  43 10 01 00  00 00 00 00
            08 00 03 00  62 72 30 00
            08 00 04 00  dc 05 00 00
            08 00 0a 00  02 00 00 00
            10 00 12 00  0b 00 01 00  62 72 69 64 67 65 00  00
            """)
        let link = try NetlinkReader.link(NetlinkReader.messages(reply)[0])
        #expect(link == NetlinkReader.Link(index: 4, flags: 0x11043, name: "br0", mtu: 1500, master: 2, kind: "bridge"))
    }

    @Test func malformedInputIsAnErrorNotATrap() {
        #expect(throws: NetlinkReader.Failure.truncated) { try NetlinkReader.messages([0x40, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: NetlinkReader.Failure.truncated) { try NetlinkReader.messages([1, 2, 3]) }
        #expect(throws: NetlinkReader.Failure.truncated) { try NetlinkReader.messages([4, 0, 0, 0] + [UInt8](repeating: 0, count: 12)) }
        // An attribute claiming more bytes than there are ends the attribute list.
        #expect(NetlinkReader.attributes([0xff, 0, 3, 0, 1, 2][...]).isEmpty)
    }

    struct Recorder: NetlinkTransport {
        var sent: [[UInt8]] = []
        var replies: [[UInt8]]
        mutating func send(_ bytes: [UInt8]) throws(Errno) { sent.append(bytes) }
        mutating func receive() throws(Errno) -> [UInt8] {
            guard !replies.isEmpty else { throw .wouldBlock }
            return replies.removeFirst()
        }
    }

    @Test func sessionChecksSequenceNumbers() throws {
        let request = LinkRequest.delete(index: 7, sequence: 5)
        let ackFor5 = hex("24 00 00 00 02 00 00 01 05 00 00 00 00 00 00 00 00 00 00 00 20 00 00 00 11 00 05 00 05 00 00 00 00 00 00 00")
        var good = Recorder(replies: [ackFor5])
        #expect(try NetlinkSession.transact(request, over: &good).isEmpty)
        #expect(good.sent == [request.bytes])
        var stale = ackFor5
        stale[8] = 4
        var bad = Recorder(replies: [stale])
        #expect(throws: NetlinkSession.Failure.protocolError(.unexpectedSequence(expected: 5, got: 4))) {
            try NetlinkSession.transact(request, over: &bad)
        }
    }
}
