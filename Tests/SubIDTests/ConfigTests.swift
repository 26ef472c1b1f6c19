import Testing
@testable import SubID

@Suite struct LoginDefsTests {
    @Test func defaultsWhenAbsent() {
        #expect(LoginDefs().allocationPolicy(for: .uid) == AllocationPolicy(min: 100000, max: 600100000, count: 65536))
        #expect(LoginDefs().allocationPolicy(for: .gid) == AllocationPolicy(min: 100000, max: 600100000, count: 65536))
    }

    @Test func parsesAsShadow() {
        let defs = LoginDefs(parsing: """
            # comment
              SUB_UID_MIN   200000
            SUB_UID_MAX\t"300000"\t
            SUB_UID_COUNT 0x100
            SUB_GID_MIN 1000 trailing words
            SUB_GID_COUNT nonsense
            SUB_GID_MAX 5
            SUB_GID_MAX 900000
            LONELY
            #SUB_GID_COUNT 7
            GRANT_AUX_GROUP_SUBIDS YES
            """)
        #expect(defs.allocationPolicy(for: .uid) == AllocationPolicy(min: 200000, max: 300000, count: 256))
        // "1000 trailing words" does not parse: default, as getdef_ulong.
        #expect(defs.allocationPolicy(for: .gid) == AllocationPolicy(min: 100000, max: 900000, count: 65536))
        #expect(defs.flag("GRANT_AUX_GROUP_SUBIDS"))
        #expect(defs["LONELY"] == nil)
    }
}

@Suite struct UsernetTests {
    @Test func grammarAsSscanf() {
        let net = Usernet(parsing: """
            lxut1 veth br0 2
             lxut2 veth br0 5
            #lxut3 veth br0 1
            lxut3\tveth\tbr0\t3 extra words
            lxut4 veth br0
            lxut5 veth br0 0x3
            lxut6 veth br0 -2
            @grp veth br0 1
            lxut7 veth br0 99999999999
            """)
        #expect(net.rules.map(\.owner) == ["lxut1", "#lxut3", "lxut3", "lxut5", "lxut6", "@grp", "lxut7"])
        #expect(net.rules.map(\.count) == [2, 1, 3, 0, -2, 1, Int32(truncatingIfNeeded: Int64(99999999999))])
        #expect(net.rules.map(\.lineNumber) == [1, 3, 4, 6, 7, 8, 9])
    }

    @Test func duplicatesGiveMaxAndGroupsShare() {
        let net = Usernet(parsing: "anna veth br0 1\nanna veth br0 2\n@devs veth br0 3\nanna veth br1 9\n@ops veth br0 4\n")
        let allowance = net.allowance(user: "anna", groups: ["devs", "anna"], type: "veth", link: "br0")
        #expect(allowance.quotas.map(\.owner) == ["anna", "@devs"])
        #expect(allowance.quotas.map(\.limit) == [2, 3])
        #expect(allowance.total == 5)
        #expect(allowance.ownerForNextNic(held: { $0 == "anna" ? 2 : 0 }) == "@devs")
        #expect(allowance.ownerForNextNic(held: { $0 == "anna" ? 2 : 3 }) == nil)
    }

    @Test func userOutsideListedGroupsGetsNoQuotaAndNoCrash() {
        let net = Usernet(parsing: "@devs veth br0 3\n")
        #expect(net.allowance(user: "elsa", groups: ["elsa"], type: "veth", link: "br0").quotas.isEmpty)
    }

    @Test func typeAndLinkMustMatchAndNegativeGrantsNothing() {
        let net = Usernet(parsing: "anna veth br0 3\nanna veth br0 -3\nanna macvlan br0 1\n")
        #expect(net.allowance(user: "anna", groups: [], type: "veth", link: "br0").total == 3)
        #expect(net.allowance(user: "anna", groups: [], type: "veth", link: "none").total == 0)
    }
}

@Suite struct CheckTests {
    @Test func findsEveryKindOfProblem() {
        let file = SubIDFile(parsing: """
            anna:100000:65536
            bob:150000:65536
            # fine
            anna:100000:10
            ghost:300000:10
            carl:1000:10
            bad:-1:5
            dave:4294967200:96
            +nis
            erin:500000:10:x
            """)
        let findings = SubIDCheck.findings(
            in: file, path: "/etc/subuid", realIDs: [(1005, "frank"), (0, "root")],
            resolveOwner: { ["anna": 1, "bob": 2, "carl": 3, "dave": 4, "erin": 5, "bad": 6][$0] })
        let summary = findings.map { "\($0.line):\($0.code)" }
        #expect(summary == [
            "2:overlap", "4:duplicate", "5:unknown-owner", "6:covers-real-ids", "7:malformed",
            "8:past-32-bit-limit", "9:nis-line", "10:extra-fields",
        ])
        #expect(findings.first?.message.contains("anna") == true)
        #expect(findings.filter { $0.severity == .error }.count == 4)
    }

    @Test func cleanFileHasNoFindings() {
        let file = SubIDFile(parsing: "anna:100000:65536\n1000:165536:65536\n")
        #expect(SubIDCheck.findings(in: file, path: "p", realIDs: [(1000, "anna")], resolveOwner: { _ in 1000 }).isEmpty)
    }
}
