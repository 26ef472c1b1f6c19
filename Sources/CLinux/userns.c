#include "CLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static void report(int fd, int stage, int err) {
    int msg[2] = { stage, err };
    ssize_t n = write(fd, msg, sizeof msg);
    (void)n;
}

int clinux_userns_fork(char *const argv[], unsigned int uid, unsigned int gid, clinux_userns_child *child) {
    int ready[2], go[2], error[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return -1;
    if (pipe2(go, O_CLOEXEC) != 0) { close(ready[0]); close(ready[1]); return -1; }
    if (pipe2(error, O_CLOEXEC) != 0) {
        close(ready[0]); close(ready[1]); close(go[0]); close(go[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(ready[0]); close(ready[1]); close(go[0]); close(go[1]); close(error[0]); close(error[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(ready[0]); close(go[1]); close(error[0]);
        int status = unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : errno;
        if (write(ready[1], &status, sizeof status) != sizeof status || status != 0) _exit(1);
        close(ready[1]);
        char byte = 0;
        if (read(go[0], &byte, 1) != 1 || byte != '1') _exit(1);
        close(go[0]);
        /* setgroups is denied when only self-maps were written; lxc-usernsexec tolerates that too. */
        if (setgroups(0, NULL) != 0 && errno != EPERM) { report(error[1], CLINUX_STAGE_SETGROUPS, errno); _exit(1); }
        if (setresgid(gid, gid, gid) != 0) { report(error[1], CLINUX_STAGE_SETGID, errno); _exit(1); }
        if (setresuid(uid, uid, uid) != 0) { report(error[1], CLINUX_STAGE_SETUID, errno); _exit(1); }
        /* A mount namespace owned by the new user namespace, whose mounts do not propagate back. */
        if (unshare(CLONE_NEWNS) != 0) { report(error[1], CLINUX_STAGE_UNSHARE_MOUNT, errno); _exit(1); }
        (void)mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execvp(argv[0], argv);
        int e = errno;
        report(error[1], CLINUX_STAGE_EXEC, e);
        _exit(e == ENOENT ? 127 : 126);
    }
    close(ready[1]); close(go[0]); close(error[1]);
    child->pid = pid;
    child->ready_fd = ready[0];
    child->go_fd = go[1];
    child->error_fd = error[0];
    return pid;
}

/* Dispositions clinux_harden_against_caller may have set to SIG_IGN go back to default in
   children (an ignored signal survives exec). */
static void default_signals(posix_spawnattr_t *attr) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGXFSZ);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGTTIN);
    sigaddset(&set, SIGTTOU);
    posix_spawnattr_init(attr);
    posix_spawnattr_setsigdefault(attr, &set);
    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF);
}

int clinux_harden_against_caller(void) {
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    int rc = setrlimit(RLIMIT_FSIZE, &unlimited);
    if (rc != 0) {
        /* Without CAP_SYS_RESOURCE only the soft limit can go up, to the hard one. */
        struct rlimit current;
        if (getrlimit(RLIMIT_FSIZE, &current) == 0) {
            current.rlim_cur = current.rlim_max;
            (void)setrlimit(RLIMIT_FSIZE, &current);
        }
    }
    (void)setrlimit(RLIMIT_AS, &unlimited);
    (void)setrlimit(RLIMIT_DATA, &unlimited);
    (void)setrlimit(RLIMIT_CPU, &unlimited);
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < 1024) {
        struct rlimit raised = { 1024, files.rlim_max < 1024 ? 1024 : files.rlim_max };
        if (setrlimit(RLIMIT_NOFILE, &raised) != 0 && files.rlim_max > files.rlim_cur) {
            files.rlim_cur = files.rlim_max;
            (void)setrlimit(RLIMIT_NOFILE, &files);
        }
    }
    return rc == 0 ? 0 : -1;
}

int clinux_spawn(char *const argv[], char *const envp[]) {
    pid_t pid;
    posix_spawnattr_t attr;
    default_signals(&attr);
    int rc = posix_spawn(&pid, argv[0], NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

int clinux_spawn_redirected(char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int fds[3] = { in_fd, out_fd, err_fd };
    for (int target = 0; target < 3; target++) {
        if (fds[target] >= 0) posix_spawn_file_actions_adddup2(&actions, fds[target], target);
        else posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
    pid_t pid;
    posix_spawnattr_t attr;
    default_signals(&attr);
    int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

int clinux_spawn_captured(char *const argv[], char *const envp[], int *output_fd) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return -1;
    int pid = clinux_spawn_redirected(argv, envp, -1, out[1], out[1]);
    int saved = errno;
    close(out[1]);
    if (pid < 0) { close(out[0]); errno = saved; return -1; }
    *output_fd = out[0];
    return pid;
}

int clinux_wait(int pid) {
    int status;
    while (waitpid(pid, &status, __WALL) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

void clinux_ignore_terminal_signals(int ignore) {
    signal(SIGINT, ignore ? SIG_IGN : SIG_DFL);
    signal(SIGQUIT, ignore ? SIG_IGN : SIG_DFL);
}
