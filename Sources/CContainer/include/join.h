#ifndef CCONTAINER_JOIN_H
#define CCONTAINER_JOIN_H
/* Joining a running container (attach, enter): every namespace of its init (user first: setns
   into the user namespace gives the rights for the others), a fork into its pid namespace, then
   becoming the container's process. Three ways in, one body of code:
   - ccontainer_attach: fork here, the child joins and execs a command (small callers: the CLI);
   - ccontainer_attach_spawn: posix_spawn (vfork) of the static userbox-join helper, which joins
     and execs (large callers: a Python process, whose fork alone costs more than the whole of
     attach through the helper);
   - ccontainer_enter: the calling (forked, single-threaded) process itself joins and returns
     inside, for a binding that runs its own code there. */
#include <stdint.h>

/* What the joined process becomes, prepared by the caller before any namespace changes. */
typedef struct {
    int pid;                        /* the container's init */
    unsigned int uid, gid;          /* inside the container */
    uint64_t cap_drop;              /* bounding-set bits to drop */
    const void *seccomp_filter;     /* BPF instructions (struct sock_filter), NULL: none */
    unsigned short seccomp_length;  /* instructions */
    const int *cgroup_fds;          /* the container's cgroup.procs files, opened by the caller */
    int cgroup_count;
    const char *lsm_exec_file;      /* NULL: no LSM label to set */
    const char *lsm_exec_label;
    const char *cwd;                /* working directory inside; NULL: / */
    int stdio[3];                   /* the command's fds 0, 1, 2 (the same numbers: inherited) */
} ccontainer_join;

#define CCONTAINER_NS_COUNT 7

/* The container's namespace files (user, mnt, pid, uts, ipc, net, cgroup), CLOEXEC; all open or
   none, errno kept. */
int ccontainer_open_namespaces(int pid, int fds[CCONTAINER_NS_COUNT]);

/* Forks; the child joins (see the top) and, in the pid namespace, starts the command as the
   caller's own child (CLONE_PARENT, as liblxc does) and ends: that process becomes the
   container's (cgroups, label, bounding set, uid/gid, cwd, seccomp, stdio) and execs argv
   (execvp with envp's PATH) with envp. Returns the command's pid, to wait for and signal as any
   child, or -1 with errno (a failure to join: EPERM when the caller does not own the
   container); the joining child is reaped either way. */
int ccontainer_attach(const ccontainer_join *join, char *const *argv, char *const *envp);

/* As ccontainer_attach, but the process that joins is `helper` (userbox-join), started with
   posix_spawn so nothing of the caller's memory is copied. */
int ccontainer_attach_spawn(const char *helper, const ccontainer_join *join, char *const *argv, char *const *envp);

/* In the process that joins (ccontainer_attach's child, userbox-join): setns into ns_fds (closed
   after), then as ccontainer_attach's child does; the command's pid, or the errno of a failure,
   goes to report_fd for the caller. Never returns. */
void ccontainer_join_and_exec(const ccontainer_join *join, const int ns_fds[CCONTAINER_NS_COUNT], int report_fd,
                              char *const *argv, char *const *envp) __attribute__((noreturn));

/* userbox-join's main (the helper is this and nothing else): argv and fds as
   ccontainer_attach_spawn hands them over; returns only on a malformed call (2) or a failure
   before joining (126). */
int ccontainer_join_helper_main(int argc, char **argv, char **envp);

/* ccontainer_attach's work without the first fork or the exec, for a language binding that runs
   its own code inside (python's attach of a function): the calling process, which must be
   single-threaded (forked for the purpose), joins, forks, and stays behind to end as that child
   ends (never returning); the child becomes the container's as attach's does and returns 0
   (join->stdio is not used: the caller arranges its own). -1 with errno when a namespace cannot
   be joined (the caller is then partly joined and should exit) or the child cannot become the
   container's. */
int ccontainer_enter(const ccontainer_join *join);

#endif
