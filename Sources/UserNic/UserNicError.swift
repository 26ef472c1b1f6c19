import Netlink
public import SystemPackage

extension UserNic {
    /// Why a create or delete failed, with the errno and the object (pid, path, interface,
    /// bridge) it failed on. `description` is the message LXC's users and our tests know.
    public enum Failure: Error, CustomStringConvertible {
        /// The target's netns could not be opened with the caller's rights (another user's
        /// process, or the instant a new container switches to root and is not dumpable).
        case netnsNotPermitted(user: String, pid: Int32, Errno)
        case notNetworkNamespace(path: String)
        /// delete: the path given could not be used; the same words whatever the reason
        /// (CVE-2022-47952: nothing is learnt about other files).
        case netnsFileUnusable(path: String)
        case notPrivilegedOverNetns
        case notAllowedToDelete(hostInterface: String?)
        case quota(NicDatabase.QuotaRefusal)
        case noSuchBridge(String)
        case noFreeHostName
        case vanished(String)
        case renameFailed(from: String, to: String, cause: String)
        case cannotSwitchUID(UInt32)
        case ownNamespaceUnavailable(Errno)
        case cannotEnterNamespace(Errno)
        case netlinkSocket(String)
        case netlink(NetlinkSession.Failure)
        case noLinkWithIndex(Int32)
        case database(NicStore.Failure)
        case openVSwitch(OpenVSwitch.Failure)

        init(_ failure: NetlinkReader.Failure) { self = .netlink(.protocolError(failure)) }

        /// The kernel's answer when a netlink request failed (EEXIST for a taken name, ...).
        public var netlinkErrno: Errno? {
            if case .netlink(let failure) = self { return failure.errno }
            return nil
        }

        /// lxc-user-nic's exit status for this failure. liblxc only tells zero from non-zero;
        /// userbox's monitor retries exactly `netnsNotPermitted` (see `retryExitStatus`).
        public var exitStatus: Int32 {
            if case .netnsNotPermitted = self { return UserNic.retryExitStatus }
            return 1
        }

        public var description: String {
            switch self {
            case .netnsNotPermitted(let user, let pid, let errno): "User \(user) may not modify netns for pid \(pid): \(errno)"
            case .notNetworkNamespace(let path): "\(path) is not a network namespace"
            case .netnsFileUnusable(let path): "Failed while opening netns file for \"\(path)\""
            case .notPrivilegedOverNetns: "Process is not privileged over network namespace"
            case .notAllowedToDelete(let name): "Caller is not allowed to delete network device \"\(name ?? "(null)")\""
            case .quota(let refusal): refusal.description
            case .noSuchBridge(let link): "bridge \(link) does not exist"
            case .noFreeHostName: "no free host interface name"
            case .vanished(let what): what
            case .renameFailed(let from, let to, let cause): "Error renaming netdev \(from) to \(to) in container: \(cause)"
            case .cannotSwitchUID(let uid): "cannot switch to uid \(uid)"
            case .ownNamespaceUnavailable(let errno): "cannot open our own network namespace: \(errno)"
            case .cannotEnterNamespace(let errno): "cannot enter the network namespace: \(errno)"
            case .netlinkSocket(let why): "cannot open a netlink socket: \(why)"
            case .netlink(let failure): failure.description
            case .noLinkWithIndex(let index): "no link with index \(index)"
            case .database(let failure): failure.description
            case .openVSwitch(let failure): failure.description
            }
        }
    }

    /// The exit status of the one refusal a caller may retry: the target's netns could not be
    /// opened as the caller. Why distinct: a container's init is not dumpable for an instant
    /// after it switches to root, and userbox's monitor runs lxc-user-nic meanwhile; it retries on
    /// this status instead of reading our stderr.
    public static let retryExitStatus: Int32 = 3
}
