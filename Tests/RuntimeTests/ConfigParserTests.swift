import ContainerCgroups
import Runtime
import IDModel
import SubID
import Testing

@Suite struct ConfigParserTests {
    @Test func theSeedsConfigParses() throws {
        let config = try ConfigParser.parse("""
            # elsa's first container
              lxc.idmap = u 0 3000000 65536
            lxc.idmap = g 0 3000000 65536
            lxc.rootfs.path = dir:/home/elsa/.local/share/userbox/c1/rootfs
            lxc.uts.name = "c1"
            lxc.net.0.type = veth
            lxc.net.0.link = br0
            lxc.net.0.flags = up
            lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
            lxc.net.0.name = eth0
            lxc.net.0.ipv4.address = 10.0.3.11/24
            lxc.cap.drop = sys_module mac_admin
            lxc.cap.drop = sys_time
            lxc.mount.auto = proc:mixed sys:ro
            lxc.mount.auto = sys:rw
            lxc.environment = FOO=bar
            lxc.hook.pre-start = /bin/true
            lxc.init.cmd = /sbin/init --debug
            lxc.cgroup2.memory.max = 256M
            not an lxc line: ignored like liblxc does
            """)
        #expect(config.idmaps.map(\.extent) == [IDMapExtent(inside: 0, outside: 3_000_000, count: 65536),
                                                IDMapExtent(inside: 0, outside: 3_000_000, count: 65536)])
        #expect(config.idmaps.map(\.kind) == [.uid, .gid])
        #expect(config.rootfs == "/home/elsa/.local/share/userbox/c1/rootfs")
        #expect(config.hostname == "c1")
        #expect(config.networks.count == 1)
        #expect(config.networks[0].type == .veth && config.networks[0].link == "br0" && config.networks[0].up)
        #expect(config.networks[0].name == "eth0" && config.networks[0].ipv4Address == "10.0.3.11/24")
        #expect(config.capabilities == .drop(["sys_module", "mac_admin", "sys_time"]))
        #expect(config.mountAuto == ["proc:mixed", "sys:rw"])
        #expect(config.environment == ["FOO=bar"])
        #expect(config.hooks["pre-start"] == ["/bin/true"])
        #expect(config.initCommand == ["/sbin/init", "--debug"])
        #expect(config.cgroupSettings == [CgroupSetting(version: .v2, file: "memory.max", value: "256M")])
    }

    // liblxc's own vectors (src/tests/parse_config_file.c).
    @Test(arguments: [
        ("u 0 0 1", "u 0 0 1"), ("u    0\t\t5000\t100000", "u 0 5000 100000"), ("u 65536 65536 1\t", "u 65536 65536 1"),
        ("g 0x186a0 010 5", "g 100000 8 5"),
    ])
    func validIdmaps(_ value: String, _ expected: String) throws {
        let maps = try ConfigParser.parse("lxc.idmap = \(value)\n").idmaps
        #expect(maps.map { "\($0.kind == .uid ? "u" : "g") \($0.inside) \($0.outside) \($0.count)" } == [expected])
    }

    @Test(arguments: ["1u 0 0 0", "g -1 0 -10", "a 1 0 10", "u 1 1 0 10", "g 1 0 10\t z ", "b 0 100000 10", "u 4294967295 0 2"])
    func invalidIdmaps(_ value: String) {
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.idmap = \(value)\n") }
    }

    @Test func unknownKeysAreErrorsWithTheirLine() {
        #expect(throws: ConfigError(line: 3, message: "unsupported config key \"lxc.id_map\"")) {
            try ConfigParser.parse("lxc.uts.name = a\n\nlxc.id_map = u 0 0 1\n")
        }
        #expect(throws: ConfigError(line: 1, message: "unsupported network key \"lxc.net.0.asdf\"")) {
            try ConfigParser.parse("lxc.net.0.asdf = 1\n")
        }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.net.2147483647.type = veth\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.apparmor.raw = mount,\n") }
        #expect(throws: ConfigError(line: 1, message: "invalid configuration line \"lxc.uts.name\": no '='")) {
            try ConfigParser.parse("lxc.uts.name\n")
        }
    }

    @Test func capabilities() throws {
        #expect(try ConfigParser.parse("lxc.cap.keep = net_admin 21\n").capabilities == .keep(["net_admin", "21"]))
        #expect(try ConfigParser.parse("lxc.cap.drop = sys_admin\nlxc.cap.drop =\nlxc.cap.keep = none\n").capabilities == .keep([]))
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.cap.drop = SYS_ADMIN\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.cap.drop = cap_sys_admin\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.cap.drop = none\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.cap.drop = kill\nlxc.cap.keep = kill\n") }
    }

    @Test func settingTheTypeStartsTheNicAfreshAsInLXC() throws {
        let config = try ConfigParser.parse("lxc.net.0.link = br0\nlxc.net.0.type = veth\n")
        #expect(config.networks.map(\.link) == [""])
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.net.0.type = macvlan\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.net.0.name = a/b\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.net.0.ipv4.address = 10.0.0.300/24\n") }
    }

    @Test func includesAndMountsAndHooks() throws {
        let config = try ConfigParser.parse("lxc.include = common\nlxc.mount.entry = /srv srv none bind,create=dir 0 0\n",
                                            include: { _ in "lxc.uts.name = inc\n" })
        #expect(config.hostname == "inc")
        #expect(config.mountEntries == [.init(source: "/srv", target: "srv", type: "none", options: ["bind", "create=dir"])])
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.hook.premount = /bin/true\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.mount.auto = cgroup-full:bogus\n") }
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.rootfs.path = zfs:/x\n") }
    }

    @Test func initCommandsKeepQuotedWords() throws {
        #expect(try ConfigParser.parse("lxc.init.cmd = /bin/sh -c 'sleep 1000' \"a b\"\n").initCommand == ["/bin/sh", "-c", "sleep 1000", "a b"])
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.init.cmd = /bin/sh -c 'oops\n") }
    }

    @Test func hwaddrTemplatesAreFilledUnicast() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let mac = MACAddress.fill("xx:16:3e:xx:xx:xx", using: &g)
            #expect(mac.count == 6 && mac[0] & 1 == 0 && mac[1] == 0x16 && mac[2] == 0x3e)
        }
    }
}

