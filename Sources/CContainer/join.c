#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const ns_names[CCONTAINER_NS_COUNT] = { "user", "mnt", "pid", "uts", "ipc", "net", "cgroup" };

int ccontainer_open_namespaces(int pid, int fds[CCONTAINER_NS_COUNT]) {
    char path[64];
    for (int i = 0; i < CCONTAINER_NS_COUNT; i++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns_names[i]);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) { int e = errno; for (int j = 0; j < i; j++) close(fds[j]); errno = e; return -1; }
    }
    return 0;
}

static void close_all(const int *fds, int count) { for (int i = 0; i < count; i++) if (fds[i] >= 0) close(fds[i]); }

/* In the pid namespace's child: passes the child's end on as this process's own (same exit
   status, same signal, no core), so the caller sees the command's status. Never returns. */
static void relay(pid_t child) __attribute__((noreturn));
static void relay(pid_t child) {
    int status;
    while (waitpid(child, &status, 0) < 0) if (errno != EINTR) _exit(126);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct rlimit none = { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
        _exit(128 + sig);
    }
    _exit(WEXITSTATUS(status));
}

/* The joined process becomes the container's: its cgroups, its label, its bounding set, uid/gid
   inside, the working directory, its seccomp filter. 0, or -1 with errno (the process is then
   unusable). */
static int become(const ccontainer_join *j) {
    /* Into the container's cgroups while still our uid (the files were opened before setns, and
       the kernel checks the opener's rights). A refusal leaves the command outside its limits:
       said, not fatal, so attach works from a session that may not move processes there. */
    for (int i = 0; i < j->cgroup_count; i++) {
        if (write(j->cgroup_fds[i], "0", 1) != 1) {
            dprintf(2, "userbox: warning: the command runs outside the container's cgroup (its limits and freeze do not cover it): %s\n",
                    strerror(errno));
            break;
        }
    }
    /* As lxc-attach: the command runs under the container's label; unable to set it, not at all. */
    if (j->lsm_exec_file && j->lsm_exec_label) {
        int attr = open(j->lsm_exec_file, O_WRONLY | O_CLOEXEC);
        size_t n = strlen(j->lsm_exec_label);
        if (attr < 0 || write(attr, j->lsm_exec_label, n) != (ssize_t)n) {
            int e = errno;
            dprintf(2, "userbox: cannot set the container's security label (%s) for the command: %s\n", j->lsm_exec_label, strerror(errno));
            if (attr >= 0) close(attr);
            errno = e;
            return -1;
        }
        close(attr);
    }
    /* The bounding set first: dropping needs CAP_SETPCAP, which a non-root uid lacks. */
    for (int cap = 0; cap < 64; cap++) if ((j->cap_drop >> cap) & 1) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (setgroups(0, NULL) != 0 && errno != EPERM) return -1;
    if (setresgid(j->gid, j->gid, j->gid) != 0 || setresuid(j->uid, j->uid, j->uid) != 0) return -1;
    const char *cwd = j->cwd && *j->cwd ? j->cwd : "/";
    if (chdir(cwd) != 0) {
        int e = errno;
        dprintf(2, "userbox: cannot change to %s in the container: %s\n", cwd, strerror(e));
        errno = e;
        return -1;
    }
    if (j->seccomp_filter) {
        /* A non-root uid inside has no CAP_SYS_ADMIN: it needs no_new_privs to load a filter. */
        if (j->uid != 0) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        struct sock_fprog prog = { j->seccomp_length, (struct sock_filter *)j->seccomp_filter };
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) return -1;
    }
    return 0;
}

/* Nothing but fds 0-2 reaches the command: a host fd the caller left inheritable (a directory,
   a socket) would be a way out of the container. close_range marks them all (Linux 5.11);
   before that, each fd up to the limit. */
