import ContainerCgroups
import LinuxSys
import Testing

@Suite struct CgroupLayoutTests {
    // This machine kind's hybrid layout, and the same with cgroup2 mounted over /sys/fs/cgroup.
    static let hybrid = """
        30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - tmpfs tmpfs rw,mode=755
        31 30 0:27 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw
        32 30 0:28 / /sys/fs/cgroup/memory rw,relatime shared:11 - cgroup cgroup rw,memory
        33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
        34 30 0:30 / /sys/fs/cgroup/systemd rw,relatime shared:13 - cgroup cgroup rw,xattr,name=systemd
        35 30 0:31 /user /sys/fs/cgroup/pids rw,relatime shared:14 - cgroup cgroup rw,pids
        """
    static let selfCgroup = "5:pids:/user/anna\n4:name=systemd:/\n3:cpu,cpuacct:/user/anna\n2:memory:/user/anna\n0::/user/anna\n"

    let layout = CgroupLayout.parse(mounts: MountTable(parsing: hybrid), selfCgroup: selfCgroup, controllersOf: { _ in ["hugetlb"] })

    @Test func hierarchiesControllersAndWhereTheCallerIs() {
        #expect(layout.kind == .hybrid)
        #expect(layout.hierarchies.map(\.mountPoint) == ["/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct",
                                                         "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/pids"])
        #expect(layout.legacyHierarchy(for: "cpuacct")?.controllers == ["cpu", "cpuacct"])
        #expect(layout.legacyHierarchy(for: "cpuacct")?.current == "/sys/fs/cgroup/cpu,cpuacct/user/anna")
        #expect(layout.hierarchies[3].controllers == ["name=systemd"] && layout.hierarchies[3].current == "/sys/fs/cgroup/systemd")
        // pids has /user mounted: /user/anna is its /anna.
        #expect(layout.legacyHierarchy(for: "pids")?.current == "/sys/fs/cgroup/pids/anna")
        #expect(layout.unifiedHierarchy?.current == "/sys/fs/cgroup/unified/user/anna")
    }

    @Test func aCgroupOutsideTheMountedRootIsUnreachable() {
        let l = CgroupLayout.parse(mounts: MountTable(parsing: Self.hybrid), selfCgroup: "5:pids:/system/x\n", controllersOf: { _ in [] })
        #expect(l.legacyHierarchy(for: "pids")?.current == nil)
    }

    @Test func cgroup2MountedOverTheTreeHidesTheV1Hierarchies() {
        let l = CgroupLayout.parse(mounts: MountTable(parsing: Self.hybrid + "\n40 22 0:40 / /sys/fs/cgroup rw - cgroup2 none rw"),
                                   selfCgroup: Self.selfCgroup, controllersOf: { _ in [] })
        #expect(l.kind == .unified)
        #expect(l.hierarchies.map(\.mountPoint) == ["/sys/fs/cgroup"])
        #expect(l.summary == "cgroup2-only")
    }
}

@Suite struct CgroupSettingTests {
    let layout = CgroupLayout.parse(mounts: MountTable(parsing: CgroupLayoutTests.hybrid), selfCgroup: CgroupLayoutTests.selfCgroup,
                                    controllersOf: { _ in ["hugetlb"] })
    let set = CgroupSet(members: [
        .init(mountPoint: "/sys/fs/cgroup/memory", unified: false, controllers: ["memory"], base: "/sys/fs/cgroup/memory/user/anna",
              payload: "/sys/fs/cgroup/memory/user/anna/lxc.payload.c1", monitor: "/sys/fs/cgroup/memory/user/anna/lxc.monitor.c1"),
        .init(mountPoint: "/sys/fs/cgroup/unified", unified: true, controllers: ["hugetlb"], base: "/sys/fs/cgroup/unified/user/anna",
              payload: "/sys/fs/cgroup/unified/user/anna/lxc.payload.c1", monitor: "/sys/fs/cgroup/unified/user/anna/lxc.monitor.c1"),
    ])

    func target(_ version: CgroupSetting.Version, _ file: String) -> Result<String, CgroupError> {
        set.target(for: CgroupSetting(version: version, file: file, value: "1"), layout: layout, user: "anna", enabled: { _ in ["hugetlb"] })
    }

    @Test func writtenIntoThePayloadOfTheRightHierarchy() {
        #expect(target(.v1, "memory.limit_in_bytes") == .success("/sys/fs/cgroup/memory/user/anna/lxc.payload.c1/memory.limit_in_bytes"))
        #expect(target(.v2, "hugetlb.2MB.max") == .success("/sys/fs/cgroup/unified/user/anna/lxc.payload.c1/hugetlb.2MB.max"))
        #expect(target(.v2, "cgroup.max.descendants") == .success("/sys/fs/cgroup/unified/user/anna/lxc.payload.c1/cgroup.max.descendants"))
    }

    @Test func aKeyThisLayoutCannotTakeNamesTheOneToUse() {
        guard case .failure(let e) = target(.v2, "memory.max") else { Issue.record("accepted"); return }
        #expect(e.description.hasPrefix("lxc.cgroup2.memory.max: needs the memory controller on cgroup2; this host binds memory to v1"))
        #expect(e.description.hasSuffix("use lxc.cgroup.memory.limit_in_bytes"))
        guard case .failure(let p) = target(.v1, "pids.max") else { Issue.record("accepted"); return }
        #expect(p.description.contains("needs a cgroup you may write in the v1 pids hierarchy; yours is /sys/fs/cgroup/pids/anna"))
        guard case .failure(let n) = target(.v1, "net_cls.classid") else { Issue.record("accepted"); return }
        #expect(n.description.contains("this host has no net_cls controller"))
    }

    @Test func memswComesAfterTheMemoryLimit() {
        let s = [CgroupSetting(version: .v1, file: "memory.memsw.limit_in_bytes", value: "2G"),
                 CgroupSetting(version: .v1, file: "memory.limit_in_bytes", value: "1G")]
        #expect(CgroupSetting.writeOrder(s).map(\.file) == ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"])
    }

    @Test func theRecordRoundTripsAndRefusesPathsOutsideTheMounts() {
        let text = set.serialized
        #expect(CgroupSet(parsing: text, cgroupMounts: ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"]) == set)
        #expect(CgroupSet(parsing: text, cgroupMounts: ["/sys/fs/cgroup/unified"]) == nil)
        let escape = text.replacingFirst("lxc.payload.c1", with: "lxc.payload.c1/../../../../home")
        #expect(CgroupSet(parsing: escape, cgroupMounts: ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"]) == nil)
        let elsewhere = "v1\t/sys/fs/cgroup/memory\tmemory\t/home/anna\t/home/anna/lxc.payload.x\t/home/anna/lxc.monitor.x\n"
        #expect(CgroupSet(parsing: elsewhere, cgroupMounts: ["/sys/fs/cgroup/memory"]) == nil)
    }
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = firstRange(of: a) else { return self }
        var s = self
        s.replaceSubrange(r, with: b)
        return s
    }
}
