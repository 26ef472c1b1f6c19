public import IDModel
/// /etc/login.defs, read as shadow 4.13 reads it: one `NAME VALUE` per line, blanks and `#`
/// lines skipped, the value may be wrapped in double quotes, the last definition of a name wins.
public struct LoginDefs: Sendable {
    /// The file as read; look-ups scan it (a handful of look-ups per run is cheaper than building
    /// a dictionary, which matters in the setuid helpers' start-up).
    private let bytes: [UInt8]

    public init() { bytes = [] }

    public init(parsing bytes: [UInt8]) { self.bytes = bytes }

    public init(parsing text: String) { self.init(parsing: Array(text.utf8)) }

    /// The value of the last `name` line, as shadow's def_load reads it. Plain index arithmetic:
    /// this runs in the setuid helpers' start-up, where every generic instantiation costs.
    private func value(of name: String) -> String? {
        let wanted = Array(name.utf8)
        return bytes.withUnsafeBufferPointer { bytes -> String? in
            var found: Range<Int>?
            let count = bytes.count
            var lineStart = 0
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                var start = lineStart, end = lineEnd
                while end > start && ShadowNumber.isSpace(bytes[end - 1]) { end -= 1 }
                while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
                var nameEnd = start
                while nameEnd < end && bytes[nameEnd] != 0x20 && bytes[nameEnd] != 0x09 { nameEnd += 1 }
                if start < end && bytes[start] != UInt8(ascii: "#") && nameEnd < end && nameEnd - start == wanted.count
                    && UnsafeBufferPointer(rebasing: bytes[start..<nameEnd]).elementsEqual(wanted) {
                    var valueStart = nameEnd
                    while valueStart < end && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 || bytes[valueStart] == 0x22) {
                        valueStart += 1
                    }
                    var valueEnd = valueStart
                    while valueEnd < end && bytes[valueEnd] != 0x22 { valueEnd += 1 }
                    found = valueStart..<valueEnd
                }
                lineStart = lineEnd + 1
            }
            return found.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    public subscript(name: String) -> String? { value(of: name) }

    /// A number as shadow's getdef_ulong reads it; a value that does not parse gives the default
    /// (shadow prints "configuration error" and does the same).
    public func number(_ name: String, default fallback: UInt32) -> UInt32 {
        guard let text = value(of: name) else { return fallback }
        guard case .success(let value) = ShadowNumber.parse(Array(text.utf8)) else { return fallback }
        return value
    }

    public func flag(_ name: String) -> Bool {
        guard let value = value(of: name) else { return false }
        // strcasecmp(value, "yes"), without Unicode case mapping.
        let bytes = Array(value.utf8)
        return bytes.count == 3 && bytes[0] | 0x20 == 0x79 && bytes[1] | 0x20 == 0x65 && bytes[2] | 0x20 == 0x73
    }

    /// SUB_UID_MIN/MAX/COUNT or SUB_GID_MIN/MAX/COUNT with shadow's defaults, and shadow 4.20's
    /// SUB_*_DETERMINISTIC (with UNSAFE_SUB_*_DETERMINISTIC_WRAP and UID_MIN, which the formula
    /// uses for gids too) and SUB_*_STORE_BY_UID. The deterministic defaults are the documented
    /// ones (login.defs(5)): shadow 4.20's code uses 65536 and 4294967295 for MIN and MAX there.
    public func allocationPolicy(for kind: IDKind) -> AllocationPolicy {
        let prefix = kind.loginDefsPrefix
        return AllocationPolicy(
            min: number("\(prefix)_MIN", default: 100_000),
            max: number("\(prefix)_MAX", default: 600_100_000),
            count: number("\(prefix)_COUNT", default: 65_536),
            placement: flag("\(prefix)_DETERMINISTIC")
                ? .deterministic(uidMin: number("UID_MIN", default: 1000), wrap: flag("UNSAFE_\(prefix)_DETERMINISTIC_WRAP"))
                : .firstFit,
            storeByUID: flag("\(prefix)_STORE_BY_UID"))
    }
}
