import ArgumentParser
import CLISupport
import Doctor
import Glibc
import LinuxSys

extension SubIDCommand {
    struct DoctorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Explain why USER could not start an unprivileged container here, and how to fix it.",
            discussion: """
                Checks the user's subordinate uid and gid ranges (present, at least 65536 each, not \
                overlapping another owner or a real user's or group's id), newuidmap and newgidmap (found \
                on PATH, setuid root or with file capabilities, not on a nosuid mount), user namespaces \
                (user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor's \
                restrict_unprivileged_userns), networking (a line in /etc/lxc/lxc-usernet, its bridge, \
                lxc-user-nic) and a delegated cgroup. Exit status 0 only when all is well.
                """)

        @Flag(help: "Print JSON for scripts.") var json = false
        @Argument(help: "The user to check (default: you).") var user: String?

        func run() throws {
            let users = SystemUserDatabase()
            let record: UserRecord
            if let user {
                guard let found = users.user(named: user) else { throw Failure("user '\(user)' does not exist") }
                record = found
            } else {
                guard let me = users.user(id: getuid()) else { throw Failure("cannot determine your user name (uid \(getuid()))") }
                record = me
            }
            let path = getenv("PATH").map { String(cString: $0) } ?? Executables.searchPath
            let findings = Diagnosis.run(HostProbe.gather(user: record, users: users, searchPath: path))
            if json {
                print(JSON.object([
                    "user": .string(record.name), "ok": .bool(findings.isEmpty),
                    "findings": .array(findings.map { f in
                        JSON.object(["cause": .string(f.cause), "problem": .string(f.problem), "fix": .string(f.fix)])
                    }),
                ]).text)
            } else if findings.isEmpty {
                print("\(record.name) can run unprivileged containers here: nothing to fix")
            } else {
                for f in findings { print(f.description) }
                print("\(findings.count) problem(s) for \(record.name)")
            }
            if !findings.isEmpty { throw ExitCode(1) }
        }
    }
}
