/// Text from outside (a caller's path, a directory account's name) made safe for one line of a
/// log or a message: control characters (below 0x20, and 0x7F) become `\xNN`, so nobody can start
/// a forged line in syslog or a terminal escape on an admin's screen. Everything else is kept.
public func escapingControlCharacters<S: StringProtocol>(_ text: S) -> String {
    let digits = Array("0123456789abcdef".unicodeScalars)
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            out.append(contentsOf: ["\\", "x", digits[Int(scalar.value >> 4)], digits[Int(scalar.value & 0xF)]])
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

/// C's `isspace` in the C locale (blank, tab, newline, vertical tab, form feed, carriage return):
/// how shadow's and LXC's parsers skip white space.
public func isCSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
