@testable import Runtime
import Testing

/// `Container.ips` reads the container's /proc/PID/net files; these are a real host's.
@Suite struct AddressesTests {
    static let fibTrie = """
    Main:
      +-- 0.0.0.0/0 3 0 5
         |-- 0.0.0.0
            /0 universe UNICAST
         +-- 127.0.0.0/8 2 0 2
            +-- 127.0.0.0/31 1 0 0
               |-- 127.0.0.0
                  /8 host LOCAL
               |-- 127.0.0.1
                  /32 host LOCAL
            |-- 127.255.255.255
               /32 link BROADCAST
         +-- 192.0.2.0/24 2 0 2
            +-- 192.0.2.0/30 2 0 2
               |-- 192.0.2.0
                  /24 link UNICAST
               |-- 192.0.2.2
                  /32 host LOCAL
            |-- 192.0.2.255
               /32 link BROADCAST
         |-- 10.0.3.41
            /32 host LOCAL
    Local:
         |-- 192.0.2.2
            /32 host LOCAL
    """
    static let route = """
    Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
    eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
    eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
    eth1\t0003000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
    """
    static let ifInet6 = """
    fe8000000000000000fc00fffe000001 04 40 20 80     eth0
    00000000000000000000000000000001 01 80 10 80       lo
    fd000000000000000000000000000002 04 40 00 82     eth0
    20010db8000000010000000000000000 05 40 00 80     eth1
    """

    @Test func localIPv4LeavesOutLoopbackAndBroadcastOnce() {
        #expect(Container.localIPv4(fibTrie: Self.fibTrie).map { IPv4.format($0) } == ["192.0.2.2", "10.0.3.41"])
    }

    @Test func anInterfaceKeepsTheAddressesOfItsConnectedNetworks() {
        let local = Container.localIPv4(fibTrie: Self.fibTrie)
        let eth1 = Container.connectedNetworks(route: Self.route, interface: "eth1")
        #expect(local.filter { a in eth1.contains { a & $0.mask == $0.network } }.map { IPv4.format($0) } == ["10.0.3.41"])
        #expect(Container.connectedNetworks(route: Self.route, interface: "eth0").count == 1)  // the default route has a gateway
    }

    @Test func ipv6ByScopeAndInterface() {
        #expect(Container.ipv6(ifInet6: Self.ifInet6, interface: nil, scope: 0) == ["fd00::2", "2001:db8:0:1::"])
        #expect(Container.ipv6(ifInet6: Self.ifInet6, interface: "eth0", scope: 0x20) == ["fe80::fc:ff:fe00:1"])
        #expect(Container.ipv6(ifInet6: Self.ifInet6, interface: "eth1", scope: 0) == ["2001:db8:0:1::"])
    }

    @Test func rfc5952() {
        #expect(IPv6.format([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]) == "2001:db8::1:0:0:1")  // the first of equal runs
        #expect(IPv6.format([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]) == "2001:db8:0:1:1:1:1:1")  // one zero group stays
        #expect(IPv6.format([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(IPv6.format([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
    }
}
