import Glibc
import Netlink

// Test support for the root integration tests (not installed): drives the Netlink module against
// the real kernel, in whatever network namespace it is started.
//   netlink-check veth HOST PEER NETNS_PATH [BRIDGE]   create a pair, peer into NETNS_PATH's namespace
//   netlink-check show NAME                            index mtu master kind
//   netlink-check delete NAME
let args = Array(CommandLine.arguments.dropFirst())
func die(_ message: String) -> Never {
    let bytes = Array("netlink-check: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
nonisolated(unsafe) var sequence: UInt32 = 1
func next() -> UInt32 { sequence += 1; return sequence }

do {
    var socket = try NetlinkSocket()
    func link(_ name: String) throws -> NetlinkReader.Link {
        let replies = try NetlinkSession.transact(LinkRequest.get(name: name, sequence: next()), over: &socket)
        guard let first = replies.first else { die("no such link \(name)") }
        return try NetlinkReader.link(first)
    }
    switch args.first {
    case "veth" where args.count >= 4:
        let fd = open(args[3], O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { die("cannot open \(args[3])") }
        var mtu: UInt32?
        var master: Int32?
        if args.count >= 5 {
            let bridge = try link(args[4])
            mtu = bridge.mtu
            master = bridge.index
        }
        _ = try NetlinkSession.transact(LinkRequest.createVeth(
            host: args[1], peer: args[2], peerNamespaceFD: fd, mtu: mtu,
            hostAddress: [0xfe, 0x12, 0x34, 0x56, 0x78, 0x9a], sequence: next()), over: &socket)
        let host = try link(args[1])
        _ = try NetlinkSession.transact(LinkRequest.set(index: host.index, master: master, up: true, sequence: next()), over: &socket)
        print("created \(args[1]) index \(host.index)")
    case "show" where args.count == 2:
        let l = try link(args[1])
        print("\(l.name ?? "?") mtu \(l.mtu ?? 0) master \(l.master ?? 0) kind \(l.kind ?? "-") up \(l.flags & 1)")
    case "delete" where args.count == 2:
        let l = try link(args[1])
        _ = try NetlinkSession.transact(LinkRequest.delete(index: l.index, sequence: next()), over: &socket)
        print("deleted \(args[1])")
    default:
        die("usage: veth HOST PEER NETNS_PATH [BRIDGE] | show NAME | delete NAME")
    }
} catch {
    die("\(error)")
}
