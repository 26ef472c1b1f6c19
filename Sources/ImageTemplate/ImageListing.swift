import Glibc
import ImageFetch
import Images

/// The tables of `userbox images`: what a server offers (lxc-download `--list`'s layout, so its
/// readers keep working) and what the download cache holds.
public enum ImageListing {
    /// `---`, the tab-separated DIST/RELEASE/ARCH/VARIANT/BUILD header, `---`, one line per image
    /// matching the filters, `---`: as lxc-download prints it.
    public static func serverTable(_ records: [ImageRecord], dist: String?, release: String?, arch: String?, variant: String?) -> String {
        var out = "---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\n---\n"
        for record in records where record.matches(dist: dist, release: release, arch: arch, variant: variant) {
            out += "\(record.dist)\t\(record.release)\t\(record.arch)\t\(record.variant)\t\(record.build)\n"
        }
        return out + "---\n"
    }

    /// The cache's entries matching the filters: the same columns plus when each expires (the
    /// server is asked again after it) and the rootfs's size.
    public static func cacheTable(_ entries: [(key: ImageCache.Key, entry: CacheEntry)], now: Int64) -> String {
        var out = "---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\tEXPIRES\tSIZE\n---\n"
        for (key, entry) in entries {
            out += "\(key.dist)\t\(key.release)\t\(key.arch)\t\(key.variant)\t\(entry.build)\t\(expiryText(entry.expiry, now: now))\t\(sizeText(entry.rootfsSize))\n"
        }
        return out + "---\n"
    }

    /// `2026-12-31 (in 29 days)`, `expired`, or `never`.
    static func expiryText(_ expiry: Int64?, now: Int64) -> String {
        guard let expiry else { return "never" }
        if expiry <= now { return "expired" }
        var seconds = time_t(expiry)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = "\(parts.tm_year + 1900)-\(twoDigits(parts.tm_mon + 1))-\(twoDigits(parts.tm_mday))"
        let days = (expiry - now) / 86400
        return days >= 1 ? "\(date) (in \(days) days)" : "\(date) (in \((expiry - now + 3599) / 3600) h)"
    }

    static func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Bytes in the largest unit below 1024 of it, one decimal (`12.3 MiB`).
    public static func sizeText(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
