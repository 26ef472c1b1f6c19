import CContainer
import Glibc
import LinuxSys
import SystemPackage

/// How a console session ended.
public enum ConsoleEnd: Sendable, Equatable {
    /// The escape sequence (Ctrl-a q): the container runs on.
    case detached
    /// The monitor closed it: the container stopped (or, for the console, init closed it).
    case closed
}

extension Container {
    /// lxc-console: connects the terminal on `input`/`output` to the container's console (tty 0)
    /// or ttyN through its monitor, until `escape` then `q` is typed (Ctrl-a q by default, as
    /// lxc-console; `escape` twice sends it once; nil: no escape) or the container stops. On a
    /// terminal, raw mode for the session and the window size passed on (and on SIGWINCH).
    ///
    /// `replayFrom`: an offset in console.log (its size before the start, for `start -F`): what the
    /// console printed from there until the connection is shown first.
    public func console(tty: Int = 0, escape: UInt8? = 0x01, input: Int32 = 0, output: Int32 = 1, banner: Bool = true,
                        replayFrom: Int? = nil) throws(RuntimeError) -> ConsoleEnd {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        guard state != nil else { throw .notRunning(name) }
        let socket = ccontainer_connect_unix(paths.directory, ContainerPaths.consoleSocketName)
        guard socket >= 0 else {
            throw .system(SystemError("connect to", "the console of \(name) (\(paths.directory)/\(ContainerPaths.consoleSocketName))", Errno(rawValue: errno)))
        }
        defer { close(socket) }
        var request = Array("\(ConsoleServer.Message.request)\(tty)".utf8)
        _ = request.withUnsafeMutableBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8](repeating: 0, count: 256)
        let n = answer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
        let reply = n > 0 ? String(decoding: answer[..<n], as: UTF8.self) : "ERR the monitor closed the connection"
        guard reply.hasPrefix("OK") else { throw .console(container: name, reason: String(reply.dropFirst(4))) }

        // Raw first: keys typed from now on (the escape, typed at once) are ours, not the line editor's.
        let terminal = isatty(input) == 1
        var saved = [UInt8](repeating: 0, count: Int(ccontainer_termios_size()))
        let raw = terminal && saved.withUnsafeMutableBytes { ccontainer_raw_terminal(input, $0.baseAddress) } == 0
        defer { if raw { _ = saved.withUnsafeBytes { ccontainer_restore_terminal(input, $0.baseAddress) } } }
        if banner {
            let key = escape.map { $0 < 0x20 ? "Ctrl+\(Character(Unicode.Scalar($0 + 0x60)))" : String(Character(Unicode.Scalar($0))) }
            var text = "\nConnected to tty \(tty)\n"
            if let key { text += "Type <\(key) q> to exit the console, <\(key) \(key)> to enter \(key) itself\n" }
            text += "\n"
            Self.write(2, Array((raw ? text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") : text).utf8))
        }
        let words = reply.split(separator: " ")
        if let start = replayFrom, words.count == 3, let end = Int(words[2]), end > start { replay(from: start, to: end, output: output) }
        if terminal {
            ccontainer_watch_winch()
            Self.sendWindowSize(from: input, to: socket)
        }

        var buffer = [UInt8](repeating: 0, count: 4096)
        var sawEscape = false
        var inputOpen = true
        while true {
            if terminal && ccontainer_winch_pending() != 0 { Self.sendWindowSize(from: input, to: socket) }
            var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: inputOpen ? input : -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { return .closed } }
            if fds[0].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
                if got <= 0 { return .closed }
                Self.write(output, Array(buffer[..<got]))
            }
            if fds[1].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if got <= 0 {
                    // Input ended (not a terminal): keep showing the output until the monitor closes.
                    inputOpen = false
                    continue
                }
                var packet: [UInt8] = [ConsoleServer.Message.data]
                for byte in buffer[..<got] {
                    if sawEscape {
                        sawEscape = false
                        if byte == 0x71 { // q
                            if packet.count > 1 { Self.send(socket, packet) }
                            return .detached
                        }
                        packet.append(byte)
                    } else if let escape, byte == escape {
                        sawEscape = true
                    } else {
                        packet.append(byte)
                    }
                }
                if packet.count > 1 { Self.send(socket, packet) }
            }
        }
    }

    /// console.log's bytes [start, end) to `output`.
    func replay(from start: Int, to end: Int, output: Int32) {
        let fd = open(paths.consoleLog, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var offset = start
        while offset < end {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, end - offset), off_t(offset)) }
            if n <= 0 { return }
            Self.write(output, Array(buffer[..<n]))
            offset += n
        }
    }

    static func sendWindowSize(from terminal: Int32, to socket: Int32) {
        var rows: UInt16 = 0, cols: UInt16 = 0
        guard ccontainer_get_winsize(terminal, &rows, &cols) == 0 else { return }
        Self.send(socket, [ConsoleServer.Message.winsize, UInt8(rows >> 8), UInt8(rows & 0xFF), UInt8(cols >> 8), UInt8(cols & 0xFF)])
    }

    static func send(_ socket: Int32, _ packet: [UInt8]) {
        var packet = packet
        _ = packet.withUnsafeMutableBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// lxc-console's `-e` value: `^X` is Ctrl-X, one character is itself.
    public static func escapeCharacter(_ spec: String) -> UInt8? {
        let bytes = Array(spec.utf8)
        if bytes.count == 2 && bytes[0] == 0x5E { // ^
            let c = bytes[1] | 0x20
            guard c >= 0x61 && c <= 0x7A else { return nil }
            return c - 0x60
        }
        return bytes.count == 1 ? bytes[0] : nil
    }
}
