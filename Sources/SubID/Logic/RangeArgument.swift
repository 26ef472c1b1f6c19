public import IDModel
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
        guard let (first, dash) = ShadowNumber.decimalPrefix(bytes[...], allowMinus: false),
            dash < bytes.count, bytes[dash] == UInt8(ascii: "-"),
            let (last, end) = ShadowNumber.decimalPrefix(bytes[(dash + 1)...], allowMinus: false), end == bytes.count,
            let range = IDRange(first: UInt64(first), last: UInt64(last))
        else { throw .invalid(text) }
        guard !range.includesInvalidID else { throw .reachesInvalidID(text) }
        return range
    }
}
