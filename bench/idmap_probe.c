/* Can this process make an idmapped mount of DIR? open_tree(OPEN_TREE_CLONE) + mount_setattr
   (MOUNT_ATTR_IDMAP) with a fresh child user namespace (map "0 0 1") as the idmap; prints
   "allowed" or the errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    return ok ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    int ready[2], hold[2];
    if (pipe(ready) || pipe(hold)) return 2;
    pid_t child = fork();
    if (child == 0) {
        char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) _exit(1);
        close(hold[1]);
        if (read(hold[0], &c, 1) < 0) _exit(1);
        _exit(0);
    }
    char c = 0, path[64];
    if (read(ready[0], &c, 1) != 1 || c != 'y') { printf("refused: unshare(CLONE_NEWUSER) failed\n"); return 1; }
    snprintf(path, sizeof path, "/proc/%d/setgroups", child); write_file(path, "deny");
    snprintf(path, sizeof path, "/proc/%d/uid_map", child); write_file(path, "0 0 1");
    snprintf(path, sizeof path, "/proc/%d/gid_map", child); write_file(path, "0 0 1");
    snprintf(path, sizeof path, "/proc/%d/ns/user", child);
    int ns = open(path, O_RDONLY | O_CLOEXEC);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, argv[1], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    int rc = 1;
    if (tree < 0) printf("refused: open_tree: %s\n", strerror(errno));
    else {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)ns };
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0)
            printf("refused: mount_setattr(MOUNT_ATTR_IDMAP): %s\n", strerror(errno));
        else { printf("allowed\n"); rc = 0; }
    }
    close(hold[1]);
    waitpid(child, NULL, 0);
    return rc;
}