static void close_from_3_on_exec(void) {
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1 << 20) max = 1 << 20;
    for (int fd = 3; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* stdio[k] onto fd k; each source moved above 2 first, so no dup2 overwrites a source not yet
   placed (stdout given as fd 0, say). */
static int place_stdio(const int stdio[3]) {
    int moved[3] = { -1, -1, -1 };
    for (int k = 0; k < 3; k++) {
        if (stdio[k] == k || stdio[k] < 0) continue;
        moved[k] = fcntl(stdio[k], F_DUPFD_CLOEXEC, 3);
        if (moved[k] < 0) return -1;
    }
    for (int k = 0; k < 3; k++) if (moved[k] >= 0 && dup2(moved[k], k) < 0) return -1;
    return 0;
}

/* What the joining process tells its caller on the report pipe: the command's pid, or why it
   could not join. */
typedef struct { int joined; int value; } join_report;

static void report_and_exit(int fd, int joined, int value) {
    join_report r = { joined, value };
    (void)!write(fd, &r, sizeof r);
    _exit(joined ? 0 : 126);
}

void ccontainer_join_and_exec(const ccontainer_join *j, const int ns_fds[CCONTAINER_NS_COUNT], int report_fd,
                              char *const *argv, char *const *envp) {
    /* Not dumpable before joining (as liblxc since CVE-2016-8649): root in the container has
       CAP_SYS_PTRACE in the namespace we join, and could otherwise ptrace this process and take
       its fds and memory (a fork of the caller's, on the fork path). The command's exec makes
       it dumpable again, as any process of the container. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    for (int i = 0; i < CCONTAINER_NS_COUNT; i++) if (setns(ns_fds[i], 0) != 0) report_and_exit(report_fd, 0, errno);
    close_all(ns_fds, CCONTAINER_NS_COUNT);
    /* Joining a pid namespace takes effect for children. As liblxc does, the command is made
       our caller's child (CLONE_PARENT), not ours: the caller waits for and signals the command
       itself, and nothing stays behind to relay. The raw clone returns like fork; the child only
       sets itself up and execs. */
    pid_t child = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
    if (child < 0) report_and_exit(report_fd, 0, errno);
    if (child > 0) report_and_exit(report_fd, 1, child);
    close(report_fd);
    if (place_stdio(j->stdio) != 0 || become(j) != 0) _exit(126);
    close_from_3_on_exec();
    /* execvp searches the PATH of environ: the container's, not the caller's. */
    environ = (char **)envp;
    execvp(argv[0], argv);
    _exit(errno == ENOENT ? 127 : 126);
}

/* The caller's side of a joining process: reaps it, and returns the command's pid, or -1 with
   the errno it reported (EIO if it ended without a word). */
static int await_join(pid_t joiner, int report) {
    join_report r = { 0, EIO };
    ssize_t n;
    do { n = read(report, &r, sizeof r); } while (n < 0 && errno == EINTR);
    close(report);
    while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR) {}
    if (n != (ssize_t)sizeof r) r = (join_report){ 0, EIO };
    if (!r.joined) { errno = r.value; return -1; }
    return r.value;
}

int ccontainer_attach(const ccontainer_join *j, char *const *argv, char *const *envp) {
    int fds[CCONTAINER_NS_COUNT];
    if (ccontainer_open_namespaces(j->pid, fds) != 0) return -1;
    /* The caller stays where it is (an API user goes on after attach): a child joins, being
       single-threaded as setns(user) requires. */
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) { int e = errno; close_all(fds, CCONTAINER_NS_COUNT); errno = e; return -1; }
    pid_t joiner = fork();
    if (joiner < 0) {
        int e = errno;
        close_all(fds, CCONTAINER_NS_COUNT);
        close_all(report, 2);
        errno = e;
        return -1;
    }
    if (joiner == 0) {
        close(report[0]);
        ccontainer_join_and_exec(j, fds, report[1], argv, envp);
    }
    close_all(fds, CCONTAINER_NS_COUNT);
    close(report[1]);
    return await_join(joiner, report[0]);
}

/* userbox-join's interface, private to this file and the helper built from it (installed
   together): argv = userbox-join 1 UID GID CAPDROP SECCOMP_LENGTH CGROUP_COUNT LSM_FILE LSM_LABEL
   CWD COMMAND... ("" for none); fds 0-2 the command's stdio, 3 the report pipe, 4-10 the
   namespaces, 11 the seccomp filter (a memfd), 12 on the cgroup.procs files; the environment is
   the command's. */
enum { HELPER_REPORT = 3, HELPER_NS = 4, HELPER_SECCOMP = 11, HELPER_CGROUPS = 12, HELPER_FIXED_ARGS = 10, HELPER_MAX_CGROUPS = 64 };

