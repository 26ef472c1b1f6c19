public import IDModel
/// /etc/subuid or /etc/subgid as a list of lines, each kept as it was read.
///
/// Parsing follows shadow 4.13 (`subordinate_parse`): a line is `owner:start:count`; fields past
/// the third are ignored; lines of 1024 bytes or more, lines with an empty field or a bad number
/// are kept verbatim but play no part; lines starting with `+` or `-` (NIS) are never parsed.
/// Where later shadow fixed a defect the fix is taken (see `ShadowNumber` and README).
/// Serialising an unchanged file gives back the same bytes; a changed file is written as shadow
/// writes it: unchanged lines verbatim, changed and new entries as `owner:start:count`, every
/// line ending in a newline.
public struct SubIDFile: Sendable {
    public enum LineProblem: Equatable, Sendable, CustomStringConvertible {
        case tooLong
        case missingField
        case emptyField
        case badStart(ShadowNumber.Failure)
        case badCount(ShadowNumber.Failure)
        case pastIDSpace

        public var description: String {
            switch self {
            case .tooLong: "line is 1024 bytes or longer"
            case .missingField: "expected owner:start:count"
            case .emptyField: "a field is empty"
            case .badStart(let failure): "start \(failure)"
            case .badCount(let failure): "count \(failure)"
            case .pastIDSpace: "start + count is past 4294967296"
            }
        }
    }

    public enum LineKind: Equatable, Sendable {
        case entry(SubIDEntry)
        /// Blank, or an unparsable line starting with `#`. Shadow has no comment syntax: a line
        /// like `#anna:100000:65536` parses as an entry of owner `#anna` (and so still blocks
        /// that range from allocation); only lines that do not parse are comments.
        case comment
        /// `+` or `-` lines, kept for NIS and never parsed.
        case nis
        case malformed(LineProblem)
    }

    public struct Line: Sendable {
        /// The text as read, without its newline; nil for entries written by us.
        public fileprivate(set) var original: ArraySlice<UInt8>?
        public fileprivate(set) var kind: LineKind
        /// Whether the entry has fields past the third (shadow 4.13 ignores them; 4.17+ refuses).
        public fileprivate(set) var hasExtraFields: Bool = false

        public var entry: SubIDEntry? {
            if case .entry(let entry) = kind { return entry }
            return nil
        }

        public var text: String {
            if let original { return String(decoding: original, as: UTF8.self) }
            return entry?.description ?? ""
        }
    }

    public private(set) var lines: [Line]
    /// The bytes read; returned unchanged by `serialized()` while `isChanged` is false.
    public let originalBytes: [UInt8]
    public private(set) var isChanged = false

    public init() {
        self.init(parsing: [])
    }

    public init(parsing bytes: [UInt8]) {
        originalBytes = bytes
        var lines: [Line] = []
        lines.reserveCapacity(bytes.count / 20)
        var lineStart = 0
        let count = bytes.count
        bytes.withUnsafeBufferPointer { buffer in
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                let slice = bytes[lineStart..<lineEnd]
                lines.append(SubIDFile.parseLine(slice))
                lineStart = lineEnd + 1
            }
        }
        self.lines = lines
    }

    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }

    /// Parses one line (without its newline).
    static func parseLine(_ slice: ArraySlice<UInt8>) -> Line {
        guard let first = slice.first else { return Line(original: slice, kind: .comment) }
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { return Line(original: slice, kind: .nis) }
        var line = parseFields(slice)
        if case .malformed = line.kind,
            first == UInt8(ascii: "#") || slice.allSatisfy(ShadowNumber.isSpace) {
            line.kind = .comment
        }
        return line
    }

    private static func parseFields(_ slice: ArraySlice<UInt8>) -> Line {
        if slice.count >= 1024 { return Line(original: slice, kind: .malformed(.tooLong)) }
        let colon = UInt8(ascii: ":")
        guard let firstColon = slice.firstIndex(of: colon) else {
            return Line(original: slice, kind: .malformed(.missingField))
        }
        guard let secondColon = slice[(firstColon + 1)...].firstIndex(of: colon) else {
            return Line(original: slice, kind: .malformed(.missingField))
        }
        let thirdColon = slice[(secondColon + 1)...].firstIndex(of: colon)
        let owner = slice[slice.startIndex..<firstColon]
        let start = slice[(firstColon + 1)..<secondColon]
        let count = slice[(secondColon + 1)..<(thirdColon ?? slice.endIndex)]
        guard !owner.isEmpty, !start.isEmpty, !count.isEmpty else {
            return Line(original: slice, kind: .malformed(.emptyField))
        }
        let startValue: UInt32
        switch ShadowNumber.parse(start) {
        case .success(let value): startValue = value
        case .failure(let failure): return Line(original: slice, kind: .malformed(.badStart(failure)))
        }
        let countValue: UInt32
        switch ShadowNumber.parse(count) {
        case .success(let value): countValue = value
        case .failure(let failure): return Line(original: slice, kind: .malformed(.badCount(failure)))
        }
        guard let range = IDRange(start: UInt64(startValue), count: UInt64(countValue)) else {
            return Line(original: slice, kind: .malformed(.pastIDSpace))
        }
        let entry = SubIDEntry(owner: String(decoding: owner, as: UTF8.self), range: range)
        return Line(original: slice, kind: .entry(entry), hasExtraFields: thirdColon != nil)
    }

    /// Every parsed entry, in file order (NIS lines included in the count of shadow's bug: they
    /// are skipped here, so entries after them still count).
    public var entries: [SubIDEntry] { lines.compactMap { $0.entry } }

    /// The ranges of one user, in file order.
    public func ranges(of identity: OwnerIdentity) -> [IDRange] {
        var result: [IDRange] = []
        for line in lines {
            if case .entry(let entry) = line.kind, identity.owns(entry.owner) { result.append(entry.range) }
        }
        return result
    }

    // MARK: Changes

    /// Adds an entry at the end. Its owner must survive the round trip through the file
    /// (`SubIDEntry.validateOwner`): every writer comes through here.
    public mutating func append(_ entry: SubIDEntry) throws(SubIDEntry.InvalidOwner) {
        try SubIDEntry.validateOwner(entry.owner, range: entry.range)
        appendUnchecked(entry)
    }

    /// For entries whose owner came from this file (a revoke's cut-off tail).
    mutating func appendUnchecked(_ entry: SubIDEntry) {
        lines.append(Line(original: nil, kind: .entry(entry)))
        isChanged = true
    }

    mutating func replaceEntry(at index: Int, with entry: SubIDEntry) {
        lines[index] = Line(original: nil, kind: .entry(entry))
        isChanged = true
    }

    mutating func removeLines(at indices: [Int]) {
        guard !indices.isEmpty else { return }
        let doomed = Set(indices)
        lines = lines.enumerated().filter { !doomed.contains($0.offset) }.map { $0.element }
        isChanged = true
    }

    // MARK: Serialising

    public func serialized() -> [UInt8] {
        guard isChanged else { return originalBytes }
        var out: [UInt8] = []
        out.reserveCapacity(originalBytes.count + 64)
        for line in lines {
            if let original = line.original {
                out.append(contentsOf: original)
            } else if let entry = line.entry {
                out.append(contentsOf: entry.description.utf8)
            }
            out.append(0x0A)
        }
        return out
    }
}
