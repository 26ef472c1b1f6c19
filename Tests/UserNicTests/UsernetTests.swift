import Testing
@testable import UserNic

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
