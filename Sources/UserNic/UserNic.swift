import CLinux
import Glibc
import LinuxSys
import Netlink
import SystemPackage

/// The create and delete paths of lxc-user-nic. Runs setuid root; who the caller is comes from the
/// real uid only, and every step that must be the caller's (opening the target's netns, renaming
/// the peer inside it, proving privilege over it) runs with the caller's effective uid.
public enum UserNic {
    static let nsfsMagic: UInt = 0x6e73_6673

    // MARK: Running as the caller

    /// Runs `body` with the caller's effective uid (saved uid stays 0 to come back).
    static func asCaller<R: ~Copyable>(_ uid: UInt32, _ body: () throws(Failure) -> R) throws(Failure) -> R {
        guard setresuid(UInt32.max, uid, UInt32.max) == 0 else { throw .cannotSwitchUID(uid) }
        defer { _ = setresuid(UInt32.max, 0, UInt32.max) }
        return try body()
    }

    /// Enters the network namespace of `fd`, runs `body`, comes back to ours.
    static func inNamespace<R>(_ namespace: borrowing Descriptor, _ body: () throws(Failure) -> R) throws(Failure) -> R {
        let home = try ownNetworkNamespace()
        return try run(body, in: namespace, returningTo: home)
    }

    private static func ownNetworkNamespace() throws(Failure) -> Descriptor {
        do { return try Descriptor.open("/proc/self/ns/net", O_RDONLY) } catch { throw .ownNamespaceUnavailable(error) }
    }

    private static func run<R>(
        _ body: () throws(Failure) -> R, in namespace: borrowing Descriptor, returningTo home: borrowing Descriptor
    ) throws(Failure) -> R {
        let target = namespace.rawValue, back = home.rawValue
        do { _ = try valueOrErrno { clinux_setns_net(target) } } catch { throw .cannotEnterNamespace(error) }
        defer {
            // Why: failing to return would leave the rest of a root process in the caller's netns.
            if clinux_setns_net(back) != 0 { _exit(1) }
        }
        return try body()
    }

    struct Links: ~Copyable {
        var socket: NetlinkSocket
        var sequence: UInt32 = 0

        init() throws(Failure) {
            do { socket = try NetlinkSocket() } catch { throw .netlinkSocket("\(error)") }
        }

        mutating func next() -> UInt32 { sequence &+= 1; return sequence }

        mutating func link(named name: String) throws(Failure) -> NetlinkReader.Link? {
            let replies: [NetlinkReader.Message]
            do { replies = try NetlinkSession.transact(LinkRequest.get(name: name, sequence: next()), over: &socket) } catch {
                if error.errno == .operationNotSupportedByDevice { return nil }
                throw .netlink(error)
            }
            guard let first = replies.first else { return nil }
            do { return try NetlinkReader.link(first) } catch { throw Failure(error) }
        }

        mutating func link(index: Int32) throws(Failure) -> NetlinkReader.Link {
            let replies: [NetlinkReader.Message]
            do { replies = try NetlinkSession.transact(LinkRequest.get(index: index, sequence: next()), over: &socket) } catch {
                throw .netlink(error)
            }
            guard let first = replies.first else { throw .noLinkWithIndex(index) }
            do { return try NetlinkReader.link(first) } catch { throw Failure(error) }
        }

        /// The names of every link here, in one dump (pruning a large database asks once).
        mutating func allNames() throws(Failure) -> Set<String> {
            let replies: [NetlinkReader.Message]
            do { replies = try NetlinkSession.transact(LinkRequest.dump(sequence: next()), over: &socket) } catch {
                throw .netlink(error)
            }
            var names = Set<String>()
            for reply in replies {
                do { if let name = try NetlinkReader.link(reply).name { names.insert(name) } } catch { throw Failure(error) }
            }
            return names
        }

        mutating func run(_ make: (UInt32) -> NetlinkRequest) throws(Failure) {
            do { _ = try NetlinkSession.transact(make(next()), over: &socket) } catch { throw .netlink(error) }
        }

    }

    // MARK: create

