/// Capability names as LXC takes them: lower case, without `cap_`, or a number up to the last.
public enum Capabilities {
    /// The names in capability-number order (`chown` is 0), up to the last this kernel generation knows.
    public static let names = [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
        "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
        "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
        "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
        "checkpoint_restore",
    ]

    /// The number of a capability given by name or number; nil for one LXC would refuse.
    public static func number(of name: String) -> Int? {
        if let index = names.firstIndex(of: name) { return index }
        if !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(name), n < names.count { return n }
        return nil
    }
}

/// Signal names and numbers for lxc.signal.*: `SIGPWR`, `PWR`, `30`, `SIGRTMIN+3`.
public enum Signals {
    static let table: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15, "CONT": 18, "STOP": 19, "PWR": 30,
    ]

    /// The number of a signal given as a number (1-64), a name with or without `SIG`, or `RTMIN+N`.
    public static func number(of text: String) -> Int32? {
        if let n = Int32(text), n > 0, n < 65 { return n }
        let name = text.hasPrefix("SIG") ? String(text.dropFirst(3)) : text
        if let n = table[name] { return n }
        if name.hasPrefix("RTMIN+"), let k = Int32(name.dropFirst(6)), k >= 0, 34 + k <= 64 { return 34 + k }
        if name == "RTMIN" { return 34 }
        return nil
    }
}

/// `hwaddr` with LXC's `x` placeholders, filled with random hex; the first byte made unicast.
public enum MACAddress {
    /// Six colon-separated pairs of hex digits or `x` placeholders.
    public static func isTemplate(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.isHexDigit || $0 == "x" || $0 == "X" } }
    }

    /// A concrete address with the same first three bytes (the vendor part) and a random rest, for
    /// a copy that must not share its source's MAC (lxc-copy without -M).
    public static func randomizedTail(_ address: String) -> String {
        let head = address.split(separator: ":").prefix(3).joined(separator: ":")
        var generator = SystemRandomNumberGenerator()
        let bytes = fill(head + ":xx:xx:xx", using: &generator)
        let digits = Array("0123456789abcdef")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xF)]]) }.joined(separator: ":")
    }

    /// The template's six bytes, each `x` a random hex digit from `generator`, the first byte unicast.
    public static func fill(_ template: String, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let digits = Array("0123456789abcdef")
        var text = ""
        for c in template {
            text.append(c == "x" || c == "X" ? digits[Int(generator.next(upperBound: UInt32(16)))] : c)
        }
        var bytes = text.split(separator: ":").map { UInt8($0, radix: 16) ?? 0 }
        bytes[0] &= 0xFE  // unicast, as LXC forces
        return bytes
    }
}

/// IPv4 addresses as `lxc.net.N.ipv4.*` writes them, parsed strictly (no leading `+`, no shorthand).
public enum IPv4 {
    /// A dotted quad as a host-order number; nil for anything else.
    public static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(p), n < 256 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    /// `ADDRESS/PREFIX` (prefix 0-32); nil for anything else.
    public static func parseCIDR(_ text: String) -> (address: UInt32, prefix: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = parse(String(parts[0])), let prefix = Int(parts[1]), (0...32).contains(prefix) else { return nil }
        return (address, prefix)
    }
}
