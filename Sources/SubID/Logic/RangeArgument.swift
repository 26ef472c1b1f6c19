/// `FIRST-LAST` as usermod -v/-V/-w/-W take it (inclusive, decimal: leading blanks and `+` are
/// accepted, hex is not, `010` is ten), with shadow 4.17+'s bounds instead of 4.13's silent
/// truncation, and no range that reaches id 4294967295, which no map can use.
public enum RangeArgument {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case invalid(String)
        case reachesInvalidID(String)

        public var description: String {
            switch self {
            case .invalid(let text): "invalid range '\(text)': expected FIRST-LAST, decimal, FIRST <= LAST <= 4294967294"
            case .reachesInvalidID(let text): "invalid range '\(text)': id 4294967295 cannot be mapped"
            }
        }
    }

    public static func parse(_ text: String) throws(Failure) -> IDRange {
        let bytes = Array(text.utf8)
        var index = 0
        func number() -> UInt64? {
            while index < bytes.count && ShadowNumber.isSpace(bytes[index]) { index += 1 }
            if index < bytes.count && bytes[index] == UInt8(ascii: "+") { index += 1 }
            let start = index
            var value: UInt64 = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + UInt64(bytes[index] - 0x30)
                if value > UInt64(UInt32.max) { return nil }
                index += 1
            }
            return index > start ? value : nil
        }
        guard let first = number(), index < bytes.count, bytes[index] == UInt8(ascii: "-") else { throw .invalid(text) }
        index += 1
        guard let last = number(), index == bytes.count, let range = IDRange(first: first, last: last) else {
            throw .invalid(text)
        }
        guard !range.includesInvalidID else { throw .reachesInvalidID(text) }
        return range
    }
}
