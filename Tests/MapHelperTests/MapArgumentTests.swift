import Testing
@testable import MapHelper
import IDModel
@testable import SubID

/// newuidmap/newgidmap argument shapes and map policy (shadow-subid.md §2).
@Suite struct MapArgumentTests {
    func parse(_ words: String) -> Result<[IDMapExtent], IDMapArguments.Failure> {
        IDMapArguments.parse(ArraySlice(words.split(separator: " ", omittingEmptySubsequences: false).map(String.init)))
    }

    @Test func targets() {
        #expect(MapTarget.parse("123") == .pid(123))
        #expect(MapTarget.parse(" +123") == .pid(123))
        #expect(MapTarget.parse("2147483647") == .pid(2147483647))
        #expect(MapTarget.parse("fd:3") == .descriptor(3))
        for bad in ["0", "-1", "2147483648", "", "12a", "fd:", "fd:x", "fd:-1", "0x10", "fd:2147483648"] {
            #expect(MapTarget.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func triples() {
        #expect(parse("0 100000 65536") == .success([IDMapExtent(inside: 0, outside: 100000, count: 65536)]))
        #expect(parse("0 1000 1 1 100000 0x10") == .success([
            IDMapExtent(inside: 0, outside: 1000, count: 1), IDMapExtent(inside: 1, outside: 100000, count: 16),
        ]))
        #expect(IDMapArguments.parse([" 0", "+100000", "010"]) == .success([IDMapExtent(inside: 0, outside: 100000, count: 8)]))
        #expect(IDMapArguments.parse([]) == .success([]))
    }

    @Test func overflowAsShadow() {
        #expect(parse("4294967295 100000 1") == .failure(.overflow))
        #expect(parse("4294967294 100000 1") == .success([IDMapExtent(inside: 4294967294, outside: 100000, count: 1)]))
        #expect(parse("4294967294 100000 2") == .failure(.overflow))
        #expect(parse("0 4294967295 1") == .failure(.overflow))
        #expect(parse("0 100000 -1") == .failure(.overflow))
        #expect(parse("-0 100000 1") == .success([IDMapExtent(inside: 0, outside: 100000, count: 1)]))
        #expect(parse("0 99999999999999999999 1") == .failure(.overflow))
        // The first triple's overflow is reported before the second's junk.
        #expect(parse("0 4294967295 1 x y z") == .failure(.overflow))
    }

    @Test func shapeErrors() {
        #expect(parse("0 100000") == .failure(.notEnoughArguments(ranges: 1, argumentCount: 2)))
        #expect(parse("0 100000 1 5") == .failure(.notEnoughArguments(ranges: 2, argumentCount: 4)))
        #expect(parse("0 abc 1") == .failure(.usage))
        #expect(parse("0 100000 1x") == .failure(.usage))
    }

    let anna = OwnerIdentity(name: "anna", uid: 1000)

    func verify(_ extents: [IDMapExtent], _ file: String, ownID: UInt32 = 1000, kind: IDKind = .uid)
        -> Result<IDMapPolicy.Verdict, IDMapPolicy.Denial>
    {
        IDMapPolicy(kind: kind, caller: anna, ownID: ownID).verify(extents, against: SubIDFile(parsing: file))
    }

    @Test func authorisation() {
        let e = { (i: UInt32, o: UInt32, c: UInt32) in IDMapExtent(inside: i, outside: o, count: c) }
        #expect(verify([e(0, 100000, 65536)], "anna:100000:65536\n") == .success(.init(authorisedBySubordinateFile: true)))
        #expect(verify([e(0, 100000, 65536)], "1000:100000:65536\n") == .success(.init(authorisedBySubordinateFile: true)))
        #expect(verify([e(0, 100000, 20)], "anna:100000:10\nanna:100010:10\n") == .success(.init(authorisedBySubordinateFile: true)))
        #expect(verify([e(0, 1000, 1)], "") == .success(.init(authorisedBySubordinateFile: false)))
        #expect(verify([e(0, 1000, 2)], "") == .failure(.notAllowed(e(0, 1000, 2))))
        #expect(verify([e(0, 100000, 65537)], "anna:100000:65536\n") == .failure(.notAllowed(e(0, 100000, 65537))))
        #expect(verify([e(0, 100000, 0)], "anna:100000:65536\n") == .failure(.notAllowed(e(0, 100000, 0))))
        #expect(verify([e(0, 200000, 10)], "bob:200000:10\n") == .failure(.notAllowed(e(0, 200000, 10))))
        // A count-0 entry authorises nothing (shadow 4.13's `foo:0:0` wrapped to cover everything).
        #expect(verify([e(0, 5, 10)], "anna:0:0\n") == .failure(.notAllowed(e(0, 5, 10))))
        // Another name with the same uid counts only through the alias look-up.
        let aliasPolicy = IDMapPolicy(kind: .uid, caller: anna, ownID: 1000)
        #expect(aliasPolicy.verify([e(0, 300000, 5)], against: SubIDFile(parsing: "anna2:300000:5\n"), aliasOwns: { $0 == "anna2" })
                == .success(.init(authorisedBySubordinateFile: true)))
    }

    @Test func shape() {
        let e = { (i: UInt32, o: UInt32, c: UInt32) in IDMapExtent(inside: i, outside: o, count: c) }
        let file = "anna:100000:65536\n"
        #expect(verify([e(0, 100000, 10), e(5, 100020, 10)], file) == .failure(.overlapping(e(0, 100000, 10), e(5, 100020, 10))))
        #expect(verify([e(0, 100000, 10), e(100, 100005, 10)], file) == .failure(.overlapping(e(0, 100000, 10), e(100, 100005, 10))))
        let many = (0..<341).map { e(UInt32($0), 100000 + UInt32($0), 1) }
        #expect(verify(many, file) == .failure(.tooManyExtents(341)))
        let most = (0..<340).map { e(UInt32($0), 100000 + UInt32($0), 1) }
        #expect(verify(most, file) == .failure(.mapTooLong(IDMapExtent.mapText(most).utf8.count)))
        let fits = (0..<300).map { e(UInt32($0), 100000 + UInt32($0), 1) }
        #expect(verify(fits, file) == .success(.init(authorisedBySubordinateFile: true)))
        #expect(IDMapExtent.mapText([e(0, 1000, 1), e(1, 100000, 65536)]) == "0 1000 1\n1 100000 65536\n")
    }
}
