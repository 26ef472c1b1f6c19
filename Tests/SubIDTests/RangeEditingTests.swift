import Testing
import IDModel
@testable import SubID

/// usermod -v/-V semantics (shadow-subid.md §3.4, upstream tests 21-36).
@Suite struct RangeEditingTests {
    let foo = OwnerIdentity(name: "foo", uid: 7000)

    func text(_ file: SubIDFile) -> String { String(decoding: file.serialized(), as: UTF8.self) }
    func r(_ first: UInt64, _ last: UInt64) -> IDRange { IDRange(first: first, last: last)! }

    @Test func grantAppendsAndSkipsCoveredRanges() throws {
        var file = SubIDFile(parsing: "foo:100000:10\nfoo:100010:10\n")
        #expect(try file.grant(r(100005, 100019), to: foo) == false)
        #expect(!file.isChanged)
        #expect(try file.grant(r(99990, 100010), to: foo) == true)
        #expect(text(file) == "foo:100000:10\nfoo:100010:10\nfoo:99990:21\n")
    }

    @Test func grantCountsNumericOwnerEntries() throws {
        var file = SubIDFile(parsing: "7000:100000:65536\n")
        #expect(try file.grant(r(100000, 165535), to: foo) == false)
    }

    @Test func grantRefusesAnotherOwnersIds() {
        var file = SubIDFile(parsing: "bar:100000:65536\n")
        #expect(throws: RangeEditError.overlapsOtherOwner(r(165000, 170000), SubIDEntry(owner: "bar", range: r(100000, 165535)), line: 1)) {
            try file.grant(r(165000, 170000), to: foo)
        }
        #expect(!file.isChanged)
    }

    @Test func upstreamReverseOrderExample() throws {
        // usermod -V 100005-100005 -V 100000-100000 -v 1-1 -v 1-2 processes in reverse order.
        var file = SubIDFile(parsing: "foo:100000:10000\n")
        file.revoke(r(100000, 100000), from: foo)
        file.revoke(r(100005, 100005), from: foo)
        try file.grant(r(1, 2), to: foo)
        try file.grant(r(1, 1), to: foo)
        #expect(text(file) == "foo:100001:4\nfoo:100006:9994\nfoo:1:2\n")
    }

    @Test func revokeWholeHeadMiddleTailOutside() {
        func after(_ range: IDRange) -> String {
            var file = SubIDFile(parsing: "# c\nfoo:100000:10000\nbar:100000:10000\n")
            file.revoke(range, from: foo)
            return text(file)
        }
        #expect(after(r(100000, 109999)) == "# c\nbar:100000:10000\n")
        #expect(after(r(90000, 100999)) == "# c\nfoo:101000:9000\nbar:100000:10000\n")
        #expect(after(r(105000, 120000)) == "# c\nfoo:100000:5000\nbar:100000:10000\n")
        #expect(after(r(100100, 100199)) == "# c\nfoo:100000:100\nbar:100000:10000\nfoo:100200:9800\n")
        #expect(after(r(1, 2)) == "# c\nfoo:100000:10000\nbar:100000:10000\n")
    }

    @Test func revokeRemovesDuplicatesAndNumericEntries() {
        var file = SubIDFile(parsing: "foo:100000:10\n# x\nfoo:100000:10\n7000:100000:10\nroot:100000:10\n")
        file.revoke(r(0, 4294967294), from: foo)
        #expect(text(file) == "# x\nroot:100000:10\n")
    }

    @Test func rangeArgumentGrammar() {
        func parse(_ s: String) -> IDRange? { try? RangeArgument.parse(s) }
        #expect(parse("100000-165535") == r(100000, 165535))
        #expect(parse(" 5-10") == r(5, 10))
        #expect(parse("+5-+10") == r(5, 10))
        #expect(parse("5- 10") == r(5, 10))
        #expect(parse("010-020") == r(10, 20))
        #expect(parse("0-0") == r(0, 0))
        for bad in ["-5-10", "-10--5", "5-", "-", "10-5", "4294967296-4294967300", "5 -10", "0x10-0x20", "5-10x", "",
                    "110000", "100000a-110000", "9223372036854775808-110000", "100000--110000", "4294967295-4294967295",
                    "0-4294967295"] {
            #expect(parse(bad) == nil, "\(bad) should be refused")
        }
    }

    /// Random grants and revokes by several users never make two owners overlap, and a revoke
    /// always leaves the user without any id of the revoked range.
    @Test func propertyNoOverlapsBetweenOwners() {
        var rng = SplitMix64(seed: 2026)
        let users = (0..<4).map { OwnerIdentity(name: "u\($0)", uid: 5000 + UInt32($0)) }
        for _ in 0..<200 {
            var file = SubIDFile(parsing: "# start\n")
            for _ in 0..<40 {
                let user = users[Int(rng.next() % 4)]
                let first = rng.next() % 2000
                let range = r(first, first + rng.next() % 300)
                if rng.next() % 3 == 0 {
                    file.revoke(range, from: user)
                    #expect(!file.ranges(of: user).contains { $0.overlaps(range) })
                } else {
                    _ = try? file.grant(range, to: user)
                }
                let entries = file.entries
                for a in entries.indices {
                    for b in entries.indices where b > a && entries[a].owner != entries[b].owner {
                        #expect(!entries[a].range.overlaps(entries[b].range))
                    }
                }
            }
            let reparsed = SubIDFile(parsing: file.serialized())
            #expect(reparsed.entries == file.entries)
        }
    }
}
