import Testing
import IDModel
@testable import SubID

/// Every row of shadow-subid.md §1.1's behaviour table, with the deliberate deviations from 4.13.
@Suite struct ShadowGrammarTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let line: String
        let expected: SubIDEntry?
        let note: String
        var testDescription: String { "\(line) (\(note))" }
    }

    static func entry(_ owner: String, _ start: UInt64, _ count: UInt64) -> SubIDEntry {
        SubIDEntry(owner: owner, range: IDRange(start: start, count: count)!)
    }

    static let cases: [Case] = [
        Case(line: "foo:100000:65536", expected: entry("foo", 100000, 65536), note: "plain"),
        Case(line: "foo: 400000:40", expected: entry("foo", 400000, 40), note: "blank before number, as strtoul"),
        Case(line: "foo:0x1000:50", expected: entry("foo", 4096, 50), note: "hex"),
        Case(line: "foo:010:60", expected: entry("foo", 8, 60), note: "octal"),
        Case(line: "foo:+500000:70", expected: entry("foo", 500000, 70), note: "plus sign"),
        Case(line: "foo:-1:80", expected: nil, note: "4.13 wraps to ULONG_MAX; refused like 4.17+"),
        Case(line: "foo:600000:-1", expected: nil, note: "negative count refused"),
        Case(line: "foo:5000000000:10", expected: nil, note: "past 32 bits refused"),
        Case(line: "foo:4294967295:2", expected: nil, note: "start+count past 2^32 refused"),
        Case(line: "foo:4294967295:1", expected: entry("foo", 4294967295, 1), note: "ends exactly at 2^32"),
        Case(line: "foo:1000000:0", expected: entry("foo", 1000000, 0), note: "count 0 parses"),
        Case(line: "foo:900000:100 ", expected: nil, note: "trailing blank"),
        Case(line: "foo:900000:100\r", expected: nil, note: "CRLF"),
        Case(line: " foo:300000:30", expected: entry(" foo", 300000, 30), note: "blank is part of the owner"),
        Case(line: "foo:800000", expected: nil, note: "two fields"),
        Case(line: "foo::100", expected: nil, note: "empty start"),
        Case(line: ":1:2", expected: nil, note: "empty owner"),
        Case(line: "foo:1:", expected: nil, note: "empty count"),
        Case(line: "foo:700000:90:extra", expected: entry("foo", 700000, 90), note: "4.13 ignores fields past the third"),
        Case(line: "foo:0x:5", expected: nil, note: "0x without digits"),
        Case(line: "foo:08:5", expected: nil, note: "8 is not octal"),
        Case(line: "foo:100000a:5", expected: nil, note: "trailing junk"),
        Case(line: "foo: :5", expected: nil, note: "blank only"),
        Case(line: "#foo:100000:10", expected: entry("#foo", 100000, 10), note: "no comment syntax: owner #foo"),
        Case(line: "07000:100:5", expected: entry("07000", 100, 5), note: "zero-padded owner kept as text"),
    ]

    @Test(arguments: cases)
    func line(_ c: Case) {
        let file = SubIDFile(parsing: c.line + "\n")
        #expect(file.entries.first == c.expected)
        #expect(file.lines.count == 1)
    }

    @Test func tooLongLineIsKeptButUnparsed() {
        let owner = String(repeating: "a", count: 1014)
        let file = SubIDFile(parsing: "\(owner):100000:10\n")
        #expect(file.entries.isEmpty)
        #expect(file.lines.first?.kind == .malformed(.tooLong))
        let fits = String(repeating: "a", count: 1013)
        #expect(SubIDFile(parsing: "\(fits):100000:10\n").entries.count == 1)
    }

    @Test func nisLinesAreNeverParsed() {
        let file = SubIDFile(parsing: "+foo:100:10\n-bar:200:10\nbaz:300:10\n")
        #expect(file.lines.map(\.kind) == [.nis, .nis, .entry(Self.entry("baz", 300, 10))])
    }

    @Test func commentsAndBlankLinesAreComments() {
        let file = SubIDFile(parsing: "# a comment\n\n   \nfoo:1:2\n")
        #expect(file.lines.map(\.kind) == [.comment, .comment, .comment, .entry(Self.entry("foo", 1, 2))])
    }

    @Test func extraFieldsAreRecorded() {
        let file = SubIDFile(parsing: "foo:1:2:3\nfoo:1:2\n")
        #expect(file.lines.map(\.hasExtraFields) == [true, false])
    }

    @Test func lastLineWithoutNewlineIsRead() {
        let file = SubIDFile(parsing: "a:1:2\nb:3:4")
        #expect(file.entries.map(\.owner) == ["a", "b"])
        #expect(file.serialized() == Array("a:1:2\nb:3:4".utf8))
    }

    @Test func numberGrammar() {
        func parse(_ s: String) -> Result<UInt32, ShadowNumber.Failure> { ShadowNumber.parse(Array(s.utf8)) }
        #expect(parse("0") == .success(0))
        #expect(parse("4294967295") == .success(4294967295))
        #expect(parse("4294967296") == .failure(.tooLarge))
        #expect(parse("0xFFFFFFFF") == .success(4294967295))
        #expect(parse("0x100000000") == .failure(.tooLarge))
        #expect(parse("99999999999999999999999") == .failure(.tooLarge))
        #expect(parse("") == .failure(.empty))
        #expect(parse("-0") == .failure(.negative))
        #expect(parse("\t\n 12") == .success(12))
        #expect(parse("1 2") == .failure(.notANumber))
        #expect(parse("+") == .failure(.notANumber))
        #expect(parse("0X1f") == .success(31))
        #expect(parse("017") == .success(15))
    }
}
