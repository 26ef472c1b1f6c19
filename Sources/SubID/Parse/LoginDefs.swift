/// /etc/login.defs, read as shadow 4.13 reads it: one `NAME VALUE` per line, blanks and `#`
/// lines skipped, the value may be wrapped in double quotes, the last definition of a name wins.
public struct LoginDefs: Sendable {
    public private(set) var values: [String: String] = [:]

    public init() {}

    public init(parsing bytes: [UInt8]) {
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            parseLine(bytes[lineStart..<lineEnd])
            lineStart = lineEnd + 1
        }
    }

    public init(parsing text: String) { self.init(parsing: Array(text.utf8)) }

    private mutating func parseLine(_ raw: ArraySlice<UInt8>) {
        var line = raw
        while let last = line.last, ShadowNumber.isSpace(last) { line.removeLast() }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        while let first = line.first, isBlank(first) { line.removeFirst() }
        guard let first = line.first, first != UInt8(ascii: "#") else { return }
        guard let nameEnd = line.firstIndex(where: isBlank) else { return }
        let name = line[line.startIndex..<nameEnd]
        var value = line[nameEnd...]
        while let c = value.first, isBlank(c) || c == UInt8(ascii: "\"") { value.removeFirst() }
        if let quote = value.firstIndex(of: UInt8(ascii: "\"")) { value = value[value.startIndex..<quote] }
        values[String(decoding: name, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
    }

    public subscript(name: String) -> String? { values[name] }

    /// A number as shadow's getdef_ulong reads it; a value that does not parse gives the default
    /// (shadow prints "configuration error" and does the same).
    public func number(_ name: String, default fallback: UInt32) -> UInt32 {
        guard let text = values[name] else { return fallback }
        guard case .success(let value) = ShadowNumber.parse(Array(text.utf8)) else { return fallback }
        return value
    }

    public func flag(_ name: String) -> Bool {
        values[name].map { $0.lowercased() == "yes" } ?? false
    }

    /// SUB_UID_MIN/MAX/COUNT or SUB_GID_MIN/MAX/COUNT with shadow's defaults.
    public func allocationPolicy(for kind: IDKind) -> AllocationPolicy {
        let prefix = kind.loginDefsPrefix
        return AllocationPolicy(
            min: number("\(prefix)_MIN", default: 100_000),
            max: number("\(prefix)_MAX", default: 600_100_000),
            count: number("\(prefix)_COUNT", default: 65_536))
    }
}
