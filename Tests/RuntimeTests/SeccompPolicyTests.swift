import Runtime
import Testing

@Suite struct SeccompPolicyTests {
    @Test func lxcsStockProfile() throws {
        let policy = try SeccompPolicy.parse("""
            2
            denylist
            reject_force_umount  # comment this to allow umount -f;  not recommended
            [all]
            kexec_load errno 1
            open_by_handle_at errno 1
            init_module errno 1
            finit_module errno 1
            delete_module errno 1
            """)
        #expect(policy.rules.map(\.syscall) == ["umount2", "kexec_load", "open_by_handle_at", "init_module", "finit_module", "delete_module"])
        #expect(policy.rules[0].comparisons.count == 1)
        let bpf = try SeccompPolicy.compile(policy)
        #expect(!bpf.isEmpty && bpf.count % 8 == 0)
    }

    @Test func sectionsForOtherArchitecturesAreSkipped() throws {
        let policy = try SeccompPolicy.parse("2\nallowlist errno 38\n[arm64]\nmkdir\n[x86_64]\nread\nwrite [0,1,==]\n")
        #expect(policy.rules.map(\.syscall) == ["read", "write"])
        #expect(policy.rules[1].comparisons.count == 1)
    }

    @Test(arguments: ["3\ndenylist\n", "2\n", "2\ngreylist\n", "2\ndenylist\n[sparc]\n", "2\ndenylist bogus\n", "1\ndenylist\n", "1\nallowlist\nread\n", "2\ndenylist\nmkdir errno\n", "2\ndenylist debug\n"])
    func malformedPoliciesAreRefused(_ text: String) {
        #expect(throws: RuntimeError.self) { try SeccompPolicy.parse(text) }
    }

    /// The unknown name changes nothing: the program is the one compiled without it, and it does
    /// test mkdir's number (83 on x86_64) with a `jeq #k` (BPF_JMP|BPF_JEQ|BPF_K, code 0x15).
    @Test func unknownSyscallsAreSkippedAsLXCDoes() throws {
        let bpf = try SeccompPolicy.compile(try SeccompPolicy.parse("2\ndenylist\nno_such_syscall_at_all\nmkdir errno 1\n"))
        let without = try SeccompPolicy.compile(try SeccompPolicy.parse("2\ndenylist\nmkdir errno 1\n"))
        #expect(bpf == without)
        #expect(bpf.count % 8 == 0)
        let instructions = stride(from: 0, to: bpf.count, by: 8).map { Array(bpf[$0..<$0 + 8]) }
        let testsMkdir = instructions.contains { i in
            i[0] == 0x15 && i[1] == 0 && UInt32(i[4]) | UInt32(i[5]) << 8 | UInt32(i[6]) << 16 | UInt32(i[7]) << 24 == 83
        }
        #expect(testsMkdir)
        let nothing = try SeccompPolicy.compile(try SeccompPolicy.parse("2\ndenylist\n"))
        #expect(nothing != bpf)
    }
}
