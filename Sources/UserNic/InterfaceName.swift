/// Network interface names as lxc-user-nic takes and makes them.
public enum InterfaceName {
    /// IFNAMSIZ less its NUL.
    public static let maximumLength = 15

    /// A name the kernel takes and no path trick can hide in: 1-15 bytes, no '/', ':', blank or
    /// control character, not "." or "..".
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, name != ".", name != ".." else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }
    }

    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// LXC's host-side name: `veth<UID>_XXXX` for uids 1-65536, else `vethXXXXXX`; each X from
    /// [0-9a-zA-Z]. The caller retries while the name is taken.
    public static func hostVeth(uid: UInt32, using generator: inout some RandomNumberGenerator) -> String {
        let (prefix, count) = uid > 0 && uid <= 65536 ? ("veth\(uid)_", 4) : ("veth", 6)
        var name = prefix
        for _ in 0..<count {
            name.unicodeScalars.append(Unicode.Scalar(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))]))
        }
        return name
    }
}