int ccontainer_attach_spawn(const char *helper, const ccontainer_join *j, char *const *argv, char *const *envp) {
    if (j->cgroup_count < 0 || j->cgroup_count > HELPER_MAX_CGROUPS) { errno = EINVAL; return -1; }
    int ns[CCONTAINER_NS_COUNT];
    if (ccontainer_open_namespaces(j->pid, ns) != 0) return -1;
    int report[2] = { -1, -1 }, filter = -1, e = 0;
    /* Every fd the helper gets, and where; each source is first copied above the highest target,
       so the dup2s of posix_spawn cannot overwrite a source before it is placed. */
    int count = 0, source[3 + 1 + CCONTAINER_NS_COUNT + 1 + HELPER_MAX_CGROUPS], target[sizeof source / sizeof *source];
    int copies[sizeof source / sizeof *source];
    int top = HELPER_CGROUPS + j->cgroup_count;
    char **helper_argv = NULL;
    pid_t pid = -1;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int have_actions = 0, have_attr = 0;
    if (pipe2(report, O_CLOEXEC) != 0) goto fail;
    if (j->seccomp_filter) {
        size_t size = (size_t)j->seccomp_length * sizeof(struct sock_filter);
        filter = memfd_create("userbox-seccomp", MFD_CLOEXEC);
        if (filter < 0 || write(filter, j->seccomp_filter, size) != (ssize_t)size) goto fail;
    }
    for (int k = 0; k < 3; k++) { source[count] = j->stdio[k] >= 0 ? j->stdio[k] : k; target[count++] = k; }
    source[count] = report[1]; target[count++] = HELPER_REPORT;
    for (int i = 0; i < CCONTAINER_NS_COUNT; i++) { source[count] = ns[i]; target[count++] = HELPER_NS + i; }
    if (filter >= 0) { source[count] = filter; target[count++] = HELPER_SECCOMP; }
    for (int i = 0; i < j->cgroup_count; i++) { source[count] = j->cgroup_fds[i]; target[count++] = HELPER_CGROUPS + i; }
    for (int i = 0; i < count; i++) copies[i] = -1;
    for (int i = 0; i < count; i++) if ((copies[i] = fcntl(source[i], F_DUPFD_CLOEXEC, top)) < 0) goto fail;
    if ((e = posix_spawn_file_actions_init(&actions)) != 0) goto fail_e;
    have_actions = 1;
    for (int i = 0; i < count; i++) if ((e = posix_spawn_file_actions_adddup2(&actions, copies[i], target[i])) != 0) goto fail_e;
    /* The command starts with no signal blocked or ignored (a Python caller ignores SIGPIPE). */
    if ((e = posix_spawnattr_init(&attr)) != 0) goto fail_e;
    have_attr = 1;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    size_t argc = 0;
    while (argv[argc]) argc++;
    helper_argv = calloc(HELPER_FIXED_ARGS + argc + 1, sizeof *helper_argv);
    char numbers[5][24];
    if (!helper_argv) goto fail;
    snprintf(numbers[0], sizeof numbers[0], "%u", j->uid);
    snprintf(numbers[1], sizeof numbers[1], "%u", j->gid);
    snprintf(numbers[2], sizeof numbers[2], "%llu", (unsigned long long)j->cap_drop);
    snprintf(numbers[3], sizeof numbers[3], "%u", j->seccomp_filter ? (unsigned)j->seccomp_length : 0u);
    snprintf(numbers[4], sizeof numbers[4], "%d", j->cgroup_count);
    const char *fixed[HELPER_FIXED_ARGS] = { "userbox-join", "1", numbers[0], numbers[1], numbers[2], numbers[3], numbers[4],
        j->lsm_exec_file && j->lsm_exec_label ? j->lsm_exec_file : "", j->lsm_exec_file && j->lsm_exec_label ? j->lsm_exec_label : "",
        j->cwd ? j->cwd : "" };
    for (int i = 0; i < HELPER_FIXED_ARGS; i++) helper_argv[i] = (char *)fixed[i];
    for (size_t i = 0; i < argc; i++) helper_argv[HELPER_FIXED_ARGS + i] = argv[i];
    if ((e = posix_spawn(&pid, helper, &actions, &attr, helper_argv, (char *const *)envp)) != 0) goto fail_e;
    free(helper_argv);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close_all(copies, count);
    close_all(ns, CCONTAINER_NS_COUNT);
    if (filter >= 0) close(filter);
    close(report[1]);
    return await_join(pid, report[0]);
fail:
    e = errno;
fail_e:
    free(helper_argv);
    if (have_actions) posix_spawn_file_actions_destroy(&actions);
    if (have_attr) posix_spawnattr_destroy(&attr);
    for (int i = 0; i < count; i++) if (copies[i] >= 0) close(copies[i]);
    close_all(ns, CCONTAINER_NS_COUNT);
    if (filter >= 0) close(filter);
    close_all(report, 2);
    errno = e;
    return -1;
}

