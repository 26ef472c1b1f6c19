import Testing
import IDModel
@testable import SubID

/// Cases from shadow's tests/subids (05-07, 63-66) and shadow-subid.md §3.1, with the
/// upstream expectations (COUNT 10000 unless said).
@Suite struct AllocationTests {
    static let policy = AllocationPolicy(min: 100000, max: 600100000, count: 10000)

    func allocate(_ text: String, _ policy: AllocationPolicy = policy) throws(AllocationError) -> IDRange {
        try Allocator.firstFit(among: SubIDFile(parsing: text).entries.map(\.range), policy: policy, kind: .uid)
    }

    @Test func emptyFileGivesMin() throws {
        #expect(try allocate("") == IDRange(start: 100000, count: 10000))
    }

    @Test func afterAnExistingRange() throws {
        #expect(try allocate("root:110000:10000\n") == IDRange(start: 100000, count: 10000))
        #expect(try allocate("root:100000:10000\n") == IDRange(start: 110000, count: 10000))
    }

    @Test func firstHoleLargeEnough() throws {
        let text = "a:100000:10000\nb:115000:10000\nc:130000:70000\n"
        #expect(try allocate(text) == IDRange(start: 200000, count: 10000))
    }

    @Test func endsExactlyAtMax() throws {
        #expect(try allocate("root:100000:599990001\n") == IDRange(start: 600090001, count: 10000))
        #expect(throws: AllocationError.exhausted(.uid, Self.policy)) { try allocate("root:100000:599990002\n") }
    }

    @Test func entriesAboveMaxDoNotBlock() throws {
        #expect(try allocate("root:100000:599990001\nroot:600100001:10000\n") == IDRange(start: 600090001, count: 10000))
    }

    @Test func entryBelowMin() throws {
        #expect(try allocate("root:90000:5000\n") == IDRange(start: 100000, count: 10000))
    }

    @Test func upstreamTest66SortAndDuplicates() throws {
        let text = "root:100000:5000\n# x\nroot:90000:5000\nroot:100000:5000\n"
        #expect(try allocate(text) == IDRange(start: 105000, count: 10000))
    }

    @Test func unsortedFileIsSortedFirst() throws {
        #expect(try allocate("b:300000:10\na:100000:10000\n") == IDRange(start: 110000, count: 10000))
    }

    @Test func nisLineDoesNotHideLaterEntries() throws {
        // shadow (4.13 and master) hands out 100000 here, overlapping b.
        let text = "c:300000:10\n+nis\nb:100000:10000\n"
        #expect(try allocate(text) == IDRange(start: 110000, count: 10000))
    }

    @Test func countZeroEntriesAreNoBarrier() throws {
        let policy = AllocationPolicy(min: 100000, max: 600100000, count: 150000)
        #expect(try allocate("z:200000:0\n", policy) == IDRange(start: 100000, count: 150000))
    }

    @Test func minEqualsMaxWithCountOne() throws {
        #expect(try allocate("", AllocationPolicy(min: 100000, max: 100000, count: 1)) == IDRange(start: 100000, count: 1))
    }

    @Test(arguments: [
        AllocationPolicy(min: 200, max: 100, count: 1),
        AllocationPolicy(min: 100000, max: 100000, count: 100000),
        AllocationPolicy(min: 100000, max: 100001, count: 3),
        AllocationPolicy(min: 100000, max: 100000, count: 2),
    ])
    func invalidConfigurations(_ policy: AllocationPolicy) {
        #expect(throws: AllocationError.invalidConfiguration(.uid, policy)) { try allocate("", policy) }
    }

    @Test func countZeroIsDisabled() {
        let policy = AllocationPolicy(min: 1, max: 10, count: 0)
        #expect(throws: AllocationError.disabled(.uid)) { try allocate("", policy) }
    }

    @Test func maxAtTopOfIdSpaceDoesNotWrap() throws {
        let policy = AllocationPolicy(min: 4294967000, max: 4294967295, count: 100)
        #expect(try allocate("a:4294967000:100\n", policy) == IDRange(start: 4294967100, count: 100))
        #expect(throws: AllocationError.exhausted(.uid, policy)) { try allocate("a:4294967000:250\n", policy) }
    }

