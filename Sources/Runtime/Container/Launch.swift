import CContainer
import Glibc
import LinuxSys

/// C strings kept alive while C holds pointers to them (the clone child gets its own copy).
final class CStrings {
    private var owned: [UnsafeMutablePointer<CChar>] = []
    func string(_ s: String) -> UnsafePointer<CChar> {
        let p = strdup(s)!
        owned.append(p)
        return UnsafePointer(p)
    }
    func array(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (i, s) in strings.enumerated() { let p = strdup(s)!; owned.append(p); list[i] = p }
        list[strings.count] = nil
        arrays.append(list)
        return list
    }
    private var arrays: [UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>] = []
    deinit {
        for p in owned { free(p) }
        for a in arrays { a.deallocate() }
    }
}

/// Turns a ContainerConfig into what the C child needs, all resolved beforehand.
struct LaunchPlan {
    var rootfs: String
    var mountProc = false
    var mountSys = 0
    var mounts: [(source: String, target: String, type: String?, flags: UInt, data: String?, create: Int32, optional: Bool, remount: Int32)] = []
    var capDrop: UInt64 = 0
    var environment: [String]
    var initCommand: [String]

    static let lastCapability: Int = {
        guard let bytes = try? Files.read("/proc/sys/kernel/cap_last_cap", followSymlinks: true, limit: 16),
              let n = Int(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first ?? "") else { return 40 }
        return n
    }()

    init(config: ContainerConfig, rootfs: String) throws(RuntimeError) {
        self.rootfs = rootfs
        for token in config.mountAuto {
            if token.hasPrefix("proc") { mountProc = true }
            if token.hasPrefix("sys") { mountSys = token == "sys:rw" ? 2 : 1 }
        }
        for entry in config.mountEntries {
            var target = entry.target
            if target.hasPrefix("/") {
                guard target.hasPrefix(rootfs + "/") else { continue }  // LXC: "Ignoring mount point"
            } else {
                target = rootfs + "/" + target
            }
            guard !target.split(separator: "/").contains("..") else {
                throw .mountEntryLeavesRootfs(target: entry.target)
            }
            var flags: UInt = 0, data: [String] = [], create: Int32 = 0, optional = false, readOnly = false
            for option in entry.options {
                switch option {
                case "bind": flags |= UInt(MS_BIND)
                case "rbind": flags |= UInt(MS_BIND) | UInt(MS_REC)
                case "ro": readOnly = true
                case "rw", "defaults": break
                case "nosuid": flags |= UInt(MS_NOSUID)
                case "nodev": flags |= UInt(MS_NODEV)
                case "noexec": flags |= UInt(MS_NOEXEC)
                case "create=dir": create = 1
                case "create=file": create = 2
                case "optional": optional = true
                default: data.append(option)
                }
            }
            let isBind = flags & UInt(MS_BIND) != 0
            if readOnly && !isBind { flags |= UInt(MS_RDONLY) }
            mounts.append((entry.source, target, isBind ? nil : entry.type, flags, data.isEmpty ? nil : data.joined(separator: ","),
                           create, optional, isBind && readOnly ? Int32(MS_RDONLY) : 0))
        }
        switch config.capabilities {
        case .none: break
        case .drop(let names): for n in names { if let c = Capabilities.number(of: n) { capDrop |= 1 << UInt64(c) } }
        case .keep(let names):
            let kept = Set(names.compactMap(Capabilities.number(of:)))
            for c in 0...LaunchPlan.lastCapability where !kept.contains(c) { capDrop |= 1 << UInt64(c) }
        }
        var env = ["container=lxc", Executables.searchPathEnvironment, "HOME=/root"]
        // As LXC: systemd inside reads which ttys it may start gettys on.
        if config.ttyMax > 0 { env.append("container_ttys=" + (1...config.ttyMax).map { "tty\($0)" }.joined(separator: " ")) }
        for e in config.environment {
            if e.contains("=") { env.append(e) } else if let v = getenv(e) { env.append("\(e)=\(String(cString: v))") }
        }
        environment = env
        initCommand = config.initCommand
    }
}

extension ContainerConfig.Network {
    func record(name: String) -> ccontainer_nic {
        var nic = ccontainer_nic()
        withUnsafeMutableBytes(of: &nic.name) { buffer in
            for (i, b) in name.utf8.prefix(15).enumerated() { buffer[i] = b }
        }
        if let cidr = ipv4Address.flatMap(IPv4.parseCIDR) { nic.address = cidr.address; nic.prefix = Int32(cidr.prefix) }
        if let gw = ipv4Gateway.flatMap(IPv4.parse) { nic.gateway = gw }
        nic.up = up ? 1 : 0
        if let hwaddr {
            var g = SystemRandomNumberGenerator()
            let bytes = MACAddress.fill(hwaddr, using: &g)
            nic.has_hwaddr = 1
            withUnsafeMutableBytes(of: &nic.hwaddr) { buffer in for (i, b) in bytes.enumerated() { buffer[i] = b } }
        }
        nic.mtu = mtu ?? 0
        return nic
    }
}
