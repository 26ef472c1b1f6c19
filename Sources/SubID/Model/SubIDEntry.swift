public import IDModel
import LinuxSys

/// One `owner:start:count` line. The owner is a user name or a decimal uid, as written.
public struct SubIDEntry: Hashable, Sendable, CustomStringConvertible {
    public var owner: String
    public var range: IDRange

    public init(owner: String, range: IDRange) {
        self.owner = owner
        self.range = range
    }

    /// Why an owner name can be refused (issue 20, finding 3): every writer of /etc/subuid and
    /// /etc/subgid goes through `validateOwner`, because the name comes from outside (a directory
    /// account at first login, an admin's argument) and the file's grammar is colons and newlines.
    /// A name `1001:0:4294967295` written as `1001:0:4294967295:100000:65536` reads back as uid
    /// 1001 owning every id; a leading `+`/`-` makes a NIS line that nothing parses; a leading `#`
    /// reads as a comment to people; a line of 1024 bytes or more is ignored by shadow's parser,
    /// so its range would be handed out again.
    public enum InvalidOwner: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case colon(String)
        case controlCharacter(String)
        case leadingMarker(String, Character)
        case tooLong(String, bytes: Int)

        public var description: String {
            switch self {
            case .empty: "an empty owner name cannot be written to a subordinate id file"
            case .colon(let name):
                "owner name \"\(escapingControlCharacters(name))\" contains ':', the field separator of /etc/subuid and /etc/subgid: refused"
            case .controlCharacter(let name):
                "owner name \"\(escapingControlCharacters(name))\" contains a control character (a newline would start a new line): refused"
            case .leadingMarker(let name, let marker):
                "owner name \"\(escapingControlCharacters(name))\" starts with '\(marker)', which shadow reads as "
                    + (marker == "#" ? "a comment" : "a NIS line") + ": refused"
            case .tooLong(let name, let bytes):
                "owner name \"\(escapingControlCharacters(name.prefix(40)))...\" makes a line of \(bytes) bytes; shadow ignores lines of "
                    + "1024 bytes or more: refused"
            }
        }

    }

    /// Checks that `owner` can be written as the first field of a line and read back as itself.
    public static func validateOwner(_ owner: String, range: IDRange? = nil) throws(InvalidOwner) {
        let bytes = Array(owner.utf8)
        guard let first = bytes.first else { throw .empty }
        if bytes.contains(UInt8(ascii: ":")) { throw .colon(owner) }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw .controlCharacter(owner) }
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "#") {
            throw .leadingMarker(owner, Character(Unicode.Scalar(first)))
        }
        // The longest numbers a line can carry (4294967295 twice) when the range is not known.
        let numbers = range.map { "\($0.start)".utf8.count + "\($0.count)".utf8.count } ?? 20
        let line = bytes.count + 2 + numbers
        if line >= 1024 { throw .tooLong(owner, bytes: line) }
    }

    /// The line as shadow writes a changed entry (`"%s:%lu:%lu"`).
    public var description: String { "\(owner):\(range.start):\(range.count)" }
}
