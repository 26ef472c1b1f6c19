import Testing
import IDModel
@testable import SubID

@Suite struct RoundTripTests {
    static let samples: [String] = [
        "",
        "\n\n",
        "root:100000:65536\n",
        "# header\nanna:2000000:1000000\n\n+nis\n-bad\nfoo: 0x10:010:extra\r\nbar\n",
        "no-newline:1:2",
        "weird bytes \u{00e9}:1:2\n\t\n",
    ]

    @Test(arguments: samples)
    func unchangedFileRoundTripsByteForByte(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(SubIDFile(parsing: bytes).serialized() == bytes)
    }

    @Test func randomBytesRoundTrip() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("ab0123456789:x+-# \t\r\n".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        for _ in 0..<2000 {
            let length = Int(rng.next() % 200)
            let bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let file = SubIDFile(parsing: bytes)
            #expect(file.serialized() == bytes)
            #expect(!file.isChanged)
        }
    }

    @Test func changedFileKeepsOtherLinesVerbatimAndEndsEveryLine() {
        var file = SubIDFile(parsing: "# keep me\nfoo: 100000:10\nbar:5:5")
        file.appendUnchecked(SubIDEntry(owner: "baz", range: IDRange(start: 7, count: 3)!))
        #expect(String(decoding: file.serialized(), as: UTF8.self) == "# keep me\nfoo: 100000:10\nbar:5:5\nbaz:7:3\n")
    }
}

/// A small deterministic generator so property tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
