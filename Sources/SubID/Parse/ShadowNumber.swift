import LinuxSys
import IDModel
/// Numbers in /etc/subuid, /etc/subgid and login.defs, read as shadow reads them: `strtoul`
/// with base 0 (leading blanks, an optional `+`, `0x` hex and `0` octal accepted; nothing may
/// follow the digits). Unlike shadow 4.13 (which wraps `-1` to ULONG_MAX and has no bound),
/// a `-` sign and values past 32 bits are refused, as shadow 4.17+ does.
public enum ShadowNumber {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case notANumber
        case negative
        case tooLarge

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .notANumber: "is not a number"
            case .negative: "is negative"
            case .tooLarge: "does not fit in 32 bits"
            }
        }
    }

    /// C's isspace in the "C" locale.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { isCSpace(byte) }  // shadow's name for C's isspace

    public static func parse<C: Collection<UInt8>>(_ bytes: C) -> Result<UInt32, Failure> where C.Index == Int {
        var index = bytes.startIndex
        let end = bytes.endIndex
        guard index < end else { return .failure(.empty) }
        while index < end && isSpace(bytes[index]) { index += 1 }
        var negative = false
        if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var base: UInt64 = 10
        if index < end && bytes[index] == UInt8(ascii: "0") {
            // "0x" only counts as a prefix when a hex digit follows; else "0" is the number.
            if index + 1 < end && (bytes[index + 1] | 0x20) == UInt8(ascii: "x")
                && index + 2 < end && digitValue(bytes[index + 2], base: 16) != nil {
                base = 16
                index += 2
            } else {
                base = 8
            }
        }
        let digitsStart = index
        var value: UInt64 = 0
        var overflow = false
        while index < end, let digit = digitValue(bytes[index], base: base) {
            if !overflow {
                value = value * base + UInt64(digit)
                if value > UInt64(UInt32.max) { overflow = true }
            }
            index += 1
        }
        guard index > digitsStart else { return .failure(.notANumber) }
        guard index == end else { return .failure(.notANumber) }
        // Why: shadow 4.13 turns "-1" into ULONG_MAX (an owner of every id); 4.17+ refuses it.
        if negative { return .failure(.negative) }
        if overflow { return .failure(.tooLarge) }
        return .success(UInt32(value))
    }

    /// Decimal as strtol/strtoul base 10 reads a prefix: blanks, an optional sign (`-` only when
    /// `allowMinus`), digits. nil when there are no digits or the value passes 32 bits; otherwise
    /// the value and the index just after the digits.
    public static func decimalPrefix(_ bytes: ArraySlice<UInt8>, allowMinus: Bool) -> (value: Int64, end: Int)? {
        var index = bytes.startIndex
        while index < bytes.endIndex && isSpace(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.endIndex
            && (bytes[index] == UInt8(ascii: "+") || (allowMinus && bytes[index] == UInt8(ascii: "-"))) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let digits = index
        var value: Int64 = 0
        while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int64(bytes[index] - 0x30)
            if value > Int64(UInt32.max) { return nil }
            index += 1
        }
        guard index > digits else { return nil }
        return (negative ? -value : value, index)
    }

    @inline(__always)
    static func digitValue(_ byte: UInt8, base: UInt64) -> UInt64? {
        let value: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
        return value < base ? value : nil
    }
}