/// Issue 18: LSM keys are accepted, applied where the LSM runs, refused (naming key and LSM)
/// where it does not, except `unconfined` or no key.
@Suite struct SecurityModuleTests {
    func config(_ text: String) throws -> ContainerConfig { try ConfigParser.parse(text) }

    @Test func withoutAnLSMOnlyUnconfinedOrNothingStarts() throws {
        #expect(try SecurityModules.execLabel(for: config(""), active: []) == nil)
        #expect(try SecurityModules.execLabel(for: config("lxc.apparmor.profile = unconfined\n"), active: []) == nil)
        #expect(throws: RuntimeError.securityModuleMissing(key: "lxc.apparmor.profile", value: "generated", module: "AppArmor")) {
            try SecurityModules.execLabel(for: config("lxc.apparmor.profile = generated\n"), active: ["capability", "yama"])
        }
        #expect(throws: RuntimeError.securityModuleMissing(key: "lxc.selinux.context", value: "system_u:system_r:lxc_t:s0", module: "SELinux")) {
            try SecurityModules.execLabel(for: config("lxc.selinux.context = system_u:system_r:lxc_t:s0\n"), active: ["apparmor"])
        }
    }

    @Test func withTheLSMTheLabelGoesToInitsExec() throws {
        let label = try SecurityModules.execLabel(for: config("lxc.apparmor.profile = lxc-container-default\n"), active: ["apparmor"])
        #expect(label?.label == "exec lxc-container-default")
        #expect(label?.file.hasPrefix("/proc/self/attr/") == true)
        let selinux = try SecurityModules.execLabel(for: config("lxc.selinux.context = u:r:t:s0\n"), active: ["selinux"])
        #expect(selinux?.label == "u:r:t:s0" && selinux?.file == "/proc/self/attr/exec")
    }

    @Test func allowIncompleteTakesZeroOrOne() throws {
        #expect(try config("lxc.apparmor.allow_incomplete = 1\n").apparmorAllowIncomplete)
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.apparmor.allow_incomplete = yes\n") }
    }
}

/// Issue 18: lxc-autostart's selection and order.
@Suite struct AutostartTests {
    func candidate(_ name: String, _ text: String) throws -> Autostart.Candidate {
        Autostart.Candidate(name: name, config: try ConfigParser.parse(text))
    }

    @Test func orderHighestFirstTiesByNameGroupsAsNamed() throws {
        let all = [
            try candidate("a1", "lxc.start.auto = 1\nlxc.start.order = 10\nlxc.start.delay = 2\n"),
            try candidate("a2", "lxc.start.auto = 1\nlxc.start.order = 20\n"),
            try candidate("b0", "lxc.start.auto = 1\nlxc.start.order = 20\n"),
            try candidate("web1", "lxc.start.auto = 1\nlxc.group = web\n"),
            try candidate("both", "lxc.start.auto = 1\nlxc.group = db, web\nlxc.start.order = 5\n"),
            try candidate("manual", "lxc.start.order = 99\n"),
        ]
        #expect(Autostart.plan(all, selection: .ungrouped).map(\.name) == ["a2", "b0", "a1"])
        #expect(Autostart.plan(all, selection: .groups(["web"])).map(\.name) == ["both", "web1"])
        #expect(Autostart.plan(all, selection: .groups(["db", "web", ""])).map(\.name) == ["both", "web1", "a2", "b0", "a1"])
        #expect(Autostart.plan(all, selection: .all).map(\.name) == ["a2", "b0", "a1", "both", "web1"])
        #expect(all[0].config.startDelay == 2 && all[4].config.groups == ["db", "web"])
    }

