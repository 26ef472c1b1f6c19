import ArgumentParser
import CLISupport
import LinuxSys
import IDModel
import SubID

@main
struct SubIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subid",
        abstract: "Administer subordinate user and group ids (/etc/subuid, /etc/subgid).",
        discussion: """
            Changes take shadow's lock (/etc/.pwd.lock and /etc/subuid.lock), so subid, useradd, \
            usermod and userdel can run side by side. Files are replaced atomically and the \
            previous version is kept as /etc/subuid- and /etc/subgid-. \
            Exit status: 0 when done; 1 when refused or failed (the reason follows "subid:" on \
            stderr), or when check or doctor found a problem; 64 when the command line is wrong.
            """,
        subcommands: [List.self, Grant.self, Revoke.self, Allocate.self, Check.self, DoctorCommand.self])

    /// Every error reads `subid: message` (as shadow's tools print theirs); exit statuses are
    /// ToolMain's: 0, 1 (refused or failed, or problems found), 64 (usage).
    static func main() { ToolMain.run(SubIDCommand.self, program: "subid") }
}

/// Where the files are: /etc unless --prefix names another root (as shadow's --prefix).
struct Location: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Use files under this directory instead of /", valueName: "DIR"))
    var prefix: String?

    func path(_ absolute: String) -> String {
        guard let prefix, !prefix.isEmpty, prefix != "/" else { return absolute }
        return (prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix) + absolute
    }

    func store(_ kind: IDKind) -> SubIDStore { SubIDStore(kind: kind, path: path(kind.defaultPath)) }

    /// Refuses a write when nsswitch's `subid:` line has no `files` (the ranges live elsewhere).
    func requireWritableSources() throws {
        switch NameServiceSwitch.subidSources(path: path(NameServiceSwitch.path)) {
        case .success(let sources): if let reason = NameServiceSwitch.readOnlyReason(sources) { throw Failure(reason) }
        case .failure(let error): throw Failure(error.description)
        }
    }

    func loginDefs() throws -> LoginDefs {
        let file = path("/etc/login.defs")
        do { return LoginDefs(parsing: try Files.read(file, followSymlinks: true, limit: 1 << 20)) } catch {
            if !Files.exists(file) { return LoginDefs() }
            throw Failure(error.description)
        }
    }
}

/// An error a person can act on; printed as `subid: message`, exit 1.
typealias Failure = ToolFailure

func resolveUser(_ name: String, required: Bool) throws -> OwnerIdentity {
    let users = SystemUserDatabase()
    if let user = users.user(named: name) { return OwnerIdentity(name: user.name, uid: user.uid) }
    guard !required else { throw Failure("user '\(name)' does not exist") }
    return OwnerIdentity(name: name, uid: nil)
}
