/// Who a look-up is for: a user name and, when known, its uid. An entry belongs to the user when
/// its owner field is the name or the decimal uid (shadow writes either; 4.20 can store by uid).
public struct OwnerIdentity: Hashable, Sendable {
    public var name: String
    public var uid: UInt32?

    public init(name: String, uid: UInt32?) {
        self.name = name
        self.uid = uid
    }

    public func owns(_ owner: String) -> Bool {
        if owner.utf8.elementsEqual(name.utf8) { return true }
        guard let uid else { return false }
        return owner.utf8.elementsEqual(String(uid).utf8)
    }
}
