#include "CLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/mount.h>
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

int clinux_spawn(char *const argv[], char *const envp[]) {
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, envp);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

int clinux_spawn_captured(char *const argv[], char *const envp[], int *output_fd) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) { close(out[0]); errno = rc; return -1; }
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
