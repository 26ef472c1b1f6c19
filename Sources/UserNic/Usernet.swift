import LinuxSys
/// /etc/lxc/lxc-usernet: `USER TYPE LINK COUNT` or `@GROUP TYPE LINK COUNT` lines.
///
/// Read as LXC 5.0 reads it (`sscanf("%99[^ \t] %99[^ \t] %99[^ \t] %d")`): a line that starts
/// with a blank is ignored, as is a line with fewer than four fields; text after the count is
/// ignored, tabs separate fields, there is no comment syntax (a `#` line simply never matches a
/// user), each word is at most 99 bytes (a longer one is split where sscanf splits it).
public struct Usernet: Sendable {
    public struct Rule: Equatable, Sendable {
        /// A user name, or `@group`.
        public var owner: String
        public var type: String
        public var link: String
        public var count: Int32
        /// 1-based, for messages.
        public var lineNumber: Int

        public var isGroup: Bool { owner.utf8.first == UInt8(ascii: "@") }
        public var groupName: String? { isGroup ? String(owner.dropFirst()) : nil }
    }

    public private(set) var rules: [Rule] = []

    public init(parsing bytes: [UInt8]) {
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            lineNumber += 1
            // getline keeps the newline and %[^ \t] would take it into a word: include it.
            let withNewline = lineEnd < bytes.count ? lineEnd + 1 : lineEnd
            if var rule = Usernet.scan(bytes[lineStart..<withNewline]) {
                rule.lineNumber = lineNumber
                rules.append(rule)
            }
            lineStart = lineEnd + 1
        }
    }

    public init(parsing text: String) { self.init(parsing: Array(text.utf8)) }

    /// sscanf's `%99[^ \t]`, its ` ` directive and `%d`, over one line.
    static func scan(_ line: ArraySlice<UInt8>) -> Rule? {
        var index = line.startIndex
        let end = line.endIndex
        func word() -> String? {
            let start = index
            while index < end && index - start < 99 && line[index] != 0x20 && line[index] != 0x09 && line[index] != 0 {
                index += 1
            }
            guard index > start else { return nil }
            return String(decoding: line[start..<index], as: UTF8.self)
        }
        func skipSpace() { while index < end && isCSpace(line[index]) { index += 1 } }
        guard let owner = word() else { return nil }
        skipSpace()
        guard let type = word() else { return nil }
        skipSpace()
        guard let link = word() else { return nil }
        skipSpace()
        // %d: optional sign, decimal digits; glibc converts with strtol and stores an int.
        var negative = false
        if index < end && (line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: "+")) {
            negative = line[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitsStart = index
        var value: Int64 = 0
        var saturated = false
        while index < end, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            let digit = Int64(line[index] - UInt8(ascii: "0"))
            // strtol saturates at LONG_MAX/LONG_MIN; the int store then truncates.
            if saturated || value > (Int64.max - digit) / 10 { saturated = true } else { value = value * 10 + digit }
            index += 1
        }
        guard index > digitsStart else { return nil }
        let signed = saturated ? (negative ? Int64.min : Int64.max) : (negative ? -value : value)
        return Rule(owner: owner, type: type, link: link, count: Int32(truncatingIfNeeded: signed), lineNumber: 0)
    }

    /// What one user may hold of nics of `type` on `link`: the quota lines that apply to them.
    public struct Allowance: Equatable, Sendable {
        /// Per quota owner (the user's name or an `@group`), the largest count among its
        /// matching lines: LXC lets duplicate lines give max(n), not the sum. Members of a group
        /// share the group's quota. Order is the file order of each owner's first line.
        public var quotas: [(owner: String, limit: Int)]

        public static func == (a: Allowance, b: Allowance) -> Bool {
            a.quotas.count == b.quotas.count && zip(a.quotas, b.quotas).allSatisfy { $0.owner == $1.owner && $0.limit == $1.limit }
        }

        /// The total a user could ever hold if nobody else shared their groups.
        public var total: Int { quotas.reduce(0) { $0 + $1.limit } }

        /// The quota owner the next nic should be recorded under, given how many nics each owner
        /// already holds; nil when every quota is used up.
        public func ownerForNextNic(held: (String) -> Int) -> String? {
            quotas.first { held($0.owner) < $0.limit }?.owner
        }
    }

    /// The lines that apply to `user` (with supplementary group names `groups`) for `type` and
    /// `link`. A `@group` line applies only to members; a user in none of the listed groups just
    /// gets no quota from them (LXC 5.0.2 crashes there). Negative counts grant nothing.
    public func allowance(user: String, groups: [String], type: String, link: String) -> Allowance {
        var quotas: [(owner: String, limit: Int)] = []
        for rule in rules where rule.type == type && rule.link == link {
            let applies = rule.groupName.map { groups.contains($0) } ?? (rule.owner == user)
            guard applies else { continue }
            let limit = max(0, Int(rule.count))
            if let at = quotas.firstIndex(where: { $0.owner == rule.owner }) {
                quotas[at].limit = max(quotas[at].limit, limit)
            } else {
                quotas.append((rule.owner, limit))
            }
        }
        return Allowance(quotas: quotas)
    }
}