    public static func create(
        pid: Int32, type: String, link: String, nicName: String?, callerUID: UInt32,
        user: String, groups: [String], usernet: Usernet, store: NicStore
    ) throws(Failure) -> String {
        // CVE-2017-5985: the target's netns is opened with the caller's rights, not root's.
        let netns: Descriptor = try asCaller(callerUID) { () throws(Failure) in
            do throws(Errno) { return try Descriptor.open("/proc/\(pid)/ns/net", O_RDONLY) } catch {
                throw .netnsNotPermitted(user: user, pid: pid, error)
            }
        }
        guard clinux_fs_magic(netns.rawValue) == nsfsMagic else { throw .notNetworkNamespace(path: "/proc/\(pid)/ns/net") }

        let allowance = usernet.allowance(user: user, groups: groups, type: type, link: link)
        var links = try Links()
        return try store.update { (transaction: inout NicStore.Transaction) throws(Failure) -> String in
            // Entries whose host interface is gone no longer count (the whole file is rewritten).
            if !transaction.database.entries.isEmpty {
                let present = try links.allNames()
                transaction.database.prune { present.contains($0) }
            }
            let owner: String
            switch transaction.database.ownerForNextNic(user: user, allowance: allowance, type: type, link: link) {
            case .success(let o): owner = o
            case .failure(let refusal): throw .quota(refusal)
            }
            var mtu: UInt32 = 1500
            var master: Int32?
            var openVSwitchBridge: String?
            if link != "none" {
                guard let bridge = try links.link(named: link) else { throw .noSuchBridge(link) }
                mtu = bridge.mtu ?? 1500
                // LXC's rule: a link that is not a Linux bridge is taken for an Open vSwitch bridge.
                if bridge.kind == "bridge" { master = bridge.index } else { openVSwitchBridge = link }
            }
            var generator = SystemRandomNumberGenerator()
            let temporaryPeer: String
            var host: String
            // Why: first byte 0xfe keeps the bridge from taking this MAC (LXC does the same).
            var mac: [UInt8] = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }
            mac[0] = 0xfe
            // Why the record comes first (issue 20, finding 2): a nic must be on disk before it
            // exists. Written after, a write the caller makes fail (RLIMIT_FSIZE, a full /run) or
            // a kill in between left a veth the quota never counted. Recorded first, a failed write
            // means no veth, and a record whose veth never came is pruned by the next run.
            func forget(_ name: String, _ transaction: inout NicStore.Transaction) {
                transaction.database.remove(hostInterface: name)
                try? transaction.commit()
            }
            var tries = 0
            while true {
                // A taken name answers EEXIST; a fresh random one is tried (no look-up beforehand).
                host = InterfaceName.hostVeth(uid: callerUID, using: &generator)
                let peer = host + "p"
                transaction.database.append(.init(owner: owner, type: type, link: link, hostInterface: host))
                do throws(Failure) { try transaction.commit() } catch {
                    transaction.database.remove(hostInterface: host)
                    throw error
                }
                do throws(Failure) {
                    try links.run { LinkRequest.createVeth(host: host, peer: peer, peerNamespaceFD: netns.rawValue, mtu: mtu,
                                                           hostAddress: mac, sequence: $0) }
                    temporaryPeer = peer
                    break
                } catch {
                    // Dropped from the database in memory; the next commit writes that.
                    transaction.database.remove(hostInterface: host)
                    guard error.netlinkErrno == .fileExists else { try? transaction.commit(); throw error }
                    tries += 1
                    guard tries < 100 else { try? transaction.commit(); throw .noFreeHostName }
                }
            }
            do throws(Failure) {
                guard let hostLink = try links.link(named: host) else { throw .vanished("\(host) vanished after creation") }
                try links.run { LinkRequest.set(index: hostLink.index, master: master, up: true, sequence: $0) }
                if let openVSwitchBridge { try OpenVSwitch.addPort(bridge: openVSwitchBridge, port: host) }
                // The rename inside the container's netns runs as the caller: it needs CAP_NET_ADMIN
                // over that netns, which only its owner has.
                let (name, index) = try inNamespace(netns) { () throws(Failure) in
                    try asCaller(callerUID) { () throws(Failure) -> (String, Int32) in
                        var inside = try Links()
                        guard let peer = try inside.link(named: temporaryPeer) else { throw .vanished("peer \(temporaryPeer) not found") }
                        do throws(Failure) {
                            try inside.run { LinkRequest.rename(index: peer.index, to: nicName ?? "eth%d", sequence: $0) }
                        } catch {
                            throw .renameFailed(from: temporaryPeer, to: nicName ?? "eth%d", cause: error.description)
                        }
                        let renamed = try inside.link(index: peer.index)
                        return (renamed.name ?? temporaryPeer, peer.index)
                    }
                }
                return "\(name):\(index):\(host):\(hostLink.index)"
            } catch {
                // Nothing left behind: deleting the host end deletes the pair; then the record goes
                // (if that write fails, the record of a veth that is gone is pruned next time).
                var gone = false
                do throws(Failure) {
                    if let hostLink = try links.link(named: host) {
                        try links.run { LinkRequest.delete(index: hostLink.index, sequence: $0) }
                    }
                    gone = true
                } catch {}
                if let openVSwitchBridge { try? OpenVSwitch.deletePort(bridge: openVSwitchBridge, port: host) }
                if gone { forget(host, &transaction) }
                throw error
            }
        }
    }

    // MARK: delete

    public static func delete(
        netnsPath: String, type: String, link: String, hostInterface: String?, callerUID: UInt32,
        user: String, groups: [String], usernet: Usernet, store: NicStore
    ) throws(Failure) {
        // CVE-2018-6556 / CVE-2022-47952: the path is opened as the caller, must be a namespace
        // file, and every failure reads the same, so nothing is learnt about other files.
        let opaque = Failure.netnsFileUnusable(path: netnsPath)
        let netns: Descriptor = try asCaller(callerUID) { () throws(Failure) in
            do throws(Errno) { return try Descriptor.open(netnsPath, O_RDONLY) } catch { throw opaque }
        }
        guard clinux_fs_magic(netns.rawValue) == nsfsMagic else { throw opaque }
        // Privileged over that netns: deleting "lo" as the caller answers EOPNOTSUPP there, EPERM elsewhere.
        let privileged: Bool = try inNamespace(netns) { () throws(Failure) in
            try asCaller(callerUID) { () throws(Failure) in
                var inside = try Links()
                // Why index 1: loopback always has it (the kernel's LOOPBACK_IFINDEX); no look-up needed.
                do throws(Failure) { try inside.run { LinkRequest.delete(index: 1, sequence: $0) } } catch {
                    return error.netlinkErrno == .notSupported
                }
                return false
            }
        }
        guard privileged else { throw .notPrivilegedOverNetns }
        guard let hostInterface else { throw .notAllowedToDelete(hostInterface: nil) }
        let owners = Set(usernet.allowance(user: user, groups: groups, type: type, link: link).quotas.map { $0.owner })
        var links = try Links()
        try store.update { (transaction: inout NicStore.Transaction) throws(Failure) in
            // CVE-2026-39402: only a nic the database records for this caller, type and link.
            guard transaction.database.entries.contains(where: {
                owners.contains($0.owner) && $0.type == type && $0.link == link && $0.hostInterface == hostInterface
            }) else { throw .notAllowedToDelete(hostInterface: hostInterface) }
            if link != "none", let bridge = try links.link(named: link), bridge.kind != "bridge" {
                // Open vSwitch, as LXC does it: only the port goes. The veth dies with its netns, and
                // its line stays until then (pruned once the device is gone), so the quota still
                // counts a nic that still exists.
                try OpenVSwitch.deletePort(bridge: link, port: hostInterface)
                return
            }
            // A Linux bridge (LXC refuses these): the veth itself goes, and with it the line.
            if let l = try links.link(named: hostInterface) {
                try links.run { LinkRequest.delete(index: l.index, sequence: $0) }
            }
            transaction.database.remove(hostInterface: hostInterface)
        }
    }
}
