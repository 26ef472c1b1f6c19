import IDModel
import LinuxSys
@testable import SubIDQuery
import TestSupport
import Testing

@Suite struct GetSubIDsTests {
    struct Directory: UserDatabase {
        func user(named name: String) -> UserRecord? { name == "anna" ? UserRecord(name: "anna", uid: 1000, gid: 1000) : nil }
        func user(id uid: UInt32) -> UserRecord? { nil }
        func group(named name: String) -> GroupRecord? { nil }
    }

    @Test func listsByNameAndUid() {
        let scratch = ScratchDirectory("getsubids")
        scratch.write("subuid", "anna:100:10\n1000:200:10\nbob:300:10\nanna:400:0\n")
        let request = GetSubIDs.Request(owner: "anna", kind: .uid)
        #expect(GetSubIDs.run(request, users: Directory(), path: scratch.file("subuid"))
                == "0: anna 100 10\n1: anna 200 10\n2: anna 400 0\n")
        #expect(GetSubIDs.run(GetSubIDs.Request(owner: "nobody", kind: .uid), users: Directory(), path: scratch.file("subuid")) == nil)
    }

    @Test func grammarAsShadow() {
        #expect(GetSubIDs.parse([]) == .usage)
        #expect(GetSubIDs.parse(["-h"]) == .usage)
        #expect(GetSubIDs.parse(["-g"]) == .list(GetSubIDs.Request(owner: "-g", kind: .uid)))
        #expect(GetSubIDs.parse(["-g", "anna"]) == .list(GetSubIDs.Request(owner: "anna", kind: .gid)))
        #expect(GetSubIDs.parse(["anna", "x", "y"]) == .list(GetSubIDs.Request(owner: "anna", kind: .uid)))
    }
}
