import Testing
import IDModel
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
