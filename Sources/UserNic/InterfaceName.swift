/// The host-side names lxc-user-nic makes (which names are valid at all is
/// `NetworkInterfaceName`'s, in LinuxSys).
public enum InterfaceName {

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
