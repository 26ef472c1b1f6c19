import IDModel
/// `subid check`: what is wrong or risky in one subordinate id file. Pure: the caller supplies
/// the file, the ids of real users or groups, and how to resolve an owner to a uid.
public struct SubIDFinding: Equatable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case warning
        case error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public enum Problem: Equatable, Sendable {
        case malformed(SubIDFile.LineProblem)
        case extraFields
        case nisLine
        case overlapsOtherOwner(other: SubIDEntry, otherLine: Int)
        case overlapsSameOwner(otherLine: Int)
        case includesInvalidID
        case coversRealIDs(names: [String], total: Int)
        case unknownOwner
        /// nsswitch.conf's `subid:` line cannot be used: every helper refuses every map.
        case sourcesUnusable(String)
        /// The `subid:` line names no `files`: the helpers do not read this file.
        case fileNotASource(modules: String)
    }

    public var path: String
    /// 0 for a finding about the whole file.
    public var line: Int
    public var text: String
    public var problem: Problem

    public init(path: String, line: Int, text: String, problem: Problem) {
        self.path = path
        self.line = line
        self.text = text
        self.problem = problem
    }

    public var severity: Severity {
        switch problem {
        case .extraFields, .nisLine, .overlapsSameOwner, .unknownOwner, .fileNotASource: .warning
        case .malformed, .overlapsOtherOwner, .includesInvalidID, .coversRealIDs, .sourcesUnusable: .error
        }
    }

    public var code: String {
        switch problem {
        case .malformed: "malformed"
        case .extraFields: "extra-fields"
        case .nisLine: "nis-line"
        case .overlapsOtherOwner: "overlap"
        case .overlapsSameOwner: "duplicate"
        case .includesInvalidID: "past-32-bit-limit"
        case .coversRealIDs: "covers-real-ids"
        case .unknownOwner: "unknown-owner"
        case .sourcesUnusable: "nsswitch-unusable"
        case .fileNotASource: "not-a-source"
        }
    }

    public var message: String {
        switch problem {
        case .malformed(let why): "\(why); shadow ignores this line"
        case .extraFields: "fields after owner:start:count; shadow 4.13 ignores them, 4.17+ ignores the whole line"
        case .nisLine: "+/- line; shadow's allocator may hand out ranges that overlap entries after it"
        case .overlapsOtherOwner(let other, let otherLine):
            "overlaps \(other.owner)'s \(other.range) (line \(otherLine)): both users can map the same ids"
        case .overlapsSameOwner(let otherLine): "overlaps the same owner's range on line \(otherLine)"
        case .includesInvalidID: "reaches id 4294967295, which no map can use"
        case .coversRealIDs(let names, let total):
            "covers the id of " + names.joined(separator: ", ") + (total > names.count ? " and \(total - names.count) more" : "")
                + ": the owner can act as them on shared files (CVE-2024-56433)"
        case .unknownOwner: "owner is not a known user"
        case .sourcesUnusable(let why): "\(why); newuidmap and newgidmap refuse every map until it is fixed"
        case .fileNotASource(let modules):
            "not read by the helpers: the subid: line of /etc/nsswitch.conf names \(modules) only (add `files` to it to use this file)"
        }
    }

    public var description: String {
        line == 0 ? "\(severity.rawValue): \(path): \(message)" : "\(severity.rawValue): \(path):\(line): \(message): \(text)"
    }
}

public enum SubIDCheck {
    /// - Parameters:
    ///   - realIDs: ids of real accounts (users for subuid, groups for subgid) with their names.
    ///   - resolveOwner: an owner field to a canonical key (its uid), nil when unknown.
    public static func findings(
        in file: SubIDFile, path: String, realIDs: [(id: UInt32, name: String)],
        resolveOwner: (String) -> UInt32?
    ) -> [SubIDFinding] {
        var findings: [SubIDFinding] = []
        var located: [(line: Int, entry: SubIDEntry, key: String)] = []
        for (index, line) in file.lines.enumerated() {
            let number = index + 1
            func add(_ problem: SubIDFinding.Problem) {
                findings.append(SubIDFinding(path: path, line: number, text: line.text, problem: problem))
            }
            switch line.kind {
            case .comment: continue
            case .nis: add(.nisLine)
            case .malformed(let why): add(.malformed(why))
            case .entry(let entry):
                if line.hasExtraFields { add(.extraFields) }
                if entry.range.includesInvalidID { add(.includesInvalidID) }
                let uid = resolveOwner(entry.owner)
                if uid == nil { add(.unknownOwner) }
                located.append((number, entry, uid.map { "#\($0)" } ?? entry.owner))
            }
        }
        // Overlaps: sweep in start order, keeping the entries still open.
        var active: [(line: Int, entry: SubIDEntry, key: String)] = []
        for item in located.sorted(by: { ($0.entry.range, $0.line) < ($1.entry.range, $1.line) }) where !item.entry.range.isEmpty {
            active.removeAll { $0.entry.range.end <= UInt64(item.entry.range.start) }
            for other in active where other.entry.range.overlaps(item.entry.range) {
                let (first, second) = other.line < item.line ? (other, item) : (item, other)
                let problem: SubIDFinding.Problem = first.key == second.key
                    ? .overlapsSameOwner(otherLine: first.line)
                    : .overlapsOtherOwner(other: first.entry, otherLine: first.line)
                findings.append(SubIDFinding(path: path, line: second.line, text: file.lines[second.line - 1].text, problem: problem))
            }
            active.append(item)
        }
        // Real ids inside subordinate ranges.
        let real = realIDs.sorted { $0.id < $1.id }
        for item in located where !item.entry.range.isEmpty {
            var low = 0, high = real.count
            while low < high {
                let mid = (low + high) / 2
                if real[mid].id < item.entry.range.start { low = mid + 1 } else { high = mid }
            }
            var names: [String] = []
            var total = 0
            var index = low
            while index < real.count && item.entry.range.contains(real[index].id) {
                if names.count < 3 { names.append("\(real[index].name) (\(real[index].id))") }
                total += 1
                index += 1
            }
            if total > 0 {
                findings.append(SubIDFinding(path: path, line: item.line, text: file.lines[item.line - 1].text,
                                             problem: .coversRealIDs(names: names, total: total)))
            }
        }
        return findings.sorted { ($0.line, $0.code) < ($1.line, $1.code) }
    }
}
