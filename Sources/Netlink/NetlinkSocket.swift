import CLinux
import Glibc
import LinuxSys
public import SystemPackage

/// Where requests go: the kernel, or a recording fake in tests.
public protocol NetlinkTransport: ~Copyable {
    mutating func send(_ bytes: [UInt8]) throws(Errno)
    mutating func receive() throws(Errno) -> [UInt8]
}

/// An rtnetlink socket (SOCK_CLOEXEC, bound by the kernel), closed when the value goes away.
public struct NetlinkSocket: NetlinkTransport, ~Copyable {
    let socket: Descriptor

    public init() throws(Errno) {
        socket = Descriptor(adopting: try valueOrErrno { clinux_netlink_route_open() })
    }

    public var fd: Int32 { socket.rawValue }

    public mutating func send(_ bytes: [UInt8]) throws(Errno) {
        let fd = socket.rawValue
        let n = try valueOrErrno { bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }
        // A datagram goes whole or not at all.
        guard n == bytes.count else { throw .ioError }
    }

    /// One datagram, sized with MSG_PEEK|MSG_TRUNC first so nothing is cut off.
    public mutating func receive() throws(Errno) -> [UInt8] {
        let fd = socket.rawValue
        var probe: UInt8 = 0
        let size = try valueOrErrno { recv(fd, &probe, 1, Int32(MSG_PEEK | MSG_TRUNC)) }
        var failure: Errno?
        let datagram = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            count = 0
            do throws(Errno) { count = try valueOrErrno { recv(fd, buffer.baseAddress, buffer.count, 0) } } catch { failure = error }
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
        _ request: NetlinkRequest, over transport: inout some NetlinkTransport & ~Copyable
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
