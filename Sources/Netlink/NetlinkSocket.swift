import CLinux
import Glibc
public import SystemPackage

/// Where requests go: the kernel, or a recording fake in tests.
public protocol NetlinkTransport {
    mutating func send(_ bytes: [UInt8]) throws(Errno)
    mutating func receive() throws(Errno) -> [UInt8]
}

/// An rtnetlink socket (SOCK_CLOEXEC, bound by the kernel); closed by `close()`.
public struct NetlinkSocket: NetlinkTransport {
    public let fd: Int32

    public init() throws(Errno) {
        let fd = clinux_netlink_route_open()
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        self.fd = fd
    }

    public func close() { _ = Glibc.close(fd) }

    public mutating func send(_ bytes: [UInt8]) throws(Errno) {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            if n == bytes.count { return }
            if n < 0 && errno == EINTR { continue }
            throw n < 0 ? Errno(rawValue: errno) : .ioError
        }
    }

    /// One datagram, sized with MSG_PEEK|MSG_TRUNC first so nothing is cut off.
    public mutating func receive() throws(Errno) -> [UInt8] {
        var probe: UInt8 = 0
        var size = -1
        while size < 0 {
            size = recv(fd, &probe, 1, Int32(MSG_PEEK | MSG_TRUNC))
            if size < 0 && errno != EINTR { throw Errno(rawValue: errno) }
        }
        let fd = self.fd
        var failure: Errno?
        let datagram = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            while true {
                let n = recv(fd, buffer.baseAddress, buffer.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = Errno(rawValue: errno); count = 0 } else { count = n }
                return
            }
        }
        if let failure { throw failure }
        return datagram
    }
}

public enum NetlinkSession {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case system(Errno)
        case protocolError(NetlinkReader.Failure)

        public var errno: Errno? {
            switch self {
            case .system(let e): e
            case .protocolError(.kernel(let code, _)): Errno(rawValue: code)
            default: nil
            }
        }

        public var description: String {
            switch self {
            case .system(let e): "netlink: \(e)"
            case .protocolError(.kernel(let code, let message)):
                "\(Errno(rawValue: code))" + (message.map { " (\($0))" } ?? "")
            case .protocolError(let e): "netlink: \(e)"
            }
        }
    }

    /// Sends one request and reads until its ACK (or error, or DONE), ignoring nothing: every
    /// reply must carry the request's sequence number. Returns the data messages.
    public static func transact(
        _ request: NetlinkRequest, over transport: inout some NetlinkTransport
    ) throws(Failure) -> [NetlinkReader.Message] {
        do { try transport.send(request.bytes) } catch { throw .system(error) }
        var data: [NetlinkReader.Message] = []
        let wantsAck = NetlinkReader.u16(request.bytes, 6) & Netlink.acknowledge != 0
        while true {
            let datagram: [UInt8]
            do { datagram = try transport.receive() } catch { throw .system(error) }
            let messages: [NetlinkReader.Message]
            do { messages = try NetlinkReader.messages(datagram) } catch { throw .protocolError(error) }
            for message in messages {
                guard message.sequence == request.sequence else {
                    throw .protocolError(.unexpectedSequence(expected: request.sequence, got: message.sequence))
                }
                switch message.type {
                case Netlink.error:
                    do { try NetlinkReader.acknowledgement(message) } catch { throw .protocolError(error) }
                    return data
                case Netlink.done:
                    return data
                default:
                    data.append(message)
                    if !wantsAck && message.flags & Netlink.multipart == 0 { return data }
                }
            }
        }
    }
}
