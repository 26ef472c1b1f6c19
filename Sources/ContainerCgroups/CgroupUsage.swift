/// What a container uses, as lxc-info reports it; nil where its cgroups do not say.
public struct CgroupUsage: Equatable, Sendable {
    public var memoryBytes: UInt64?
    public var kernelMemoryBytes: UInt64?
    public var cpuNanoseconds: UInt64?
    public var blockIOBytes: UInt64?
    public var pids: UInt64?

    public init() {}
}

extension CgroupSet {
    /// Read from the v1 controllers where the container has them, else from cgroup2.
    public var usage: CgroupUsage {
        var u = CgroupUsage()
        let v2 = unified?.payload
        if let m = member(forLegacy: "memory") {
            u.memoryBytes = CgroupFiles.number(m.payload + "/memory.usage_in_bytes")
            u.kernelMemoryBytes = CgroupFiles.number(m.payload + "/memory.kmem.usage_in_bytes")
        } else if let v2 { u.memoryBytes = CgroupFiles.number(v2 + "/memory.current") }
        if let m = member(forLegacy: "cpuacct") {
            u.cpuNanoseconds = CgroupFiles.number(m.payload + "/cpuacct.usage")
        } else if let v2, let usec = CgroupFiles.keyed(v2 + "/cpu.stat")["usage_usec"] { u.cpuNanoseconds = usec * 1000 }
        if let m = member(forLegacy: "blkio") {
            // io_service_bytes ends with "Total N".
            let lines = (CgroupFiles.read(m.payload + "/blkio.throttle.io_service_bytes") ?? "").split(separator: "\n")
            u.blockIOBytes = lines.last { $0.hasPrefix("Total ") }.flatMap { UInt64($0.dropFirst(6)) }
        } else if let v2, let text = CgroupFiles.read(v2 + "/io.stat") {
            var total: UInt64 = 0
            for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) where field.hasPrefix("rbytes=") || field.hasPrefix("wbytes=") {
                total += UInt64(field.split(separator: "=")[1]) ?? 0
            }
            u.blockIOBytes = total
        }
        if let m = member(forLegacy: "pids") { u.pids = CgroupFiles.number(m.payload + "/pids.current") } else if let v2 {
            u.pids = CgroupFiles.number(v2 + "/pids.current")
        }
        return u
    }
}
