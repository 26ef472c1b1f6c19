import Glibc
import LinuxSys

/// Which addresses `Container.ips` reports (liblxc's `get_ips` family argument).
public enum AddressFamily: String, Sendable, CaseIterable {
    /// IPv4 (`inet`).
    case inet
    /// IPv6 (`inet6`).
    case inet6
}

extension Container {
    /// The addresses the running container's interfaces have, as liblxc's `get_ips` gives them:
    /// no loopback, IPv6 of `scope` only (0, the default: global, as liblxc's default leaves out
    /// link-local), `interface` alone when named. Read from its init's view of the network
    /// (`/proc/PID/net`: the container's namespace, no setns and no fork), polled every 100 ms
    /// until one shows or `timeout` seconds pass. Empty when it has none or does not run.
    public func ips(interface: String? = nil, family: AddressFamily? = nil, scope: Int = 0, timeout: Double = 0) -> [String] {
        var waited = 0.0
        while true {
            if let state {
                let found = Self.addresses(procNet: "/proc/\(state.initPID)/net", interface: interface, family: family, scope: scope)
                // The same process still: a pid reused between the state and the read is not it.
                if !found.isEmpty, self.state?.initStartTime == state.initStartTime { return found }
            }
            if waited >= timeout { return [] }
            usleep(100_000)
            waited += 0.1
        }
    }

    /// The addresses of the network namespace `procNet` (a `/proc/PID/net`) shows.
    static func addresses(procNet: String, interface: String?, family: AddressFamily?, scope: Int) -> [String] {
        func text(_ name: String) -> String {
            (try? Files.read(procNet + "/" + name, followSymlinks: true, limit: 4 << 20)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        var v4: [UInt32] = []
        if family != .inet6 {
            v4 = localIPv4(fibTrie: text("fib_trie"))
            if let interface {
                let networks = connectedNetworks(route: text("route"), interface: interface)
                v4 = v4.filter { address in networks.contains { address & $0.mask == $0.network } }
            }
        }
        let v6 = family == .inet ? [] : ipv6(ifInet6: text("if_inet6"), interface: interface, scope: scope)
        return v4.map { IPv4.format($0) } + v6
    }

    /// The local IPv4 addresses of a `fib_trie` (its `/32 host LOCAL` leaves), loopback left out,
    /// each once, in order.
    static func localIPv4(fibTrie: String) -> [UInt32] {
        var found: [UInt32] = []
        var last: UInt32?
        for line in fibTrie.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == "|--", let address = IPv4.parse(String(words[1])) {
                last = address
            } else if words.count == 3, words[0] == "/32", words[1] == "host", words[2] == "LOCAL", let address = last {
                if address >> 24 != 127, !found.contains(address) { found.append(address) }
            }
        }
        return found
    }

    /// The directly connected networks (no gateway) of `interface` in a `/proc/net/route`.
    static func connectedNetworks(route: String, interface: String) -> [(network: UInt32, mask: UInt32)] {
        var networks: [(network: UInt32, mask: UInt32)] = []
        for line in route.split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; numbers in host (little-endian) order.
            guard f.count >= 8, f[0] == interface, let destination = UInt32(f[1], radix: 16), f[2] == "00000000",
                  let mask = UInt32(f[7], radix: 16) else { continue }
            networks.append((destination.byteSwapped, mask.byteSwapped))
        }
        return networks
    }

    /// The IPv6 addresses of an `if_inet6` of `scope` (its kernel scope: 0 global, 0x20 link),
    /// loopback's left out, in RFC 5952's compressed form.
    static func ipv6(ifInet6: String, interface: String?, scope: Int) -> [String] {
        var found: [String] = []
        for line in ifInet6.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 6, f[0].utf8.count == 32, let lineScope = Int(f[3], radix: 16), lineScope == scope,
                  f[5] != "lo", interface == nil || f[5] == interface! else { continue }
            var groups: [UInt16] = []
            var ok = true
            for i in 0..<8 {
                let start = f[0].index(f[0].startIndex, offsetBy: i * 4)
                guard let g = UInt16(f[0][start..<f[0].index(start, offsetBy: 4)], radix: 16) else { ok = false; break }
                groups.append(g)
            }
            if ok { found.append(IPv6.format(groups)) }
        }
        return found
    }
}

extension IPv4 {
    /// A host-order address as a dotted quad.
    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }
}

/// IPv6 addresses in text.
public enum IPv6 {
    /// Eight 16-bit groups in RFC 5952's form: lower-case hex, no leading zeros, the longest run
    /// of two or more zero groups (the first of equals) as `::`.
    public static func format(_ groups: [UInt16]) -> String {
        var bestStart = -1, bestLength = 1, i = 0
        while i < groups.count {
            if groups[i] == 0 {
                var j = i
                while j < groups.count && groups[j] == 0 { j += 1 }
                if j - i > bestLength { bestStart = i; bestLength = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<groups.count) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<groups.count)
    }
}