    @Test func propertyNeverOverlapsAndStaysInBounds() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int(rng.next() % 12) {
                let start = 100000 + rng.next() % 400000
                text += "u\(rng.next() % 5):\(start):\(rng.next() % 60000)\n"
                if rng.next() % 7 == 0 { text += "+nis\n" }
            }
            let policy = AllocationPolicy(min: 100000, max: 600000, count: UInt32(1 + rng.next() % 70000))
            let existing = SubIDFile(parsing: text).entries.map(\.range)
            // Oracle, declared rather than walked: first fit starts at min or right after some
            // range; of those starts, the lowest whose `count` ids fit in [min, max] and meet no
            // range is the answer; none means exhaustion.
            let maxEnd = UInt64(policy.max) + 1
            let starts = ([UInt64(policy.min)] + existing.filter { !$0.isEmpty }.map { $0.end }).filter { $0 >= UInt64(policy.min) }.sorted()
            let expected = starts.first { s in
                s + UInt64(policy.count) <= maxEnd && s + UInt64(policy.count) <= UInt64(IDRange.invalidID)
                    && !existing.contains { !$0.isEmpty && UInt64($0.start) < s + UInt64(policy.count) && s < $0.end }
            }
            do {
                let range = try Allocator.firstFit(among: existing, policy: policy, kind: .uid)
                #expect(UInt64(range.start) == expected, "\(text)")
                #expect(!existing.contains { $0.overlaps(range) })
                #expect(range.count == policy.count)
            } catch {
                #expect(expected == nil, "allocation failed although \(expected ?? 0) is free: \(text)")
            }
        }
    }
}

/// Issue 20, finding 4: a new range never holds an id the name service uses.
@Suite struct AllocationInUseTests {
    static let policy = AllocationPolicy(min: 100000, max: 600100000, count: 65536)

    @Test func enumeratedIDsAreSteppedOver() throws {
        let inUse = IDsInUse(known: [100500], isInUse: { _ in false })
        let range = try Allocator.firstFit(among: [], policy: Self.policy, kind: .uid, avoiding: inUse)
        #expect(range == IDRange(start: 100501, count: 65536))
        #expect(!range.contains(100500))
    }

    @Test func pointLookUpsCatchWhatEnumerationMisses() throws {
        // A directory that does not enumerate: only getpwuid knows uid 165535 (the first
        // candidate's last id) and 165536.
        let inUse = IDsInUse(known: [], isInUse: { $0 == 165535 || $0 == 165536 })
        let range = try Allocator.firstFit(among: [], policy: Self.policy, kind: .uid, avoiding: inUse)
        #expect(!range.contains(165535) && !range.contains(165536))
        #expect(range.start == 165537)
    }

    @Test func aNameServiceThatSaysEverythingIsTakenEndsInExhaustion() {
        let inUse = IDsInUse(known: [], isInUse: { _ in true })
        #expect(throws: AllocationError.exhausted(.uid, Self.policy)) {
            try Allocator.firstFit(among: [], policy: Self.policy, kind: .uid, avoiding: inUse)
        }
    }

    @Test func nothingInUseIsPlainFirstFit() throws {
        let existing = [IDRange(start: 100000, count: 65536)!]
        #expect(try Allocator.firstFit(among: existing, policy: Self.policy, kind: .uid, avoiding: .none)
            == Allocator.firstFit(among: existing, policy: Self.policy, kind: .uid))
    }
}

/// Issue 20, finding 3: owner names that would not read back as themselves are never written.
@Suite struct OwnerNameTests {
    @Test(arguments: ["1001:0:4294967295", "", "a\nb", "tab\there", "+nis", "-nis", "#comment", "del\u{7f}",
                      String(repeating: "x", count: 1020)])
    func refusedByEveryWriter(_ name: String) {
        var file = SubIDFile(parsing: "anna:100000:65536\n")
        let range = IDRange(start: 300000, count: 10)!
        #expect(throws: SubIDEntry.InvalidOwner.self) { try file.append(SubIDEntry(owner: name, range: range)) }
        #expect(throws: RangeEditError.self) { try file.grant(range, to: OwnerIdentity(name: name, uid: nil)) }
        #expect(!file.isChanged)
        #expect(file.serialized() == Array("anna:100000:65536\n".utf8))
    }

    @Test(arguments: ["anna", "1001", "user@EXAMPLE.COM", "dom\\user", "jörg", "a-b", "a+b", "a#b"])
    func ordinaryNamesAreWritten(_ name: String) throws {
        var file = SubIDFile()
        try file.append(SubIDEntry(owner: name, range: IDRange(start: 300000, count: 10)!))
        let back = SubIDFile(parsing: file.serialized()).entries
        #expect(back == [SubIDEntry(owner: name, range: IDRange(start: 300000, count: 10)!)])
    }

    @Test func messagesShowControlCharactersEscaped() {
        let error = SubIDEntry.InvalidOwner.controlCharacter("a\nb")
        #expect(error.description.contains("a\\x0ab"))
        #expect(!error.description.contains("\n"))
    }
}