    @Test(arguments: ["lxc.start.auto = yes\n", "lxc.start.order = x\n", "lxc.start.delay = -1\n"])
    func badValuesAreRefused(_ text: String) {
        #expect(throws: ConfigError.self) { try ConfigParser.parse(text) }
    }
}

@Suite struct HookConfigTests {
    @Test func everyLXCHookParsesInOrder() throws {
        let config = try ConfigParser.parse("""
            lxc.hook.version = 1
            lxc.hook.pre-mount = /a
            lxc.hook.pre-mount = /b x
            lxc.hook.mount = /m
            lxc.hook.autodev = /d
            lxc.hook.start-host = /h
            lxc.hook.stop = /s
            lxc.hook.clone = /c
            lxc.autodev = 1
            lxc.net.0.type = veth
            lxc.net.0.script.up = /up
            lxc.net.0.script.down = /down
            """)
        #expect(config.hookVersion == 1)
        #expect(config.hooks("pre-mount") == ["/a", "/b x"])
        #expect(config.hooks("mount") == ["/m"] && config.hooks("autodev") == ["/d"] && config.hooks("start-host") == ["/h"])
        #expect(config.hooks("stop") == ["/s"] && config.hooks("clone") == ["/c"] && config.hooks("post-stop") == [])
        #expect(config.networks[0].scriptUp == "/up" && config.networks[0].scriptDown == "/down")
    }

    @Test func anEmptyValueClearsThatHooksList() throws {
        let config = try ConfigParser.parse("lxc.hook.mount = /a\nlxc.hook.mount = /b\nlxc.hook.mount =\nlxc.hook.mount = /c\n")
        #expect(config.hooks("mount") == ["/c"])
    }

    @Test(arguments: [("lxc.hook.version = 2", "lxc.hook.version takes 0 or 1"),
                      ("lxc.hook.prestart = /x", "unknown hook \"lxc.hook.prestart\""),
                      ("lxc.autodev = 0", "lxc.autodev = 1")])
    func refusals(_ line: String, _ message: String) {
        do {
            _ = try ConfigParser.parse(line + "\n")
            Issue.record("\(line) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

@Suite struct RootfsPathTests {
    @Test func lxcsForms() throws {
        var config = try ConfigParser.parse("lxc.rootfs.path = dir:/a/rootfs\n")
        #expect(config.rootfs == "/a/rootfs" && config.rootfsBackend == .dir)
        config = try ConfigParser.parse("lxc.rootfs.path = /a/rootfs\n")
        #expect(config.rootfs == "/a/rootfs" && config.rootfsBackend == .dir)
        config = try ConfigParser.parse("lxc.rootfs.path = btrfs:/b/rootfs\n")
        #expect(config.rootfs == "/b/rootfs" && config.rootfsBackend == .btrfs)
        config = try ConfigParser.parse("lxc.rootfs.path = overlay:/base/rootfs:/web/overlay/delta\n")
        #expect(config.rootfs == nil && config.rootfsBackend == .overlay(lowers: ["/base/rootfs"], upper: "/web/overlay/delta"))
        #expect(config.overlayOptions == "lowerdir=/base/rootfs,upperdir=/web/overlay/delta,workdir=/web/overlay/work,userxattr")
        config = try ConfigParser.parse("lxc.rootfs.path = overlayfs:/web/overlay/delta:/base/rootfs:/site/overlay/delta\n")
        #expect(config.rootfsBackend == .overlay(lowers: ["/web/overlay/delta", "/base/rootfs"], upper: "/site/overlay/delta"))
        #expect(config.overlayOptions?.hasPrefix("lowerdir=/web/overlay/delta:/base/rootfs,") == true)
    }

    @Test(arguments: ["overlay:/only", "overlay:relative:/up", "overlay:/a,b:/up", "zfs:/pool", "lvm:/dev/x"])
    func refused(_ value: String) {
        #expect(throws: ConfigError.self) { try ConfigParser.parse("lxc.rootfs.path = \(value)\n") }
    }

    @Test func aCopysMACKeepsTheVendorPart() {
        let mac = MACAddress.randomizedTail("00:16:3e:12:34:56")
        #expect(mac.hasPrefix("00:16:3e:") && mac.count == 17 && MACAddress.isTemplate(mac))
        #expect((0..<8).map { _ in MACAddress.randomizedTail("00:16:3e:12:34:56") }.contains { $0 != "00:16:3e:12:34:56" })
    }
}
