/// Network interface names as the kernel takes them and as lxc-user-nic, the LXC config and the
/// nic database use them.
public enum NetworkInterfaceName {
    /// IFNAMSIZ less its NUL.
    public static let maximumLength = 15

    /// A name the kernel takes and no path or field trick can hide in: 1-15 bytes, no '/', ':',
    /// blank or control character, not "." or "..".
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, name != ".", name != ".." else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }
    }
}
