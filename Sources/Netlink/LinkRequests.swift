/// The rtnetlink requests lxc-user-nic and the runtime need, as pure functions of their inputs.
public enum LinkRequest {
    /// `ip link add HOST type veth peer name PEER netns FD`, created down; the peer goes straight
    /// into the namespace of the fd (so it never exists in ours under its name). MTU and the
    /// host end's MAC are set at creation when given.
    public static func createVeth(
        host: String, peer: String, peerNamespaceFD: Int32, mtu: UInt32?, hostAddress: [UInt8]?, sequence: UInt32
    ) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.newLink, flags: Netlink.request | Netlink.acknowledge | Netlink.create | Netlink.exclusive,
                       sequence: sequence) { w in
            w.ifinfo()
            w.attribute(Netlink.ifName, string: host)
            if let mtu { w.attribute(Netlink.ifMTU, u32: mtu) }
            if let hostAddress { w.attribute(Netlink.ifAddress, bytes: hostAddress) }
            w.attribute(Netlink.ifLinkInfo) { info in
                info.attribute(Netlink.infoKind, string: "veth")
                info.attribute(Netlink.infoData) { data in
                    data.attribute(Netlink.vethPeer) { p in
                        p.ifinfo()
                        p.attribute(Netlink.ifName, string: peer)
                        if let mtu { p.attribute(Netlink.ifMTU, u32: mtu) }
                        p.attribute(Netlink.ifNetNSFD, u32: UInt32(bitPattern: peerNamespaceFD))
                    }
                }
            }
        }
    }

    /// Attach to a bridge (`ip link set IF master BR`), and/or bring up.
    public static func set(index: Int32, master: Int32? = nil, up: Bool = false, sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.newLink, flags: Netlink.request | Netlink.acknowledge, sequence: sequence) { w in
            w.ifinfo(index: index, flags: up ? Netlink.interfaceUp : 0, change: up ? Netlink.interfaceUp : 0)
            if let master { w.attribute(Netlink.ifMaster, u32: UInt32(bitPattern: master)) }
        }
    }

    /// Rename a link (the peer, inside the container's namespace).
    public static func rename(index: Int32, to name: String, sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.newLink, flags: Netlink.request | Netlink.acknowledge, sequence: sequence) { w in
            w.ifinfo(index: index)
            w.attribute(Netlink.ifName, string: name)
        }
    }

    public static func delete(index: Int32, sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.deleteLink, flags: Netlink.request | Netlink.acknowledge, sequence: sequence) { w in
            w.ifinfo(index: index)
        }
    }

    /// Every link in the namespace (a multipart reply).
    public static func dump(sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.getLink, flags: Netlink.request | Netlink.dump, sequence: sequence) { w in
            w.ifinfo()
        }
    }

    /// One link by index.
    public static func get(index: Int32, sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.getLink, flags: Netlink.request, sequence: sequence) { w in
            w.ifinfo(index: index)
        }
    }

    /// One link by name (its index, MTU, master, kind).
    public static func get(name: String, sequence: UInt32) -> NetlinkRequest {
        NetlinkRequest(type: Netlink.getLink, flags: Netlink.request, sequence: sequence) { w in
            w.ifinfo()
            w.attribute(Netlink.ifName, string: name)
        }
    }
}
