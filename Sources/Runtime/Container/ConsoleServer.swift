import CContainer
import Glibc

/// The monitor's side of `userbox console` (lxc-console's peer in LXC's monitor): it holds the
/// console's pty master and the lxc.tty.max tty masters, and a socket in the container's
/// directory. A client connects (only the container's owner: the socket is 0600 and the peer's
/// uid is checked), asks for one tty, and then both sides exchange packets: from the client `d`
/// + bytes (typed input) or `w` + rows and columns (its window size), to the client the tty's
/// output. One client per tty, as LXC ("tty N is busy"). The console is always read, to
/// console.log, whether or not someone is connected; a tty only while someone is.
final class ConsoleServer {
    enum Message {
        static let request = "tty "
        static let data: UInt8 = 0x64    // "d"
        static let winsize: UInt8 = 0x77 // "w"
    }

    private var listener: Int32
    /// 0: the console; N: ttyN. -1 once closed.
    private var masters: [Int32]
    private var clients: [(fd: Int32, tty: Int)] = []
    /// Masters whose slave nobody holds (a getty between two runs): tried again after a pause
    /// instead of being polled, which would report the hang-up at once, over and over.
    private var resting: Set<Int> = []
    private let log: Int32
    /// The socket file's inode: at the end it is removed only if it is still ours.
    private var socketInode: UInt64 = 0
    private var buffer = [UInt8](repeating: 0, count: 8192)

    /// The socket is made only when it can be; without one the console is still logged.
    init(directory: String, console: Int32, ttys: [Int32], log: Int32) {
        listener = ccontainer_listen_unix(directory, ContainerPaths.consoleSocketName)
        if listener < 0 { Monitor.log("warning: no console socket in \(directory): \(String(cString: strerror(errno))); userbox console will not connect") }
        var info = stat()
        if listener >= 0 && stat(directory + "/" + ContainerPaths.consoleSocketName, &info) == 0 { socketInode = UInt64(info.st_ino) }
        masters = [console] + ttys
        for fd in masters where fd >= 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        self.log = log
    }

    enum Source { case listener, master(Int), client(Int) }

    /// What to poll this round, and how long to wait at most (ms; -1 forever).
    func pollSet() -> (fds: [pollfd], sources: [Source], timeout: Int32) {
        var fds: [pollfd] = [], sources: [Source] = []
        if listener >= 0 { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)); sources.append(.listener) }
        for (tty, fd) in masters.enumerated() where fd >= 0 && !resting.contains(tty) && (tty == 0 || clients.contains { $0.tty == tty }) {
            fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)); sources.append(.master(tty))
        }
        for (index, client) in clients.enumerated() {
            fds.append(pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)); sources.append(.client(index))
        }
        let timeout: Int32 = resting.isEmpty ? -1 : 200
        resting = []
        return (fds, sources, timeout)
    }

    func handle(_ source: Source, revents: Int16) {
        guard revents != 0 else { return }
        switch source {
        case .listener: accept()
        case .master(let tty): readMaster(tty)
        case .client(let index): readClient(index)
        }
        clients.removeAll { $0.fd < 0 }
    }

    private func accept() {
        let fd = ccontainer_accept(listener)
        guard fd >= 0 else { return }
        // Why check again: the socket's mode already keeps others out; this keeps out a socket
        // file someone managed to replace or a mode someone loosened.
        guard ccontainer_peer_uid(fd) == Int(getuid()) else {
            reply(fd, "ERR only the container's owner may use its console")
            Glibc.close(fd)
            return
        }
        var request = [UInt8](repeating: 0, count: 64)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        // The request is the client's first packet, sent at once; a client that says nothing is dropped.
        guard poll(&poller, 1, 2000) == 1 else { Glibc.close(fd); return }
        let n = request.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let text = n > 0 ? String(decoding: request[..<n], as: UTF8.self) : ""
        guard text.hasPrefix(Message.request), let tty = Int(text.dropFirst(Message.request.count)) else {
            reply(fd, "ERR bad request")
            Glibc.close(fd)
            return
        }
        guard tty >= 0, tty < masters.count, masters[tty] >= 0 else {
            reply(fd, tty == 0 ? "ERR the console is closed" : "ERR there is no tty \(tty) (lxc.tty.max = \(masters.count - 1))")
            Glibc.close(fd)
            return
        }
        guard !clients.contains(where: { $0.tty == tty }) else {
            reply(fd, "ERR tty \(tty) is busy: someone is connected to it")
            Glibc.close(fd)
            return
        }
        // With the console, how much console.log held at this moment: a client that wants what it
        // missed (start -F) reads the log up to there, and gets the rest from us, nothing twice.
        reply(fd, tty == 0 && log >= 0 ? "OK \(tty) \(lseek(log, 0, SEEK_END))" : "OK \(tty)")
        clients.append((fd, tty))
    }

    private func reply(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func readMaster(_ tty: Int) {
        let fd = masters[tty]
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            if tty == 0 && log >= 0 { _ = buffer.withUnsafeBytes { write(log, $0.baseAddress, n) } }
            // Dropped rather than waited for when the client is slow: the container never stalls on it.
            for client in clients where client.tty == tty {
                _ = buffer.withUnsafeBytes { send(client.fd, $0.baseAddress, n, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            }
        } else if n < 0 && errno == EIO && tty > 0 {
            resting.insert(tty)
        } else if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
            if tty == 0 {
                // The console is gone for good (init closed it): its client learns it by EOF.
                Glibc.close(fd)
                masters[0] = -1
                for i in clients.indices where clients[i].tty == 0 { Glibc.close(clients[i].fd); clients[i].fd = -1 }
            } else {
                resting.insert(tty)
            }
        }
    }

    private func readClient(_ index: Int) {
        let client = clients[index]
        let n = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard n > 0 else {
            Glibc.close(client.fd)
            clients[index].fd = -1
            return
        }
        let master = masters[client.tty]
        guard master >= 0 else { return }
        switch buffer[0] {
        case Message.data where n > 1:
            _ = buffer.withUnsafeBytes { write(master, $0.baseAddress! + 1, n - 1) }
        case Message.winsize where n == 5:
            _ = ccontainer_set_winsize(master, UInt16(buffer[1]) << 8 | UInt16(buffer[2]), UInt16(buffer[3]) << 8 | UInt16(buffer[4]))
        default: break
        }
    }

    /// The container has stopped: every client sees EOF, the socket goes.
    func close(directory: String) {
        for client in clients { Glibc.close(client.fd) }
        clients = []
        for fd in masters where fd >= 0 { Glibc.close(fd) }
        masters = []
        if listener >= 0 {
            Glibc.close(listener)
            listener = -1
            let path = directory + "/" + ContainerPaths.consoleSocketName
            var info = stat()
            if stat(path, &info) == 0 && UInt64(info.st_ino) == socketInode { _ = unlink(path) }
        }
    }
}
