/// LXC's image index, `meta/1.0/index-user` / `index-system` (optionally with a compat suffix): one
/// image per line, `dist;release;arch;variant;build;path`.
public enum LXCIndex {
    /// Where lxc-download looks first: the index for its mode with the compat level (7), then the
    /// unsuffixed one (the server publishes suffixes 1-4 only, so level 7 falls back).
    public static func paths(user: Bool, compatLevel: Int = 7) -> [String] {
        let base = "meta/1.0/index-" + (user ? "user" : "system")
        return [base + ".\(compatLevel)", base]
    }

    /// The records of an index; lines without six fields, or with an empty one, or a path that
    /// leaves the server's tree (`..`), are skipped and counted.
    public static func parse(_ text: String) -> (records: [ImageRecord], skipped: Int) {
        var records: [ImageRecord] = []
        var skipped = 0
        // isNewline: "\r\n" is one Character, so a split on "\n" alone would join CRLF lines.
        for line in text.split(whereSeparator: { $0.isNewline }) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, fields.allSatisfy({ !$0.isEmpty }), isSafeRelativePath(fields[5]) else {
                skipped += 1
                continue
            }
            records.append(ImageRecord(dist: fields[0], release: fields[1], arch: fields[2], variant: fields[3],
                                       build: fields[4], path: fields[5]))
        }
        return (records, skipped)
    }

    /// A server path we will append to the server's URL: no `..` component, no scheme or host of
    /// its own, no control characters (an index line must not send us elsewhere).
    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.contains("://"), !path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
        return !path.split(separator: "/").contains { $0 == ".." }
    }
}
