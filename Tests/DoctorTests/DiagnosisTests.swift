import Doctor
import IDModel
import SubID
import Testing
import UserNic

/// A machine where elsa can run containers; each test breaks one thing.
func healthy() -> DoctorFacts {
    var facts = DoctorFacts(user: .init(name: "elsa", uid: 1001, gid: 1001, groups: ["elsa", "netusers"]))
    let file = SubIDFile(parsing: Array("anna:2000000:1000000\nelsa:3000000:1000000\n".utf8))
    facts.subuid = .present(file)
    facts.subgid = .present(file)
    facts.realUsers = [(name: "root", id: 0), (name: "anna", id: 1000), (name: "elsa", id: 1001)]
    facts.realGroups = [(name: "root", id: 0), (name: "elsa", id: 1001)]
    facts.searchPath = ["/usr/bin"]
    facts.helpers = ["newuidmap", "newgidmap"].map {
        var h = DoctorFacts.Helper(name: $0, path: "/usr/bin/\($0)")
        h.setuidRoot = true
        return h
    }
    facts.maxUserNamespaces = 15000
    facts.usernet = Usernet(parsing: "elsa veth lxcbr0 2\n")
    facts.existingLinks = ["lxcbr0"]
    var nic = DoctorFacts.Helper(name: "lxc-user-nic", path: "/usr/libexec/lxc/lxc-user-nic")
    nic.setuidRoot = true
    facts.userNic = nic
    facts.delegatedCgroup = "/sys/fs/cgroup/unified/userbox/elsa"
    return facts
}

func causes(_ facts: DoctorFacts) -> [String] { Diagnosis.run(facts).map(\.cause) }

@Suite struct DiagnosisTests {
    @Test func aHealthyMachineHasNothingToSay() { #expect(Diagnosis.run(healthy()).isEmpty) }

    @Test func noRangeSaysAllocate() {
        var f = healthy()
        f.subgid = .present(SubIDFile(parsing: Array("anna:2000000:1000000\n".utf8)))
        let findings = Diagnosis.run(f)
        #expect(findings.map(\.cause) == ["no-subgid"])
        #expect(findings[0].fix == "subid allocate elsa")
    }

    @Test func missingFileSaysAllocate() {
        var f = healthy(); f.subuid = .missing
        #expect(causes(f) == ["no-subuid"])
    }

    @Test func aSmallRangeGetsAFreeRangeToGrant() {
        var f = healthy()
        f.subuid = .present(SubIDFile(parsing: Array("elsa:100000:1000\nanna:101000:65536\n".utf8)))
        let findings = Diagnosis.run(f)
        #expect(findings.map(\.cause) == ["small-subuid"])
        #expect(findings[0].problem.contains("owns only 1000 subordinate uids (100000-100999)"))
        #expect(findings[0].fix == "subid grant elsa --uids 166536-232071")
    }

    @Test func overlapWithAnotherOwnerNamesBoth() {
        var f = healthy()
        f.subuid = .present(SubIDFile(parsing: Array("anna:2000000:1000000\nelsa:2900000:1100000\n".utf8)))
        let findings = Diagnosis.run(f)
        #expect(findings.map(\.cause) == ["subuid-overlap"])
        #expect(findings[0].fix == "subid revoke elsa --uids 2900000-2999999")
    }

    @Test func aRealUsersUIDInsideTheRange() {
        var f = healthy()
        f.realUsers.append((name: "bob", id: 3000500))
        let findings = Diagnosis.run(f)
        #expect(findings.map(\.cause) == ["subuid-covers-real-id"])
        #expect(findings[0].problem.contains("uid 3000500 of user bob"))
    }

    @Test func helpersMissingUnprivilegedOrNosuid() {
        var f = healthy(); f.helpers[0].path = nil
        #expect(causes(f) == ["helper-missing"])
        f = healthy(); f.helpers[1].setuidRoot = false
        #expect(causes(f) == ["helper-unprivileged"])
        f = healthy(); f.helpers[1].setuidRoot = false; f.helpers[1].fileCapabilities = true
        #expect(causes(f).isEmpty)
        f = healthy(); f.helpers[0].nosuidMount = "/opt"
        #expect(causes(f) == ["helper-nosuid"])
    }

    @Test func userNamespacesSwitchedOff() {
        var f = healthy(); f.maxUserNamespaces = 0
        #expect(causes(f) == ["userns-disabled"])
        f = healthy(); f.unprivilegedUsernsClone = 0
        #expect(causes(f) == ["userns-unprivileged-disabled"])
        f = healthy(); f.unprivilegedUsernsClone = 1; f.apparmorRestrictsUserns = 1
        #expect(causes(f) == ["userns-apparmor"])
    }

    @Test func networking() {
        var f = healthy(); f.usernet = nil
        #expect(causes(f) == ["no-usernet"])
        f = healthy(); f.usernet = Usernet(parsing: "@netusers veth br9 1\n"); f.existingLinks = []
        #expect(causes(f) == ["no-bridge"])
        f = healthy(); f.usernet = Usernet(parsing: "@othergroup veth lxcbr0 1\n")
        #expect(causes(f) == ["no-usernet"])
        f = healthy(); f.userNic?.setuidRoot = false
        #expect(causes(f) == ["usernic-unprivileged"])
    }

    @Test func noDelegatedCgroup() {
        var f = healthy(); f.delegatedCgroup = nil
        let findings = Diagnosis.run(f)
        #expect(findings.map(\.cause) == ["no-cgroup"])
        #expect(findings[0].fix.hasPrefix("userbox admin delegate elsa"))
        f.cgroupRoot = nil
        #expect(Diagnosis.run(f).map(\.problem) == ["no cgroup hierarchy is mounted: containers start without resource limits"])
    }
}
