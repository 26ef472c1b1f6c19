public import IDModel
import SubID

/// The triples newuidmap and newgidmap take after the target, checked as shadow 4.13 checks them
/// (`get_map_ranges`): numbers as `strtoul` base 0 reads them; a triple whose numbers or sums pass
/// 32 bits is an overflow (CVE-2016-6252); an argument that is not a number is a usage error.
public enum IDMapArguments {
    public enum Failure: Error, Equatable, Sendable {
        /// Print usage, exit 1.
        case usage
        /// `ranges: R argc: N` then `Not enough arguments to form R mappings`, then usage.
        case notEnoughArguments(ranges: Int, argumentCount: Int)
        /// `subuid overflow detected.`, exit 1 without usage.
        case overflow
    }

    public static func parse(_ arguments: ArraySlice<String>) -> Result<[IDMapExtent], Failure> {
        let count = arguments.count
        let ranges = (count + 2) / 3
        if ranges * 3 > count { return .failure(.notEnoughArguments(ranges: ranges, argumentCount: count)) }
        var extents: [IDMapExtent] = []
        extents.reserveCapacity(ranges)
        var index = arguments.startIndex
        for _ in 0..<ranges {
            var values: [UInt64] = []
            for offset in 0..<3 {
                switch number(arguments[index + offset]) {
                case .none: return .failure(.usage)
                case .some(let value): values.append(value)
                }
            }
            let (upper, lower, count) = (values[0], values[1], values[2])
            // Why: each of shadow's checks, so the range verified is the range the kernel gets.
            let limit = UInt64(UInt32.max)
            guard upper <= limit, lower <= limit, count <= limit, lower + count <= limit, upper + count <= limit else {
                return .failure(.overflow)
            }
            extents.append(IDMapExtent(inside: UInt32(upper), outside: UInt32(lower), count: UInt32(count)))
            index += 3
        }
        return .success(extents)
    }

    /// nil: not a number (usage). A negative number reads as strtoul reads it — huge — and so
    /// fails the overflow checks, as in shadow; `-0` is 0.
    static func number(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        switch ShadowNumber.parse(bytes) {
        case .success(let value): return UInt64(value)
        case .failure(.tooLarge): return UInt64.max
        case .failure(.negative):
            let unsigned = bytes.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 }
            switch ShadowNumber.parse(unsigned) {
            case .success(0): return 0
            case .success, .failure(.tooLarge): return UInt64.max
            default: return nil
            }
        case .failure: return nil
        }
    }
}
