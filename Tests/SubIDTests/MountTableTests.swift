import LinuxSys
import Testing

@Suite struct MountTableTests {
    let table = MountTable(parsing: """
        22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
        30 22 0:26 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        31 22 0:27 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 22 0:30 / /mnt/my\\040disk rw,nosuid - tmpfs tmpfs rw
        41 22 0:31 / /opt rw,nosuid master:3 - tmpfs none rw
        42 22 0:32 / /srv rw shared:4 master:5 propagate_from:6 - xfs /dev/vdb rw
        43 22 0:33 / /broken rw no separator here
        """)

    @Test func mountPointsAndTypes() {
        #expect(table.mounts.map(\.type) == ["ext4", "cgroup2", "cgroup", "tmpfs", "tmpfs", "xfs"])
        #expect(table.mounts[5].point == "/srv")
        #expect(table.mounts[3].point == "/mnt/my disk")
    }

    @Test func theMountHoldingAPath() {
        #expect(table.mountPoint(of: "/mnt/my disk/bin/x") == "/mnt/my disk")
        #expect(table.mountPoint(of: "/opt/bin/newuidmap") == "/opt")
        #expect(table.mountPoint(of: "/optional/x") == "/")
        #expect(table.mountPoint(of: "/usr/bin/newuidmap") == "/")
    }

    @Test func cgroupHierarchies() {
        #expect(table.cgroupHierarchies.map(\.point) == ["/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids"])
        #expect(table.cgroupHierarchies.map(\.unified) == [true, false])
    }

    @Test func rootAndSuperblockOptions() {
        #expect(table.mounts[2].root == "/" && table.mounts[2].superOptions == ["rw", "pids"])
    }

    @Test func aMountOverACgroupTreeHidesWhatIsBelow() {
        let over = MountTable(parsing: """
            30 22 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw
            31 30 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
            32 30 0:28 /user /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
            40 22 0:40 / /sys/fs/cgroup rw - cgroup2 none rw
            """)
        #expect(over.cgroupHierarchies.map(\.point) == ["/sys/fs/cgroup"])
        #expect(over.mounts[2].root == "/user")
    }
}
