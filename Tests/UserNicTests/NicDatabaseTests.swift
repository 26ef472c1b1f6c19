import Testing
@testable import UserNic

@Suite struct NicDatabaseTests {
    @Test func parsesAsLXC() {
        let db = NicDatabase(parsing: Array("""
            lxut1 veth br0 veth5001_fARV
              @lxutgrp veth br0 veth5001_sY51
            # comment
            @lxutgrp veth br0 veth5001_sY@lxutgrp veth br0 veth5002_fYUp
            short line
            lxut1\tveth\tbr1\tveth5001_x\r

            """.utf8))
        #expect(db.entries.map(\.hostInterface) == ["veth5001_fARV", "veth5001_sY51", "veth5001_x"])
        #expect(db.entries[1].owner == "@lxutgrp")
        #expect(db.malformedLines == 2)
    }

    @Test func nonASCIILinesAreMalformed() {
        // Found by fuzzing: invalid UTF-8 could not be written back as it was read.
        let db = NicDatabase(parsing: [0x61, 0x20, 0x76, 0x20, 0x62, 0x20, 0xff, 0x0a] + Array("ok veth br0 v1\n".utf8))
        #expect(db.entries.map(\.owner) == ["ok"])
        #expect(db.malformedLines == 1)
    }

    @Test func pruneRewritesEveryLiveLine() {
        // LXC 4.0+ keeps the stale first line and loses the last live one here.
        var db = NicDatabase(parsing: Array("a veth br0 gone1\na veth br0 live1\na veth br0 live2\n".utf8))
        #expect(db.prune { $0.hasPrefix("live") } == 1)
        #expect(String(decoding: db.serialized(), as: UTF8.self) == "a veth br0 live1\na veth br0 live2\n")
    }

    @Test func quotasPerOwnerTypeAndLinkWithGroupsShared() {
        let net = Usernet(parsing: "anna veth br0 1\n@devs veth br0 2\nanna veth br1 1\n")
        var db = NicDatabase()
        let allowance = net.allowance(user: "anna", groups: ["devs"], type: "veth", link: "br0")
        #expect(db.ownerForNextNic(user: "anna", allowance: allowance, type: "veth", link: "br0") == .success("anna"))
        db.append(.init(owner: "anna", type: "veth", link: "br0", hostInterface: "v1"))
        // A nic on br1 does not use br0's quota (LXC counts by owner only).
        db.append(.init(owner: "anna", type: "veth", link: "br1", hostInterface: "v0"))
        #expect(db.ownerForNextNic(user: "anna", allowance: allowance, type: "veth", link: "br0") == .success("@devs"))
        db.append(.init(owner: "@devs", type: "veth", link: "br0", hostInterface: "v2"))
        // elsa, also in devs, shares the group's quota.
        db.append(.init(owner: "@devs", type: "veth", link: "br0", hostInterface: "v3"))
        #expect(db.ownerForNextNic(user: "anna", allowance: allowance, type: "veth", link: "br0")
                == .failure(.quotaReached(user: "anna", type: "veth", link: "br0", limit: 3)))
        let none = net.allowance(user: "bob", groups: [], type: "veth", link: "br0")
        #expect(db.ownerForNextNic(user: "bob", allowance: none, type: "veth", link: "br0")
                == .failure(.noQuota(user: "bob", type: "veth", link: "br0")))
    }
}
