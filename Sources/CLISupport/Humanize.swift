/// Sizes and durations as lxc-info prints them: two decimals and a binary unit.
public enum Humanize {
    public static func bytes(_ n: UInt64) -> String {
        for (size, unit) in [(UInt64(1) << 30, "GiB"), (UInt64(1) << 20, "MiB"), (UInt64(1) << 10, "KiB")] where n >= size {
            // Truncated, in two steps so no product can overflow.
            return decimal(whole: n / size, hundredths: (n % size) * 100 / size) + " " + unit
        }
        return "\(n) bytes"
    }

    public static func seconds(nanoseconds ns: UInt64) -> String {
        decimal(whole: ns / 1_000_000_000, hundredths: ns % 1_000_000_000 / 10_000_000) + " seconds"
    }

    static func decimal(whole: UInt64, hundredths: UInt64) -> String {
        "\(whole)." + (hundredths < 10 ? "0" : "") + String(hundredths)
    }
}

extension String {
    /// Padded with blanks to `width` characters (a label column).
    public func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
