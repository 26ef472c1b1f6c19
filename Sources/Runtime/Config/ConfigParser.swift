import ContainerCgroups
public import LinuxSys
import IDModel
import SubID

/// LXC's line grammar: leading blanks trimmed, `#` comments at the start of a line only, lines not
/// starting with `lxc.` ignored (as liblxc ignores them), `key = value` with both sides trimmed and
/// one pair of matching quotes taken off the value; an empty value clears a list key.
public enum ConfigParser {
    /// `lenient`: a line whose key or value is not understood is skipped instead of refused (for
    /// destroy, which needs only the idmap and the rootfs of a config that may be broken).
    public static func parse(_ text: String, file: String? = nil, base: ContainerConfig = ContainerConfig(),
                             include: ((String) throws(SystemError) -> String)? = nil,
                             lenient: Bool = false) throws(ConfigError) -> ContainerConfig {
        var config = base
        var lineNumber = 0
        // Why bytes: the grammar is ASCII, and Character-wise trimming cost ~10 us a line, which
        // every container start and attach paid (measured 170-260 us for a 12-line config).
        let bytes = Array(text.utf8)
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            lineNumber += 1
            let line = trimmed(bytes[start..<end])
            guard line.starts(with: lxcPrefix) else { continue }  // blank, `#` comment, or not LXC's
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw ConfigError(line: lineNumber, message: "invalid configuration line \"\(String(decoding: line, as: UTF8.self))\": no '='", file: file)
            }
            let key = String(decoding: trimmed(line[..<equals]), as: UTF8.self)
            var valueBytes = trimmed(line[(equals + 1)...])
            if valueBytes.count >= 2, let first = valueBytes.first, first == 0x22 || first == 0x27, valueBytes.last == first {
                valueBytes = valueBytes.dropFirst().dropLast()
            }
            let value = String(decoding: valueBytes, as: UTF8.self)
            do throws(Problem) {
                if key == "lxc.include" {
                    guard let include else { throw Problem("lxc.include is not available here") }
                    let included: String
                    do { included = try include(value) } catch { throw Problem("cannot include \(value): \(error)") }
                    do { config = try parse(included, file: value, base: config, include: include, lenient: lenient) } catch {
                        throw Problem("in \(value): \(error)")
                    }
                } else {
                    try apply(key: key, value: value, to: &config)
                }
            } catch {
                if lenient { continue }
                throw ConfigError(line: lineNumber, message: error.message, file: file)
            }
        }
        return config
    }

    /// What is wrong with one value (the caller adds the line and file: `ConfigError`).
    public struct Problem: Error, CustomStringConvertible {
        /// The problem, naming the key or value.
        public let message: String
        init(_ m: String) { message = m }
        /// The message.
        public var description: String { message }
    }

    static let lxcPrefix = Array("lxc.".utf8)

    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lower = s.startIndex, upper = s.endIndex
        while lower < upper && isBlank(s[lower]) { lower += 1 }
        while upper > lower && isBlank(s[upper - 1]) { upper -= 1 }
        return s[lower..<upper]
    }

    static func words(_ value: String) -> [String] {
        value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(decoding: $0, as: UTF8.self) }
    }

    static func apply(key: String, value: String, to config: inout ContainerConfig) throws(Problem) {
        switch key {
        case "lxc.idmap":
            if value.isEmpty { config.idmaps = []; return }
            config.idmaps.append(try idmap(value))
        case "lxc.rootfs.path":
            try rootfsPath(value, into: &config)
        case "lxc.uts.name":
            guard value.utf8.count <= 64 else { throw Problem("lxc.uts.name is longer than 64 bytes") }
            config.hostname = value.isEmpty ? nil : value
        case "lxc.cap.drop", "lxc.cap.keep":
            if value.isEmpty { config.capabilities = .none; return }
            let names = words(value)
            for name in names where name != "none" && Capabilities.number(of: name) == nil {
                throw Problem("unknown capability \"\(name)\" (names are lower case, without cap_, e.g. sys_admin)")
            }
            if key == "lxc.cap.drop" {
                if names.contains("none") { throw Problem("the \"none\" keyword is only valid when keeping capabilities") }
                if case .keep = config.capabilities { throw Problem("keeping and dropping capabilities are mutually exclusive") }
                if case .drop(let old) = config.capabilities { config.capabilities = .drop(old + names) } else { config.capabilities = .drop(names) }
            } else {
                if case .drop = config.capabilities { throw Problem("keeping and dropping capabilities are mutually exclusive") }
                let kept = names.filter { $0 != "none" }
                if names.contains("none") { config.capabilities = .keep([]); return }
                if case .keep(let old) = config.capabilities { config.capabilities = .keep(old + kept) } else { config.capabilities = .keep(kept) }
            }
        case "lxc.seccomp.profile":
            config.seccompProfile = value.isEmpty ? nil : value
        case "lxc.mount.entry":
            if value.isEmpty { config.mountEntries = []; return }
            let fields = words(value)
            guard fields.count >= 3 else { throw Problem("lxc.mount.entry needs at least SOURCE TARGET TYPE") }
            config.mountEntries.append(.init(source: fields[0], target: fields[1], type: fields[2],
                                             options: fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : []))
        case "lxc.mount.auto":
            if value.isEmpty { config.mountAuto = []; return }
            for token in words(value) {
                guard ContainerConfig.mountAutoTokens.contains(token) else { throw Problem("invalid filesystem to automount \"\(token)\"") }
                let kind = token.split(separator: ":").first.map(String.init) ?? token
                // Later tokens of the same class override earlier ones, as in LXC.
                config.mountAuto = config.mountAuto.filter { ($0.split(separator: ":").first.map(String.init) ?? $0) != kind }
                config.mountAuto.insert(token)
            }
        case "lxc.environment":
            if value.isEmpty { config.environment = []; return }
            config.environment.append(value)
        case "lxc.init.cmd":
            let command = try quotedWords(value)
            config.initCommand = command.isEmpty ? ["/sbin/init"] : command
        case "lxc.apparmor.profile": config.apparmorProfile = value.isEmpty ? nil : value
        case "lxc.apparmor.allow_incomplete":
            guard value == "0" || value == "1" || value.isEmpty else { throw Problem("lxc.apparmor.allow_incomplete takes 0 or 1") }
            config.apparmorAllowIncomplete = value == "1"
        case "lxc.selinux.context": config.selinuxContext = value.isEmpty ? nil : value
        case "lxc.ephemeral":
            guard value == "0" || value == "1" || value.isEmpty else { throw Problem("lxc.ephemeral takes 0 or 1") }
            config.ephemeral = value == "1"
        case "lxc.start.auto":
            guard value == "0" || value == "1" || value.isEmpty else { throw Problem("lxc.start.auto takes 0 or 1") }
            config.startAuto = value == "1"
        case "lxc.start.order":
            guard let n = Int(value), n >= Int(Int32.min), n <= Int(Int32.max) else { throw Problem("lxc.start.order takes an integer") }
            config.startOrder = n
        case "lxc.start.delay":
            guard let n = Int(value), n >= 0, n <= 86400 else { throw Problem("lxc.start.delay takes seconds, 0 to 86400") }
            config.startDelay = n
        case "lxc.group":
            if value.isEmpty { config.groups = []; return }
            for group in value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) where !config.groups.contains(group) {
                config.groups.append(group)
            }
        case "lxc.signal.halt": config.haltSignal = value.isEmpty ? nil : try signalName(value)
        case "lxc.signal.stop": config.stopSignal = value.isEmpty ? nil : try signalName(value)
        case "lxc.hook.version":
            guard value == "0" || value == "1" || value.isEmpty else { throw Problem("lxc.hook.version takes 0 or 1") }
            config.hookVersion = value == "1" ? 1 : 0
        case _ where key.hasPrefix("lxc.hook."):
            let name = String(key.dropFirst("lxc.hook.".count))
            guard ContainerConfig.hookNames.contains(name) else {
                throw Problem("unknown hook \"\(key)\" (LXC's are pre-start, pre-mount, mount, autodev, start-host, start, stop, post-stop, clone and destroy)")
            }
            if value.isEmpty { config.hooks[name] = nil } else { config.hooks[name, default: []].append(value) }
        case "lxc.arch":
            // Images name the architecture they were built for (linux64, x86_64, amd64...); a
            // container runs the host's, so another one is refused here rather than failing later.
            let host = ContainerConfig.hostArchitectureNames
            guard value.isEmpty || host.contains(value.lowercased()) else {
                throw Problem("lxc.arch = \(value) does not match this host (\(host.joined(separator: ", "))); 32-bit personalities are not supported")
            }
        case "lxc.pty.max":
            guard value.isEmpty || (Int(value).map { $0 >= 0 } ?? false) else { throw Problem("lxc.pty.max takes a number of ptys") }
            config.ptyMax = Int(value)
        case "lxc.tty.dir":
            guard value.isEmpty || (!value.contains("/") && value != "." && value != "..") else { throw Problem("lxc.tty.dir takes a directory name under /dev") }
            config.ttyDirectory = value.isEmpty ? nil : value
        case "lxc.tty.max":
            guard value.isEmpty || (Int(value).map { $0 >= 0 && $0 <= 64 } ?? false) else { throw Problem("lxc.tty.max takes a number of ttys, 0 to 64") }
            config.ttyMax = Int(value) ?? 0
        case "lxc.autodev":
            // A user namespace cannot use device nodes of its own rootfs: /dev is always a tmpfs.
            guard value == "1" || value.isEmpty else {
                throw Problem("lxc.autodev = \(value) is not available unprivileged: userbox always mounts a tmpfs on /dev with the host's safe nodes (lxc.autodev = 1)")
            }
        case "lxc.cgroup.relative":
            // Containers always go below the caller's cgroup (or the delegated one): 1 is what we do.
            guard value == "0" || value == "1" || value.isEmpty else { throw Problem("lxc.cgroup.relative takes 0 or 1") }
        case _ where key.hasPrefix("lxc.cgroup.dir"):
            throw Problem("unsupported config key \"\(key)\" (userbox names the cgroups lxc.payload.NAME and lxc.monitor.NAME below yours)")
        case _ where key.hasPrefix("lxc.cgroup2.") || key.hasPrefix("lxc.cgroup."):
            let version: CgroupSetting.Version = key.hasPrefix("lxc.cgroup2.") ? .v2 : .v1
            let file = String(key.dropFirst(version == .v2 ? "lxc.cgroup2.".count : "lxc.cgroup.".count))
            guard !file.isEmpty, !file.contains("/"), file.contains("."), !file.hasPrefix("."), !file.hasSuffix(".") else {
                throw Problem("invalid cgroup key \"\(key)\" (lxc.cgroup.CONTROLLER.FILE or lxc.cgroup2.CONTROLLER.FILE)")
            }
            if value.isEmpty { config.cgroupSettings.removeAll { $0.version == version && $0.file == file } } else {
                config.cgroupSettings.append(CgroupSetting(version: version, file: file, value: value))
            }
        case "lxc.cgroup2", "lxc.cgroup":
            guard value.isEmpty else { throw Problem("\(key) takes no value (use \(key).FILE)") }
            let version: CgroupSetting.Version = key == "lxc.cgroup2" ? .v2 : .v1
            config.cgroupSettings.removeAll { $0.version == version }
        case "lxc.net":
            guard value.isEmpty else { throw Problem("lxc.net takes no value (use lxc.net.N.KEY)") }
            config.networks = []
        case _ where key.hasPrefix("lxc.net."):
            try applyNetwork(key: key, value: value, to: &config)
        default:
            throw Problem("unsupported config key \"\(key)\"")
        }
    }

    /// Blank-separated words where '...' and "..." group (as liblxc splits lxc.init.cmd).
    static func quotedWords(_ value: String) throws(Problem) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for c in value {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c); inWord = true
            }
        }
        guard quote == nil else { throw Problem("unbalanced quote in \"\(value)\"") }
        if inWord { words.append(current) }
        return words
    }

    /// One lxc.idmap value (`u|g NSID HOSTID RANGE`), as liblxc reads it.
    public static func idmap(_ value: String) throws(Problem) -> ContainerConfig.IDMap {
        let fields = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard fields.count == 4, fields[0] == "u" || fields[0] == "g" else {
            throw Problem("invalid idmap \"\(value)\": expected u|g NSID HOSTID RANGE")
        }
        var numbers: [UInt32] = []
        for field in fields.dropFirst() {
            // strtoul base 0, as liblxc reads them: hex and octal accepted, signs refused.
            guard case .success(let n) = ShadowNumber.parse(Array(field.utf8)), field.first != "+" else {
                throw Problem("invalid idmap \"\(value)\": \"\(field)\" is not an id")
            }
            numbers.append(n)
        }
        guard UInt64(numbers[0]) + UInt64(numbers[2]) <= 1 << 32, UInt64(numbers[1]) + UInt64(numbers[2]) <= 1 << 32 else {
            throw Problem("invalid idmap \"\(value)\": the range runs past id 4294967295")
        }
        return .init(kind: fields[0] == "u" ? .uid : .gid, inside: numbers[0], outside: numbers[1], count: numbers[2])
    }

    /// `[dir:]PATH`, `btrfs:PATH`, `overlay:LOWER[:LOWER...]:UPPER` (LXC's forms; `overlayfs:` is
    /// LXC's older name). Overlay paths become mount options, so `,` `:` and `\\` are refused in them.
    static func rootfsPath(_ value: String, into config: inout ContainerConfig) throws(Problem) {
        config.rootfsBackend = .dir
        guard let colon = value.firstIndex(of: ":"), !value.hasPrefix("/") else {
            config.rootfs = value.isEmpty ? nil : value
            return
        }
        let type = value[..<colon], rest = String(value[value.index(after: colon)...])
        switch type {
        case "dir": config.rootfs = rest
        case "btrfs":
            config.rootfs = rest
            config.rootfsBackend = .btrfs
        case "overlay", "overlayfs":
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts.allSatisfy({ $0.hasPrefix("/") && !$0.contains(",") && !$0.contains("\\") }) else {
                throw Problem("invalid overlay rootfs \"\(value)\" (overlay:LOWER[:LOWER...]:UPPER, absolute paths without ',' or ':')")
            }
            config.rootfs = nil
            config.rootfsBackend = .overlay(lowers: Array(parts.dropLast()), upper: parts[parts.count - 1])
        default:
            throw Problem("rootfs type \"\(type)\" is not available unprivileged (dir, overlay or btrfs)")
        }
    }

    static func signalName(_ value: String) throws(Problem) -> String {
        guard Signals.number(of: value) != nil else { throw Problem("unknown signal \"\(value)\"") }
        return value
    }

    static func applyNetwork(key: String, value: String, to config: inout ContainerConfig) throws(Problem) {
        let rest = key.dropFirst("lxc.net.".count)
        let parts = rest.split(separator: ".", maxSplits: 1)
        guard let first = parts.first, first.allSatisfy({ $0.isASCII }), let index = Int(first), index >= 0, index < 64 else {
            throw Problem("invalid network key \"\(key)\": expected lxc.net.N.KEY")
        }
        if parts.count == 1 {
            guard value.isEmpty else { throw Problem("\(key) takes no value") }
            config.networks.removeAll { $0.index == index }
            return
        }
        let subkey = String(parts[1])
        var net = config.networks.first(where: { $0.index == index }) ?? .init(index: index)
        switch subkey {
        case "type":
            guard let type = ContainerConfig.Network.Kind(rawValue: value) else {
                throw Problem("network type \"\(value)\" is not available unprivileged (veth, empty or none)")
            }
            // As in LXC, setting the type starts the nic afresh.
            net = .init(index: index)
            net.type = type
        case "link": try checkInterfaceName(value); net.link = value
        case "name": try checkInterfaceName(value); net.name = value.isEmpty ? nil : value
        case "flags": net.up = !value.isEmpty
        case "hwaddr":
            guard value.isEmpty || MACAddress.isTemplate(value) else { throw Problem("invalid hwaddr \"\(value)\"") }
            net.hwaddr = value.isEmpty ? nil : value
        case "mtu":
            guard value.isEmpty || (UInt32(value).map { $0 >= 68 } ?? false) else { throw Problem("invalid mtu \"\(value)\"") }
            net.mtu = UInt32(value)
        case "ipv4.address":
            guard value.isEmpty || IPv4.parseCIDR(value) != nil else { throw Problem("invalid ipv4.address \"\(value)\" (ADDRESS/PREFIX)") }
            net.ipv4Address = value.isEmpty ? nil : value
        case "script.up": net.scriptUp = value.isEmpty ? nil : value
        case "script.down": net.scriptDown = value.isEmpty ? nil : value
        case "ipv4.gateway":
            guard value.isEmpty || IPv4.parse(value) != nil else { throw Problem("invalid ipv4.gateway \"\(value)\"") }
            net.ipv4Gateway = value.isEmpty ? nil : value
        default:
            throw Problem("unsupported network key \"\(key)\"")
        }
        config.networks.removeAll { $0.index == index }
        config.networks.append(net)
        config.networks.sort { $0.index < $1.index }
    }

    static func checkInterfaceName(_ name: String) throws(Problem) {
        guard name.isEmpty || NetworkInterfaceName.isValid(name) else {
            throw Problem("invalid interface name \"\(name)\" (at most 15 bytes, no '/', ':' or blanks)")
        }
    }
}
