import Glibc
import LinuxSys
import Runtime

// userbox: the start, attach and stop path, small and fast (it runs on every container start and
// attach); everything else, and anything unusual, is the full CLI's (`userbox-cli`, with
// swift-argument-parser's help and errors), exec'd with the same arguments.
let arguments = ProcessArguments.all
func fail(_ message: String) -> Never {
    var bytes = Array("userbox: \(message)\n".utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
func me() -> UserRecord {
    guard let user = SystemUserDatabase().user(id: getuid()) else { fail("cannot determine your user name (uid \(getuid()))") }
    return user
}
func container(_ name: String, _ lxcpath: String?) -> Container {
    do { return try Container(name: name, lxcpath: lxcpath) } catch { fail(error.description) }
}

switch QuickCommand.parse(Array(arguments.dropFirst())) {
case .start(let name, let lxcpath):
    // This program is single-threaded, so the monitor is a fork of it: no second program start.
    do {
        let state = try container(name, lxcpath).start(user: me(), monitor: .fork, commandLine: true)
        print("started \(name): init pid \(state.initPID)")
    } catch { fail(error.description) }
case .attach(let name, let lxcpath, let uid, let gid, let command):
    do { exit(try container(name, lxcpath).attach(command, uid: uid, gid: gid)) } catch { fail(error.description) }
case .monitor(let name, let lxcpath):
    // Spawned by libuserbox's start (MonitorLaunch.spawnDetaching): the first process ends at
    // once, so the monitor is nobody's child to reap (a Python program would collect zombies).
    let box = container(name, lxcpath), user = me()
    let pid = fork()
    if pid < 0 { fail("cannot fork the monitor: \(String(cString: strerror(errno)))") }
    if pid > 0 { _exit(0) }
    exit(Monitor.run(box, user: user, readyFD: 3))
case .stop(let name, let lxcpath, let kill, let timeout):
    do { try container(name, lxcpath).stop(kill: kill, timeout: timeout) } catch { fail(error.description) }
case nil:
    guard let cli = Helpers.fullCLI else { fail("userbox-cli not found beside userbox or in ../libexec/userbox") }
    var argv = arguments
    if argv.isEmpty { argv = ["userbox"] }
    let cArgs = argv.map { strdup($0) } + [nil]
    execv(cli, cArgs)
    fail("cannot run \(cli): \(String(cString: strerror(errno)))")
}