/* A decimal number that fills its string and fits below `limit`, or -1. */
static long long number(const char *s, unsigned long long limit) {
    if (!*s) return -1;
    unsigned long long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (limit - (unsigned)(*s - '0')) / 10) return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    return (long long)v;
}

int ccontainer_join_helper_main(int argc, char **argv, char **envp) {
    long long uid, gid, length, cgroups;
    if (argc <= HELPER_FIXED_ARGS || strcmp(argv[1], "1") != 0 || (uid = number(argv[2], 0xFFFFFFFFull)) < 0 ||
        (gid = number(argv[3], 0xFFFFFFFFull)) < 0 || (length = number(argv[5], 0xFFFF)) < 0 ||
        (cgroups = number(argv[6], HELPER_MAX_CGROUPS)) < 0) {
        dprintf(2, "userbox-join: not to be run by hand (libuserbox runs it to attach a command to a container)\n");
        return 2;
    }
    /* The capability mask is 64 bits: parsed on its own, as unsigned. */
    unsigned long long drop = 0;
    for (const char *s = argv[4]; *s; s++) {
        if (*s < '0' || *s > '9' || drop > (~0ull - (unsigned)(*s - '0')) / 10) { dprintf(2, "userbox-join: bad capability mask\n"); return 2; }
        drop = drop * 10 + (unsigned)(*s - '0');
    }
    /* Every fd we were given stays ours: none reaches the command. */
    for (int fd = HELPER_REPORT; fd < HELPER_CGROUPS + cgroups; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
    struct sock_filter *filter = NULL;
    if (length > 0) {
        size_t size = (size_t)length * sizeof *filter;
        filter = malloc(size);
        if (!filter || pread(HELPER_SECCOMP, filter, size, 0) != (ssize_t)size) {
            report_and_exit(HELPER_REPORT, 0, errno ? errno : EIO);
        }
        close(HELPER_SECCOMP);
    }
    int cgroup_fds[HELPER_MAX_CGROUPS], ns[CCONTAINER_NS_COUNT];
    for (int i = 0; i < cgroups; i++) cgroup_fds[i] = HELPER_CGROUPS + (int)i;
    for (int i = 0; i < CCONTAINER_NS_COUNT; i++) ns[i] = HELPER_NS + i;
    ccontainer_join j = {
        .pid = 0, .uid = (unsigned)uid, .gid = (unsigned)gid, .cap_drop = drop,
        .seccomp_filter = filter, .seccomp_length = (unsigned short)length,
        .cgroup_fds = cgroup_fds, .cgroup_count = (int)cgroups,
        .lsm_exec_file = *argv[7] ? argv[7] : NULL, .lsm_exec_label = *argv[8] ? argv[8] : NULL,
        .cwd = *argv[9] ? argv[9] : NULL, .stdio = { 0, 1, 2 },
    };
    ccontainer_join_and_exec(&j, ns, HELPER_REPORT, argv + HELPER_FIXED_ARGS, envp);
}

int ccontainer_enter(const ccontainer_join *j) {
    int fds[CCONTAINER_NS_COUNT];
    if (ccontainer_open_namespaces(j->pid, fds) != 0) return -1;
    /* Not dumpable (see ccontainer_join_and_exec): this process is a copy of the caller's, and
       stays one unless it execs. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    for (int i = 0; i < CCONTAINER_NS_COUNT; i++) {
        if (setns(fds[i], 0) != 0) { int e = errno; close_all(fds, CCONTAINER_NS_COUNT); errno = e; return -1; }
    }
    close_all(fds, CCONTAINER_NS_COUNT);
    /* Joining a pid namespace takes effect for children: this process stays to relay the
       status of the one that goes on, which is in the container's pid namespace. */
    pid_t child = fork();
    if (child < 0) return -1;
    if (child > 0) {
        struct sigaction ignore = { .sa_handler = SIG_IGN };
        sigaction(SIGINT, &ignore, NULL);
        sigaction(SIGQUIT, &ignore, NULL);
        relay(child);
    }
    return become(j);
}
