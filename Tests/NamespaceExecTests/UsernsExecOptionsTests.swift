import Testing
@testable import NamespaceExec
import IDModel
@testable import SubID

@Suite struct UsernsExecOptionsTests {
    func run(_ args: [String]) -> UsernsExecOptions? {
        if case .run(let o) = UsernsExecOptions.parse(args) { return o }
        return nil
    }

    @Test func mapSpecs() {
        #expect(MapSpec.parse("b:0:100000:65536") == MapSpec(kind: .both, inside: 0, outside: 100000, count: 65536))
        #expect(MapSpec.parse("u:1000:1000:1") == MapSpec(kind: .uid, inside: 1000, outside: 1000, count: 1))
        for bad in ["x:0:1:1", "u:0:1", "u:0:1:0", "u:-1:1:1", "u:0:1:1:5", "u:0:1:1x", "uu:0:1:1", "u:0:4294967295:1", ""] {
            #expect(MapSpec.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func optionsEndAtDashDashOrFirstWord() {
        let o = run(["-m", "b:0:100000:10", "-s", "--", "id", "-u"])
        #expect(o?.maps.count == 1)
        #expect(o?.mapSelf == true)
        #expect(o?.command == ["id", "-u"])
        #expect(run(["id", "-u"])?.command == ["id", "-u"])
        #expect(run(["-mu:0:5:1", "-s"])?.maps == [MapSpec(kind: .uid, inside: 0, outside: 5, count: 1)])
        #expect(run([])?.command == [])
        #expect(UsernsExecOptions.parse(["-h"]) == .help)
        #expect(UsernsExecOptions.parse(["-z"]) == .usageError("invalid option -- 'z'"))
        #expect(UsernsExecOptions.parse(["-m"]) == .usageError("option -m needs a map"))
    }

    @Test func mapSelfAsLXC() {
        var o = UsernsExecOptions()
        o.maps = [MapSpec(kind: .uid, inside: 0, outside: 200000, count: 65536), MapSpec(kind: .gid, inside: 0, outside: 200000, count: 65536)]
        o.appendSelfMaps(uid: 5001, gid: 5001)
        #expect(o.uidExtents.last == IDMapExtent(inside: 65536, outside: 5001, count: 1))
        #expect(o.gidExtents.last == IDMapExtent(inside: 65536, outside: 5001, count: 1))
        var b = UsernsExecOptions()
        b.maps = [MapSpec(kind: .both, inside: 0, outside: 200000, count: 10)]
        b.appendSelfMaps(uid: 5001, gid: 5002)
        #expect(b.uidExtents == [IDMapExtent(inside: 0, outside: 200000, count: 10), IDMapExtent(inside: 10, outside: 5001, count: 1)])
        #expect(b.gidExtents == [IDMapExtent(inside: 0, outside: 200000, count: 10), IDMapExtent(inside: 10, outside: 5002, count: 1)])
    }

    @Test func defaultMapsReadNameAndUidOwners() {
        let anna = OwnerIdentity(name: "anna", uid: 5001)
        let uids = SubIDFile(parsing: "bob:1:1\n5001:200000:65536\nanna:300000:10")
        let gids = SubIDFile(parsing: "anna:400000:0\nanna:500000:65536")
        #expect(UsernsExecOptions.defaultMaps(uidFile: uids, gidFile: gids, user: anna) == [
            MapSpec(kind: .uid, inside: 0, outside: 200000, count: 65536),
            MapSpec(kind: .gid, inside: 0, outside: 500000, count: 65536),
        ])
        #expect(UsernsExecOptions.defaultMaps(uidFile: uids, gidFile: nil, user: anna) == nil)
    }
}
