import Runtime
import Testing

@Suite struct QuickCommandTests {
    @Test func theFastPathForms() {
        #expect(QuickCommand.parse(["start", "c1"]) == .start(name: "c1", lxcpath: nil))
        #expect(QuickCommand.parse(["start", "-d", "-P", "/x", "c1"]) == .start(name: "c1", lxcpath: "/x"))
        #expect(QuickCommand.parse(["attach", "c1"]) == .attach(name: "c1", lxcpath: nil, uid: 0, gid: 0, command: ["/bin/sh"]))
        #expect(QuickCommand.parse(["attach", "-u", "1000", "c1", "--", "id", "-u"])
                == .attach(name: "c1", lxcpath: nil, uid: 1000, gid: 1000, command: ["id", "-u"]))
        #expect(QuickCommand.parse(["attach", "--lxcpath=/p", "-g", "5", "c1", "--", "-x"])
                == .attach(name: "c1", lxcpath: "/p", uid: 0, gid: 5, command: ["-x"]))
        #expect(QuickCommand.parse(["stop", "-k", "c1"]) == .stop(name: "c1", lxcpath: nil, kill: true, timeout: 10))
        #expect(QuickCommand.parse(["stop", "-t", "3", "c1"]) == .stop(name: "c1", lxcpath: nil, kill: false, timeout: 3))
        // libuserbox's start spawns the lean binary as the monitor.
        #expect(QuickCommand.parse(["__monitor", "--lxcpath", "/p", "c1"]) == .monitor(name: "c1", lxcpath: "/p"))
    }

    /// Everything else goes to the full CLI, which explains it.
    @Test(arguments: [[], ["--help"], ["start"], ["start", "-h", "c1"], ["start", "a", "b"], ["attach", "c1", "id"],
                      ["attach", "-u", "x", "c1"], ["stop", "-t"], ["stop", "c1", "--", "x"], ["ls"], ["create", "c1"],
                      ["attach", "--bogus", "c1"], ["start", "-P"], ["__monitor", "-d", "c1"], ["__monitor", "--", "c1"]])
    func unusualArgumentsAreTheFullCLIs(_ arguments: [String]) {
        #expect(QuickCommand.parse(arguments) == nil)
    }
}
